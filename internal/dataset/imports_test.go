package dataset_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportRules holds the packages to the arrows of docs/architecture.md:
// the core imports none of ours, nothing above the store speaks SQL, and
// serialization knows nothing of GraphQL or the store.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "indicators/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		imports[fields[0]] = fields[1:]
	}
	sql := []string{"github.com/jmoiron/sqlx", "github.com/lib/pq", "database/sql"}
	gqlgen := []string{"github.com/99designs/gqlgen", "github.com/vektah/gqlparser/v2"}
	tests := []struct {
		pkg       string
		forbidden []string // import path prefixes
	}{
		{"indicators/internal/dataset", append(append([]string{"indicators/"}, sql...), gqlgen...)},
		{"indicators/internal/framework", append(append([]string{"indicators/graph", "indicators/internal/export", "indicators/internal/store", "indicators/internal/server"}, sql...), gqlgen...)},
		{"indicators/internal/export", append(append([]string{"indicators/graph", "indicators/internal/store", "indicators/internal/server"}, sql...), gqlgen...)},
		{"indicators/graph", append([]string{"indicators/internal/store", "indicators/internal/server"}, sql...)},
		{"indicators/internal/server", sql},
		{"indicators/internal/synth", append(append([]string{"indicators/graph", "indicators/internal/store", "indicators/internal/server"}, sql...), gqlgen...)},
	}
	for _, tc := range tests {
		t.Run(tc.pkg, func(t *testing.T) {
			got, ok := imports[tc.pkg]
			if !ok {
				t.Fatalf("no package %s", tc.pkg)
			}
			for _, imp := range got {
				if slices.ContainsFunc(tc.forbidden, func(prefix string) bool { return strings.HasPrefix(imp, prefix) }) {
					t.Errorf("%s imports %s", tc.pkg, imp)
				}
			}
		})
	}
}
