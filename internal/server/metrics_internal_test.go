package server

import (
	"fmt"
	"strings"
	"testing"
)

// TestOperationLabelsBounded: clients name their operations, so the label
// takes the first maxOperationNames names and "other" for the rest.
func TestOperationLabelsBounded(t *testing.T) {
	n := operationNames{seen: map[string]bool{}}
	labels := map[string]bool{}
	for i := range 3 * maxOperationNames {
		labels[n.label(fmt.Sprint("Op", i))] = true
	}
	if len(labels) != maxOperationNames+1 || !labels["other"] {
		t.Errorf("%d labels for %d names", len(labels), 3*maxOperationNames)
	}
	tests := []struct{ name, want string }{
		{"Op0", "Op0"},
		{"", "anonymous"},
		{strings.Repeat("A", maxOperationNameLength+1), "other"},
	}
	for _, tc := range tests {
		if got := n.label(tc.name); got != tc.want {
			t.Errorf("label(%.10q…) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
