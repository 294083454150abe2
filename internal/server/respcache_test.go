package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/pgembed"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// cachingServer is one serve process over dsn with its own store, counting
// the statements it sends, and its response cache as configured.
func cachingServer(t *testing.T, dsn string, cacheBytes int64) (*httptest.Server, *store.Store, *testdb.StatementCounter) {
	t.Helper()
	db, counter := testdb.CountingDB(t, dsn)
	s := store.New(db, dsn)
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(server.New(server.Config{Store: s, ResponseCacheBytes: cacheBytes}))
	t.Cleanup(srv.Close)
	return srv, s, counter
}

// fixtureDatabase is a fresh database holding the fixture, and a store of
// its own on it (another process's, as far as a server is concerned).
func fixtureDatabase(t *testing.T) (string, *store.Store) {
	t.Helper()
	dsn := testdb.DSN(t)
	loader, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loader.Close() })
	load(t, loader, fixture(t))
	return dsn, loader
}

// postVars sends query with variables and the given headers.
func postVars(t *testing.T, srv *httptest.Server, query string, vars map[string]any, header map[string]string) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return send(t, srv, req, header)
}

const cachedQuery = `query Victims($period: Int) {
  observations(first: 5, filter: {indicators: ["victims_identified"], periodFrom: $period, periodTo: $period}) {
    totalCount nodes { value refArea { name } }
  }
}`

// Queries that read observations (so that executing them sends statements)
// beside what must keep them out of the cache.
const (
	latestVictims       = `indicator(code: "victims_identified") { latest { value } }`
	perClient           = `{ rateLimit { used } ` + latestVictims + ` }`
	perClientInFragment = `{ ...F } fragment F on Query { ` + latestVictims + ` ... on Query { rateLimit { used } } }`
	partlyWrong         = `{ ` + latestVictims + ` nowhere: indicator(code: "victims_identified") { series(refArea: "NOWHERE") { value } } }`
)

