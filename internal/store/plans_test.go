package store_test

import (
	"testing"

	"indicators/internal/testdb"
)

// TestAPIConnectionsUseGenericPlans: the API's prepared statements are
// planned once, not at every execution.
func TestAPIConnectionsUseGenericPlans(t *testing.T) {
	s := testdb.New(t)
	var mode string
	if err := s.DB().Get(&mode, "SHOW plan_cache_mode"); err != nil {
		t.Fatal(err)
	}
	if mode != "force_generic_plan" {
		t.Errorf("plan_cache_mode = %q, want force_generic_plan", mode)
	}
}
