package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// post sends a GraphQL query with the given headers.
func post(t *testing.T, srv *httptest.Server, query string, header map[string]string) response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return send(t, srv, req, header)
}

// limitedServer serves cfg.Store, or a fresh database, with a limiter of
// policy for anonymous clients.
func limitedServer(t *testing.T, policy ratelimit.Policy, cfg server.Config) (*httptest.Server, *ratelimit.Limiter) {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = testdb.New(t)
	}
	cfg.RateLimit = ratelimit.New(ratelimit.Config{Anonymous: policy})
	srv := httptest.NewServer(server.New(cfg))
	t.Cleanup(srv.Close)
	return srv, cfg.RateLimit
}

// replica is one serve process: a Store of its own over the shared
// database, counting its statements, and its limiter.
type replica struct {
	srv     *httptest.Server
	store   *store.Store
	limiter *ratelimit.Limiter
	counter *testdb.StatementCounter
}

func newReplica(t *testing.T, dsn string, policy ratelimit.Policy) replica {
	t.Helper()
	db, counter := testdb.CountingDB(t, dsn)
	s := store.New(db, dsn)
	t.Cleanup(func() { s.Close() })
	l := ratelimit.New(ratelimit.Config{Anonymous: policy, Ledger: s})
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: l}))
	t.Cleanup(srv.Close)
	return replica{srv, s, l, counter}
}

