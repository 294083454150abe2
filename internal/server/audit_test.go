package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// underCI reports whether a missing tool must fail a test rather than skip
// it: .ci/run installs everything the tests need.
func underCI() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips the test with reason, or fails it under CI=true.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if underCI() {
		t.Fatalf("%s (CI=true: .ci/run should have installed it)", reason)
	}
	t.Skip(reason)
}

// npmDir finds an npm project's installed packages: $envVar, else
// testdata/name (after `npm ci` there), holding every one of paths under
// node_modules; what names them in the skip message.
func npmDir(t *testing.T, envVar, name, what string, paths ...string) string {
	t.Helper()
	dir, from := os.Getenv(envVar), envVar
	if dir == "" {
		dir, from = filepath.Join("testdata", name), "testdata/"+name
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", p)); err != nil {
			skipOrFail(t, what+" is not installed in "+from+" ("+dir+"): run `npm ci` in internal/server/testdata/"+name+
				", or point "+envVar+" at a directory with node_modules/"+p)
		}
	}
	return dir
}

type auditResult struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Status              string `json:"status"` // ok, notice, warn, error
	Reason              string `json:"reason"`
	ResponseStatus      int    `json:"responseStatus"`
	ResponseContentType string `json:"responseContentType"`
	ResponseBody        string `json:"responseBody"`
}

// TestGraphQLOverHTTPAudit runs graphql-http's auditServer, the
// GraphQL-over-HTTP conformance suite, against the /graphql endpoint: any
// `error` (a MUST the server breaks) fails the test; `warn` and `notice`
// (SHOULD and MAY) are logged.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed: the GraphQL-over-HTTP audit runs the graphql-http npm package")
	}
	dir := npmDir(t, "GRAPHQL_HTTP_AUDIT_DIR", "audit", "the graphql-http npm package", "graphql-http/package.json")

	// The audit sends its requests at once from one address: the
	// per-client limits, tested on their own, would refuse some on a busy
	// machine.
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	srv := httptest.NewServer(server.New(server.Config{Store: testdb.New(t), RateLimit: unlimited}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "audit", "audit.mjs"), srv.URL+"/graphql", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node audit.mjs: %v\n%s", err, stderr.Bytes())
	}
	var out struct {
		GraphQLHTTPVersion string        `json:"graphqlHttpVersion"`
		Results            []auditResult `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("audit output: %v\n%s", err, stdout.Bytes())
	}
	if len(out.Results) == 0 {
		t.Fatal("the audit returned no results")
	}
	counts := map[string]int{}
	for _, r := range out.Results {
		counts[r.Status]++
		msg := r.ID + " " + r.Name + ": " + r.Reason
		if r.ResponseStatus != 0 {
			msg += "\n\tresponse: " + strconv.Itoa(r.ResponseStatus) + " " + r.ResponseContentType + " " + r.ResponseBody
		}
		switch r.Status {
		case "ok":
		case "error":
			t.Errorf("audit error: %s", msg)
		default:
			t.Logf("audit %s: %s", r.Status, msg)
		}
	}
	t.Logf("graphql-http %s audit in %s: %d ok, %d notice, %d warn, %d error",
		out.GraphQLHTTPVersion, time.Since(start).Round(time.Millisecond),
		counts["ok"], counts["notice"], counts["warn"], counts["error"])
}

// newServer serves the service on s over real HTTP until the test ends.
func newServer(t *testing.T, s *store.Store) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(server.New(server.Config{Store: s}))
	t.Cleanup(srv.Close)
	return srv
}