// An identical query on an unchanged dataset is answered from the cache:
// the same body, no statement sent. Whatever its body depends on keys it:
// the variables, the language, the viewer; the query's layout does not.
func TestResponseCache(t *testing.T) {
	dsn, _ := fixtureDatabase(t)
	srv, _, counter := cachingServer(t, dsn, 0)

	reformatted := "# the same query, laid out otherwise\n" + strings.Join(strings.Fields(cachedQuery), " ")
	quoted, _ := json.Marshal(cachedQuery)
	// The same request in other bytes: another alias of the same entry.
	rewritten := `{ "variables": {"period": 2024},` + "\n" + `"query": ` + string(quoted) + `}`
	tests := []struct {
		name   string
		query  string
		vars   map[string]any
		body   string // posted as it is instead of query and vars, when not ""
		header map[string]string
		cached string // the case whose body this one is, from the cache; "" to execute
	}{
		{"first time", cachedQuery, map[string]any{"period": 2024}, "", nil, ""},
		{"again", cachedQuery, map[string]any{"period": 2024}, "", nil, "first time"},
		{"laid out otherwise", reformatted, map[string]any{"period": 2024}, "", nil, "first time"},
		{"laid out otherwise again", reformatted, map[string]any{"period": 2024}, "", nil, "first time"},
		{"the request written otherwise", "", nil, rewritten, nil, "first time"},
		{"the request written otherwise again", "", nil, rewritten, nil, "first time"},
		{"other variables", cachedQuery, map[string]any{"period": 2023}, "", nil, ""},
		{"other variables again", cachedQuery, map[string]any{"period": 2023}, "", nil, "other variables"},
		{"another language", cachedQuery, map[string]any{"period": 2024}, "", map[string]string{"Accept-Language": "az"}, ""},
		{"another language again", cachedQuery, map[string]any{"period": 2024}, "", map[string]string{"Accept-Language": "az"}, "another language"},
		{"a per-client field", perClient, nil, "", nil, ""},
		{"a per-client field again", perClient, nil, "", nil, ""},
		{"a per-client field in a fragment", perClientInFragment, nil, "", nil, ""},
		{"a per-client field in a fragment again", perClientInFragment, nil, "", nil, ""},
		{"an error", partlyWrong, nil, "", nil, ""},
		{"an error again", partlyWrong, nil, "", nil, ""},
	}
	bodies, charged := map[string]string{}, map[string]int{}
	used := 0 // the anonymous budget spent so far
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := counter.Count()
			var r response
			if tc.body != "" {
				r = postBody(t, srv, tc.body, tc.header)
			} else {
				r = postVars(t, srv, tc.query, tc.vars, tc.header)
			}
			sent := counter.Count() - before
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if cached := sent == 0; cached != (tc.cached != "") {
				t.Errorf("%d statements sent, want it cached: %v; %s", sent, tc.cached != "", r.body)
			}
			if tc.cached != "" && r.body != bodies[tc.cached] {
				t.Errorf("cached body\n%s\ndiffers from %q's\n%s", r.body, tc.cached, bodies[tc.cached])
			}
			bodies[tc.name] = r.body
			// An answer from the cache is charged what executing it was.
			now, err := strconv.Atoi(r.header.Get("X-RateLimit-Used"))
			if err != nil {
				t.Fatalf("X-RateLimit-Used: %v", err)
			}
			charged[tc.name], used = now-used, now
			if charged[tc.name] <= 0 {
				t.Errorf("charged %d points", charged[tc.name])
			}
			if tc.cached != "" && charged[tc.name] != charged[tc.cached] {
				t.Errorf("charged %d points from the cache, %q was charged %d", charged[tc.name], tc.cached, charged[tc.cached])
			}
		})
	}
	if bodies["another language"] == bodies["first time"] {
		t.Errorf("the Azerbaijani answer is the English one: %s", bodies["first time"])
	}
	if bodies["a per-client field"] == bodies["a per-client field again"] {
		t.Errorf("the budget was answered twice alike: %s", bodies["a per-client field"])
	}
	// What is not a GraphQL request is refused each time it comes.
	for range 2 {
		if r := postBody(t, srv, `{"query": `+string(quoted), nil); r.status != http.StatusBadRequest || !strings.Contains(r.body, "BAD_REQUEST") {
			t.Errorf("a body cut short: %d %s, want 400 BAD_REQUEST", r.status, r.body)
		}
	}
}

// postBody posts body to /graphql as it is, as JSON.
func postBody(t *testing.T, srv *httptest.Server, body string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return send(t, srv, req, header)
}

