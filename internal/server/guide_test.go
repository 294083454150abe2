package server_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestFrontendGuideExamples runs the guide's plain-fetch examples
// (docs/examples, shown in docs/frontend-guide.md) with Node against the
// bundled data, so the guide cannot drift from the API.
func TestFrontendGuideExamples(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed")
	}
	_, srv := bundledServer(t)
	for _, tc := range []struct {
		script string
		want   []string
	}{
		{"series.mjs", []string{"latest: 2024 91", "2023 91", "by country of exploitation, 2024 total 91", "Türkiyə 53 0.5824175824", "Azərbaycan 1"}},
		{"paging.mjs", []string{"62 observations of the protection theme"}},
	} {
		t.Run(tc.script, func(t *testing.T) {
			cmd := exec.Command(node, "../../docs/examples/"+tc.script)
			cmd.Env = append(os.Environ(), "API="+srv.URL+"/graphql")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v:\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
