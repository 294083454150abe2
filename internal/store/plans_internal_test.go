package store

import "testing"

func TestWithGenericPlans(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"url", "postgres://u@h:5432/db?sslmode=disable", "postgres://u@h:5432/db?plan_cache_mode=force_generic_plan&sslmode=disable"},
		{"url without query", "postgresql://u@h/db", "postgresql://u@h/db?plan_cache_mode=force_generic_plan"},
		{"key=value", "host=/tmp/pg dbname=indicators", "host=/tmp/pg dbname=indicators plan_cache_mode=force_generic_plan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := withGenericPlans(tc.dsn); got != tc.want {
				t.Errorf("withGenericPlans(%q) = %q, want %q", tc.dsn, got, tc.want)
			}
		})
	}
}