// A partner's response, which may hold restricted cells, is never given to
// anonymous clients or to another key.
func TestResponseCacheTiers(t *testing.T) {
	s, srv := restrictedServer(t)
	ctx := context.Background()
	_, secret, err := s.CreateKey(ctx, "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := s.CreateKey(ctx, "another partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	const q = `{ indicator(code: "hotline_calls") { code latest { value } } }`
	partner := post(t, srv, q, bearer(secret))
	anonymous := post(t, srv, q, nil)
	otherPartner := post(t, srv, q, bearer(other))
	if !strings.Contains(partner.body, "10254") {
		t.Fatalf("the partner does not read the restricted hotline calls: %s", partner.body)
	}
	if strings.Contains(anonymous.body, "10254") {
		t.Errorf("an anonymous client was given the partner's cached answer: %s", anonymous.body)
	}
	if otherPartner.body != partner.body {
		t.Errorf("another partner reads %s, want %s", otherPartner.body, partner.body)
	}
}

// A load in any process empties every process's cache: two serve processes
// over one database answer the new data once the load is heard, never a
// cached answer of the old.
func TestResponseCacheAcrossProcesses(t *testing.T) {
	dsn, loader := fixtureDatabase(t)
	a, storeA, _ := cachingServer(t, dsn, 0)
	b, storeB, _ := cachingServer(t, dsn, 0)
	const q = `{ releases { code } }`
	for _, srv := range []*httptest.Server{a, b, a, b} {
		if r := post(t, srv, q, nil); !strings.Contains(r.body, "fixture-2024") || strings.Contains(r.body, "fixture-2025") {
			t.Fatalf("before the load: %s", r.body)
		}
	}
	heard := make(chan struct{}, 2)
	for _, s := range []*store.Store{storeA, storeB} {
		// Registered after the server's own callbacks, so it runs after
		// them: once it has, the process has emptied its cache.
		if err := s.OnChange(func(int64) { heard <- struct{}{} }); err != nil {
			t.Fatal(err)
		}
	}
	next := fixture(t)
	next.Release.Code, next.Release.Title = "fixture-2025", "Next year"
	load(t, loader, next)
	for range 2 {
		select {
		case <-heard:
		case <-time.After(time.Minute):
			t.Fatal("a process did not hear the load")
		}
	}
	for name, srv := range map[string]*httptest.Server{"a": a, "b": b} {
		if r := post(t, srv, q, nil); !strings.Contains(r.body, "fixture-2025") {
			t.Errorf("process %s answers from before the load: %s", name, r.body)
		}
	}
}

// Automatic persisted queries: a GET carrying only the query's hash is
// answered once the query was sent with it; an unknown hash asks for the
// query, a wrong one is refused with a code.
func TestPersistedQueries(t *testing.T) {
	s := testdb.New(t)
	load(t, s, fixture(t))
	srv := newServer(t, s)
	const q = `{ indicator(code: "victims_identified") { latest { value } } }`
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])
	ext := func(h string) string {
		return url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"` + h + `"}}`)
	}
	tests := []struct {
		name   string
		path   string
		status int
		code   string
		want   string
	}{
		{"hash before the query was sent", "/graphql?extensions=" + ext(hash), http.StatusOK, "PERSISTED_QUERY_NOT_FOUND", ""},
		{"query with its hash", "/graphql?query=" + url.QueryEscape(q) + "&extensions=" + ext(hash), http.StatusOK, "", `"value":91`},
		{"hash alone", "/graphql?extensions=" + ext(hash), http.StatusOK, "", `"value":91`},
		{"a hash that is not the query's", "/graphql?query=" + url.QueryEscape(q) + "&extensions=" + ext(strings.Repeat("0", 64)), http.StatusOK, "PERSISTED_QUERY_INVALID", ""},
		{"another version", "/graphql?extensions=" + url.QueryEscape(`{"persistedQuery":{"version":2,"sha256Hash":"`+hash+`"}}`), http.StatusOK, "PERSISTED_QUERY_INVALID", ""},
		{"not an object", "/graphql?extensions=" + url.QueryEscape(`{"persistedQuery":"x"}`), http.StatusOK, "PERSISTED_QUERY_INVALID", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, tc.path, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			var body struct {
				Errors []struct{ Extensions struct{ Code string } }
			}
			if err := json.Unmarshal([]byte(r.body), &body); err != nil {
				t.Fatal(err)
			}
			code := ""
			if len(body.Errors) > 0 {
				code = body.Errors[0].Extensions.Code
			}
			if code != tc.code || !strings.Contains(r.body, tc.want) {
				t.Errorf("code %q, want %q; body %s, want it to hold %q", code, tc.code, r.body, tc.want)
			}
		})
	}
}

// With the cache turned off, every request executes.
func TestResponseCacheOff(t *testing.T) {
	dsn, _ := fixtureDatabase(t)
	srv, _, counter := cachingServer(t, dsn, -1)
	post(t, srv, cachedQuery, nil)
	before := counter.Count()
	post(t, srv, cachedQuery, nil)
	if counter.Count() == before {
		t.Error("a repeated query sent no statement with the cache off")
	}
}

// BenchmarkResponseCache: a page of 100 observations with nested fields,
// sent by as many clients at once as there are CPUs, executed each time and
// answered from the response cache.
//
//	go test ./internal/server -run '^$' -bench ResponseCache -benchtime 2000x
func BenchmarkResponseCache(b *testing.B) {
	s := testdb.New(b)
	bundled, err := dataset.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	load(b, s, bundled)
	const q = `{ observations(first: 100) { totalCount nodes {
		id value qualifier period { label } indicator { code name unit { code } }
		agency { name } coordinates { dimension { code } member { code name } }
		source { section quote } previous { value } change { absolute percent } } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	for _, bc := range []struct {
		name  string
		bytes int64
	}{{"uncached", -1}, {"cached", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: unlimited, ResponseCacheBytes: bc.bytes}))
			defer srv.Close()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// clusterDir is a directory for a private cluster of the test that the
// cluster's unprivileged user can reach when the test runs as root (a test's
// temporary directory is 0700), so it is not moved elsewhere.
func clusterDir(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, name)
}

