package framework

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

func TestPer100000(t *testing.T) {
	tests := []struct {
		name              string
		count, population string
		want              string
	}{
		{"rounds down", "91", "10123456", "0.899"},
		{"exact", "91", "10000000", "0.910"},
		{"half rounds away from zero", "1", "200000000", "0.001"},
		{"below half rounds to zero", "1", "250000000", "0.000"},
		{"large rate", "1", "3", "33333.333"},
		{"decimal count and population", "0.5", "12345.6", "4.050"},
		{"beyond float precision", "9007199254740993", "100000", "9007199254740993.000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := per100000(decimal.RequireFromString(tc.count), decimal.RequireFromString(tc.population))
			if s := got.StringFixed(rateDecimals); s != tc.want {
				t.Errorf("per100000(%s, %s) = %s, want %s", tc.count, tc.population, s, tc.want)
			}
		})
	}
}

func TestAgeGroups(t *testing.T) {
	cl := &dataset.CodeLists{Dimensions: []dataset.Dimension{{Code: dimAge, Members: []dataset.Member{
		{Code: "Y0T17"}, {Code: "Y_LT18"}, {Code: "Y_LE17"}, {Code: "Y18T25"}, {Code: "Y_GE18"}, {Code: "Y_GT35"},
		{Code: "Y15T24"}, {Code: "UNKNOWN"},
	}}}}
	children, adults := ageGroups(cl)
	if want := []string{"Y0T17", "Y_LT18", "Y_LE17"}; !slices.Equal(children, want) {
		t.Errorf("children %v, want %v", children, want)
	}
	if want := []string{"Y18T25", "Y_GE18", "Y_GT35"}; !slices.Equal(adults, want) {
		t.Errorf("adults %v, want %v (a band across 18 is neither)", adults, want)
	}
}
