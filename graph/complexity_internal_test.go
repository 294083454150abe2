package graph

import (
	"math"
	"testing"
)

func TestCostOfSaturates(t *testing.T) {
	tests := []struct {
		name           string
		base, n, child int
		want           int
	}{
		{"a page of scalars", 1, 100, 3, 301},
		{"nothing selected", 1, 100, 0, 1},
		{"at the bound", 0, 1, maxCost, maxCost},
		{"a product past the bound", 1, 100, maxCost / 10, maxCost},
		{"a product that would wrap int64", 1, 100, math.MaxInt / 50, maxCost},
		{"a child sum that wrapped", 1, 100, -5, maxCost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := costOf(tc.base, tc.n, tc.child); got != tc.want {
				t.Errorf("costOf(%d, %d, %d) = %d, want %d", tc.base, tc.n, tc.child, got, tc.want)
			}
		})
	}
}