func (r replica) flush(t *testing.T) {
	t.Helper()
	if err := r.limiter.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

type rateLimited struct {
	Data struct {
		RateLimit struct {
			Cost, Limit, Used, Remaining int
			ResetAt                      string
		}
	}
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
	Extensions struct {
		Cost struct{ Points int }
	}
}

func decode(t *testing.T, r response) rateLimited {
	t.Helper()
	var out rateLimited
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return out
}

const rateLimitQuery = `{ releases { code } rateLimit { cost limit used remaining resetAt } }`

// TestRateLimitSharedAcrossReplicas: two servers, each with its own Store
// on one database as two serve processes have, enforce one budget: what one
// spends the other refuses after a flush, and a refusal spends nothing.
func TestRateLimitSharedAcrossReplicas(t *testing.T) {
	dsn := testdb.DSN(t)
	const budget = 300
	a := newReplica(t, dsn, ratelimit.Policy{Points: budget})
	b := newReplica(t, dsn, ratelimit.Policy{Points: budget})

	first := post(t, a.srv, rateLimitQuery, nil)
	if first.status != http.StatusOK {
		t.Fatalf("first query: %d %s", first.status, first.body)
	}
	got := decode(t, first)
	cost := got.Extensions.Cost.Points
	rl := got.Data.RateLimit
	if cost < 2 || rl.Cost != cost || rl.Limit != budget || rl.Used != cost || rl.Remaining != budget-cost {
		t.Fatalf("rateLimit %+v with extensions.cost %d", rl, cost)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:00:00Z$`).MatchString(rl.ResetAt) {
		t.Errorf("resetAt %q is not the end of an hourly window in RFC 3339", rl.ResetAt)
	}
	checkHeaders(t, first.header, budget, cost)

	// a spends 3 costs in all, b one more after the flush: b knows of 4.
	post(t, a.srv, rateLimitQuery, nil)
	post(t, a.srv, rateLimitQuery, nil)
	a.flush(t)
	b.flush(t)
	if rl := decode(t, post(t, b.srv, rateLimitQuery, nil)).Data.RateLimit; rl.Used != 4*cost {
		t.Fatalf("b after a's flush: %+v; want %d used", rl, 4*cost)
	}
	spent := 4 * cost
	for spent+cost <= budget {
		if r := post(t, b.srv, rateLimitQuery, nil); r.status != http.StatusOK {
			t.Fatalf("with %d of %d spent: %d %s", spent, budget, r.status, r.body)
		}
		spent += cost
	}

	refused := post(t, b.srv, rateLimitQuery, map[string]string{"Accept": "application/graphql-response+json"})
	checkRefusal(t, refused, budget-spent)
	if again := post(t, b.srv, rateLimitQuery, nil); again.header.Get("X-RateLimit-Remaining") != strconv.Itoa(budget-spent) {
		t.Errorf("a second refusal: remaining %s, want %d: the first spent something", again.header.Get("X-RateLimit-Remaining"), budget-spent)
	}

	// a learns of b's spending at the next flushes and refuses too.
	b.flush(t)
	a.flush(t)
	checkRefusal(t, post(t, a.srv, rateLimitQuery, nil), budget-spent)

	// A budget is the client's: a partner's key has its own.
	_, key, err := a.store.CreateKey(context.Background(), "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := post(t, a.srv, rateLimitQuery, bearer(key)); r.status != http.StatusOK {
		t.Errorf("another client: %d %s", r.status, r.body)
	}
}

func checkHeaders(t *testing.T, h http.Header, limit, used int) {
	t.Helper()
	if got, want := h.Get("RateLimit-Policy"), fmt.Sprintf(`"cost";q=%d;w=3600`, limit); got != want {
		t.Errorf("RateLimit-Policy %q, want %q", got, want)
	}
	m := regexp.MustCompile(`^"cost";r=(\d+);t=(\d+)$`).FindStringSubmatch(h.Get("RateLimit"))
	if m == nil || m[1] != strconv.Itoa(limit-used) {
		t.Errorf("RateLimit %q, want r=%d", h.Get("RateLimit"), limit-used)
	} else if reset, _ := strconv.Atoi(m[2]); reset < 1 || reset > 3600 {
		t.Errorf("RateLimit t=%d is not within the hour", reset)
	}
	for name, want := range map[string]int{"X-RateLimit-Limit": limit, "X-RateLimit-Used": used, "X-RateLimit-Remaining": limit - used} {
		if got := h.Get(name); got != strconv.Itoa(want) {
			t.Errorf("%s %q, want %d", name, got, want)
		}
	}
	if _, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err != nil {
		t.Errorf("X-RateLimit-Reset %q is not a Unix time", h.Get("X-RateLimit-Reset"))
	}
}

func checkRefusal(t *testing.T, r response, remaining int) {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("over the budget: %d %s", r.status, r.body)
	}
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 3600 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if got := r.header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(remaining) {
		t.Errorf("X-RateLimit-Remaining %q, want %d", got, remaining)
	}
	got := decode(t, r)
	if len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != "RATE_LIMITED" || !strings.Contains(got.Errors[0].Message, "are left") {
		t.Errorf("refusal body %s", r.body)
	}
}

// TestRateLimitAddsNoStatement: charging sends nothing to the database, nor
// does a partner's key once its process holds it; a flush is one statement,
// whatever the clients.
func TestRateLimitAddsNoStatement(t *testing.T) {
	r := newReplica(t, testdb.DSN(t), ratelimit.Policy{})
	const query = `{ rateLimit { cost remaining } }`
	post(t, r.srv, query, nil) // whatever a first request reads once
	var keys []string
	for i := range 3 {
		_, key, err := r.store.CreateKey(context.Background(), fmt.Sprint("client-", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		post(t, r.srv, query, bearer(key)) // the key's lookup, and the partners' catalog
	}
	before := r.counter.Count()
	for i := range 10 {
		resp := post(t, r.srv, query, bearer(keys[i%3]))
		if resp.status != http.StatusOK || resp.header.Get("X-RateLimit-Used") == "" {
			t.Fatalf("%d %s", resp.status, resp.body)
		}
	}
	if n := r.counter.Count() - before; n != 0 {
		t.Errorf("10 charged requests that read nothing sent %d statements", n)
	}
	r.flush(t)
	if n := r.counter.Count() - before; n != 1 {
		t.Errorf("a flush of 4 clients sent %d statements, want 1", n)
	}
}

// TestConcurrencyLimitPerClient: a client with its most requests in flight
// is refused with 429 (GraphQL and exports alike); another client is not.
func TestConcurrencyLimitPerClient(t *testing.T) {
	s := testdb.New(t)
	_, key, err := s.CreateKey(context.Background(), "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, l := limitedServer(t, ratelimit.Policy{Concurrency: 1}, server.Config{Store: s, ExportCost: 7})

	// The test holds the local client's one place, as a request running
	// would.
	release, err := l.Acquire(ratelimit.Client{ID: "ip:127.0.0.1", Tier: dataset.TierAnonymous})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []response{post(t, srv, `{ rateLimit { cost } }`, nil), get(t, srv, "/export/structure.json", nil)} {
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" || !strings.Contains(r.body, `"RATE_LIMITED"`) {
			t.Errorf("with the client's one place taken: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	sdmxRefused := get(t, srv, "/sdmx/rest/dataflow/AZ_MIA/TIP_INDICATORS/latest", nil)
	if sdmxRefused.status != http.StatusTooManyRequests || sdmxRefused.header.Get("Retry-After") != "1" || !strings.Contains(sdmxRefused.body, "1429") {
		t.Errorf("SDMX with the client's one place taken: %d Retry-After %q %s", sdmxRefused.status, sdmxRefused.header.Get("Retry-After"), sdmxRefused.body)
	}
	if r := post(t, srv, `{ rateLimit { cost } }`, bearer(key)); r.status != http.StatusOK {
		t.Errorf("another client: %d %s", r.status, r.body)
	}
	release()
	r := get(t, srv, "/export/structure.json", nil)
	if r.status != http.StatusOK || r.header.Get("X-RateLimit-Used") != "7" {
		t.Errorf("an export once the place is free: %d, used %q (want the flat 7)", r.status, r.header.Get("X-RateLimit-Used"))
	}
	r = get(t, srv, "/sdmx/rest/dataflow/AZ_MIA/TIP_INDICATORS/latest", nil)
	if r.status != http.StatusOK || r.header.Get("X-RateLimit-Used") != "14" {
		t.Errorf("an SDMX query: %d, used %q (want 7 more)", r.status, r.header.Get("X-RateLimit-Used"))
	}
}

func TestClientIP(t *testing.T) {
	proxies, err := server.ParsePrefixes("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, remote, forwarded string
		trusted                 []netip.Prefix
		want                    string
	}{
		{"no proxy trusted: the peer", "10.1.1.1:5000", "203.0.113.9", nil, "10.1.1.1"},
		{"a trusted proxy: the address it was reached from", "10.1.1.1:5000", "203.0.113.9", proxies, "203.0.113.9"},
		{"a forged hop before the proxies is ignored", "10.1.1.1:5000", "198.51.100.1, 203.0.113.9, 192.0.2.7", proxies, "203.0.113.9"},
		{"an untrusted peer's header is ignored", "203.0.113.5:5000", "198.51.100.1", proxies, "203.0.113.5"},
		{"garbage in the header stops the walk", "10.1.1.1:5000", "nonsense, 10.2.2.2", proxies, "10.2.2.2"},
		{"IPv6 stands for its /64", "[2001:db8:1:2:3:4:5:6]:443", "", nil, "2001:db8:1:2::"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			if got := server.ClientIP(r, tc.trusted).String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := server.ParsePrefixes("10.0.0.0/8,proxy.example"); err == nil {
		t.Error("a host name was taken as a proxy")
	}
}
