package store_test

import (
	"testing"

	"indicators/internal/testdb"
)

// TestAPIConnectionsUseGenericPlans: the API's prepared statements are
// planned once, not at every execution, and the readers' statements are
// never JIT-compiled.
func TestAPIConnectionsUseGenericPlans(t *testing.T) {
	s := testdb.New(t)
	var mode string
	if err := s.DB().Get(&mode, "SHOW plan_cache_mode"); err != nil {
		t.Fatal(err)
	}
	if mode != "force_generic_plan" {
		t.Errorf("plan_cache_mode = %q, want force_generic_plan", mode)
	}
	for name, db := range map[string]interface {
		Get(any, string, ...any) error
	}{"API": s.DB(), "export": s.ExportDB()} {
		var jit string
		if err := db.Get(&jit, "SHOW jit"); err != nil {
			t.Fatal(err)
		}
		if jit != "off" {
			t.Errorf("the %s connections' jit = %q, want off", name, jit)
		}
	}
}