// A real streaming replica, made by pg_basebackup: the API reads from it
// (DATABASE_READ_URL), the load goes to the primary, and while the replica
// has not replayed the load (its replay paused) the old data is answered and
// not kept; once it has, the new data is.
func TestStreamingReplica(t *testing.T) {
	ctx := context.Background()
	primary, err := pgembed.Start(ctx, pgembed.Options{Dir: clusterDir(t, "primary"), Fast: true})
	if err != nil {
		skipOrFail(t, "no PostgreSQL to start a primary: "+err.Error())
	}
	t.Cleanup(func() { primary.Stop(context.Background()) })
	admin := func(c *pgembed.Cluster, db, stmt string) {
		t.Helper()
		conn, err := sql.Open("postgres", c.DSN(db))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	admin(primary, "postgres", "CREATE DATABASE indicators")
	if err := store.Migrate(ctx, primary.DSN("indicators")); err != nil {
		t.Fatal(err)
	}
	loader, err := store.Open(ctx, primary.DSN("indicators"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loader.Close() })
	load(t, loader, fixture(t))
	standby, err := pgembed.StartStandby(ctx, primary, pgembed.Options{Dir: clusterDir(t, "standby"), Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { standby.Stop(context.Background()) })

	served, err := store.Open(ctx, primary.DSN("indicators"), store.WithReplica(standby.DSN("indicators")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { served.Close() })
	var standbyReads bool
	if err := served.DB().GetContext(ctx, &standbyReads, "SELECT pg_is_in_recovery()"); err != nil || !standbyReads {
		t.Fatalf("the API's reads do not go to the standby: in recovery %v, %v", standbyReads, err)
	}
	srv := httptest.NewServer(server.New(server.Config{Store: served}))
	t.Cleanup(srv.Close)
	heard := make(chan struct{}, 1)
	if err := served.OnChange(func(int64) { heard <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	const q = `{ releases { code } }`
	releases := func(step string, want bool) {
		t.Helper()
		for range 2 { // the second from the cache, if it holds it
			if r := post(t, srv, q, nil); strings.Contains(r.body, "fixture-2025") != want {
				t.Fatalf("%s: %s, want fixture-2025 %v", step, r.body, want)
			}
		}
	}
	// The base backup holds the first load.
	releases("the first load", false)

	admin(standby, "postgres", "SELECT pg_wal_replay_pause()")
	next := fixture(t)
	next.Release.Code = "fixture-2025"
	load(t, loader, next)
	select {
	case <-heard:
	case <-time.After(time.Minute):
		t.Fatal("the load was not heard")
	}
	releases("the standby's replay paused", false)
	admin(standby, "postgres", "SELECT pg_wal_replay_resume()")
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := served.DB().GetContext(ctx, &n, "SELECT count(*) FROM release"); err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the standby did not replay the load within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	releases("the standby replayed the load", true)
}
