package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Config is one run of the mix.
type Config struct {
	// URL is the service's base, http://127.0.0.1:8080.
	URL string
	// Concurrency is how many requests are in flight at once.
	Concurrency int
	// Warmup runs each step unmeasured first; Duration is how long it is
	// measured.
	Warmup, Duration time.Duration
	// Seed makes the drawn requests repeatable.
	Seed uint64
	// Queries are the steps, in order (Mix or a Select of it).
	Queries []Query
	// Mixed runs the queries at once instead of one after another: each
	// request is one of them drawn at random, so each query's latencies
	// are measured beside the others' load, as a deployment serves them.
	Mixed bool
	// DB, when not nil, is the service's database: each query with a SQL
	// equivalent is also run as plain SQL, prepared, through lib/pq.
	DB *sql.DB
	// Client sends the requests (NewClient); nil is NewClient(Concurrency, "").
	Client *http.Client
}

// NewClient is a client keeping enough idle connections for concurrency
// requests at once, sending key (a partner's API key) when not "".
func NewClient(concurrency int, key string) *http.Client {
	// A large read buffer: a page of 100 nested observations is some 85 kB,
	// read in 4 kB steps by default, and the generator shares the cores
	// with the service it measures.
	var rt http.RoundTripper = &http.Transport{MaxIdleConnsPerHost: concurrency, ReadBufferSize: 64 << 10}
	if key != "" {
		rt = bearer{key: key, next: rt}
	}
	return &http.Client{Transport: rt}
}

// bearer adds a partner's key to every request.
type bearer struct {
	key  string
	next http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.key)
	return b.next.RoundTrip(r)
}

// Result is one step: a query on one system.
type Result struct {
	Query string
	// System is "service", "sql" (the floor) or, in a mixed run, "mixed";
	// a mixed run's last result, Query "all", is every request of it.
	System   string
	Requests int
	// Errors are answers other than 200 or with GraphQL errors, and
	// failures to get one.
	Errors  int
	Elapsed time.Duration
	// Latency percentiles of the measured requests.
	P50, P95, P99 time.Duration
	// Statements and DBTime are what the service reported spending per
	// request in its metrics (every pool); not known for the floor, which
	// is one statement.
	Statements float64
	DBTime     time.Duration
}

// Throughput is requests a second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Run measures every query of cfg, one after another or, with cfg.Mixed,
// all at once, drawing variables from pools.
func Run(ctx context.Context, cfg Config, pools *Pools) ([]Result, error) {
	if cfg.Concurrency < 1 {
		return nil, errors.New("bench: concurrency must be at least 1")
	}
	if cfg.Mixed && cfg.DB != nil {
		return nil, errors.New("bench: the plain-SQL floor is measured one query at a time, not in a mixed run")
	}
	if cfg.Mixed && len(cfg.Queries) == 0 {
		return nil, errors.New("bench: a mixed run needs queries to draw from")
	}
	if cfg.Client == nil {
		cfg.Client = NewClient(cfg.Concurrency, "")
	}
	if cfg.Mixed {
		return runMixed(ctx, cfg, pools)
	}
	var out []Result
	for _, q := range cfg.Queries {
		res, err := measureService(ctx, cfg, 1, func(r *rand.Rand) (int, bool, error) {
			ok, err := serviceRequest(ctx, cfg, q, r, pools)
			return 0, ok, err
		})
		if err != nil {
			return nil, fmt.Errorf("bench %s: %w", q.Name, err)
		}
		service := res[len(res)-1]
		service.Query, service.System = q.Name, "service"
		out = append(out, service)
		if cfg.DB == nil || q.SQL == "" {
			continue
		}
		stmt, err := cfg.DB.PrepareContext(ctx, q.SQL)
		if err != nil {
			return nil, fmt.Errorf("bench %s: prepare its SQL: %w", q.Name, err)
		}
		floor, err := measure(ctx, cfg, 1, func(r *rand.Rand) (int, bool, error) {
			rows, err := stmt.QueryContext(ctx, q.SQLArgs(r, pools)...)
			if err != nil {
				return 0, false, err
			}
			for rows.Next() {
			}
			return 0, true, errors.Join(rows.Err(), rows.Close())
		})
		stmt.Close()
		if err != nil {
			return nil, fmt.Errorf("bench %s as SQL: %w", q.Name, err)
		}
		plain := floor[len(floor)-1]
		plain.Query, plain.System, plain.Statements = q.Name, "sql", 1
		out = append(out, plain)
	}
	return out, nil
}

// runMixed measures cfg's queries in one run, each request drawn from
// them at random: a result for each query, then one for all of them, which
// alone carries the service's spending (its metrics do not tell the
// queries apart).
func runMixed(ctx context.Context, cfg Config, pools *Pools) ([]Result, error) {
	n := len(cfg.Queries)
	res, err := measureService(ctx, cfg, n, func(r *rand.Rand) (int, bool, error) {
		i := r.IntN(n)
		ok, err := serviceRequest(ctx, cfg, cfg.Queries[i], r, pools)
		return i, ok, err
	})
	if err != nil {
		return nil, fmt.Errorf("bench the mix: %w", err)
	}
	for i, q := range cfg.Queries {
		res[i].Query, res[i].System = q.Name, "mixed"
	}
	res[n].Query, res[n].System = "all", "mixed"
	return res, nil
}

// measureService is measure of requests to the service, with what the
// service spent on them from its metrics: known only over all of them, it
// is set on the last result, the one of every request.
func measureService(ctx context.Context, cfg Config, kinds int, send func(*rand.Rand) (int, bool, error)) ([]Result, error) {
	before, err := serviceSpending(ctx, cfg)
	if err != nil {
		return nil, err
	}
	res, err := measure(ctx, cfg, kinds, send)
	if err != nil {
		return nil, err
	}
	after, err := serviceSpending(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if n := float64(after.requests(before)); n > 0 {
		last := &res[len(res)-1]
		last.Statements = (after.statements - before.statements) / n
		last.DBTime = time.Duration((after.seconds - before.seconds) / n * float64(time.Second))
	}
	return res, nil
}

// measure runs send from cfg.Concurrency workers, unmeasured for
// cfg.Warmup, then measured for cfg.Duration. send says which of kinds the
// request was and whether the answer was a good one; an error ends the run
// only when ctx is done. The results are one a kind, then one of every
// request.
func measure(ctx context.Context, cfg Config, kinds int, send func(*rand.Rand) (int, bool, error)) ([]Result, error) {
	var (
		mu        sync.Mutex
		latencies = make([][]time.Duration, kinds)
		errs      = make([]int, kinds)
		wg        sync.WaitGroup
	)
	start := time.Now()
	measureFrom, end := start.Add(cfg.Warmup), start.Add(cfg.Warmup+cfg.Duration)
	for w := range cfg.Concurrency {
		r := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
		wg.Go(func() {
			mine, myErrs := make([][]time.Duration, kinds), make([]int, kinds)
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				kind, ok, err := send(r)
				if t0.Before(measureFrom) {
					continue
				}
				mine[kind] = append(mine[kind], time.Since(t0))
				if !ok || err != nil {
					myErrs[kind]++
				}
			}
			mu.Lock()
			for k := range kinds {
				latencies[k] = append(latencies[k], mine[k]...)
				errs[k] += myErrs[k]
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	elapsed := min(time.Since(measureFrom), cfg.Duration+time.Since(end))
	latencies = append(latencies, slices.Concat(latencies...))
	errs = append(errs, sumOf(errs))
	out := make([]Result, len(latencies))
	for k, l := range latencies {
		slices.Sort(l)
		out[k] = Result{Requests: len(l), Errors: errs[k], Elapsed: elapsed,
			P50: percentile(l, 50), P95: percentile(l, 95), P99: percentile(l, 99)}
	}
	return out, nil
}

func sumOf(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// percentile is the nearest-rank percentile of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

// serviceRequest sends one request of q and reads the whole answer.
func serviceRequest(ctx context.Context, cfg Config, q Query, r *rand.Rand, pools *Pools) (bool, error) {
	var req *http.Request
	var err error
	if q.Export != nil {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL+q.Export(r, pools), nil)
	} else {
		body, _ := json.Marshal(map[string]any{"query": q.GraphQL, "variables": q.Vars(r, pools)})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL+"/graphql", bytes.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return false, err
	}
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if q.Export != nil {
		_, err := io.Copy(io.Discard, resp.Body)
		return resp.StatusCode == http.StatusOK, err
	}
	// The service writes a response's errors before its data (gqlgen's
	// graphql.Response), so the start of the body tells; the rest is read
	// and dropped. Decoding, or even holding, the whole of a large answer
	// would load the generator more than the service: with io.ReadAll it
	// used more CPU than the service it measured on cached nested pages.
	var start [len(errorsFirst)]byte
	n, err := io.ReadFull(resp.Body, start[:])
	if err == io.ErrUnexpectedEOF {
		err = nil
	}
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode == http.StatusOK && string(start[:n]) != errorsFirst, err
}

// errorsFirst is how an answer with errors begins.
const errorsFirst = `{"errors"`

// spending is what the service's metrics say it has spent so far.
type spending struct {
	statements, seconds float64
	// byRoute counts the requests answered, by route.
	byRoute map[string]float64
}

// requests is how many requests the service answered between before and s,
// on the routes the mix uses.
func (s spending) requests(before spending) float64 {
	n := 0.0
	for _, route := range []string{"/graphql", "/export"} {
		n += s.byRoute[route] - before.byRoute[route]
	}
	return n
}

// serviceSpending reads the service's /metrics: SQL statements and their
// time over every pool, and requests by route.
func serviceSpending(ctx context.Context, cfg Config) (spending, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL+"/metrics", nil)
	if err != nil {
		return spending{}, err
	}
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return spending{}, fmt.Errorf("bench: read the service's metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return spending{}, fmt.Errorf("bench: read the service's metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return spending{}, fmt.Errorf("bench: read the service's metrics: %w", err)
	}
	s := spending{byRoute: map[string]float64{}}
	if f := families["indicators_sql_statements_total"]; f != nil {
		for _, m := range f.GetMetric() {
			s.statements += m.GetCounter().GetValue()
		}
	}
	if f := families["indicators_sql_statement_duration_seconds"]; f != nil {
		for _, m := range f.GetMetric() {
			s.seconds += m.GetHistogram().GetSampleSum()
		}
	}
	if f := families["indicators_requests_total"]; f != nil {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" {
					s.byRoute[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
	}
	return s, nil
}

// Print writes results as a table, with the mix's legend.
func Print(w io.Writer, cfg Config, results []Result) {
	fmt.Fprintf(w, "%-10s %-8s %10s %9s %9s %9s %7s %10s %10s\n", "query", "system", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "stmts/req", "db ms/req")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }
	for _, r := range results {
		stmts, db := "", ""
		if r.System == "service" || r.Query == "all" {
			stmts, db = fmt.Sprintf("%.2f", r.Statements), ms(r.DBTime)
		}
		fmt.Fprintf(w, "%-10s %-8s %10.1f %9s %9s %9s %7d %10s %10s\n", r.Query, r.System, r.Throughput(), ms(r.P50), ms(r.P95), ms(r.P99), r.Errors, stmts, db)
	}
	fmt.Fprintf(w, "\n%d at once, %s measured after %s of warm-up, seed %d.\n", cfg.Concurrency, cfg.Duration, cfg.Warmup, cfg.Seed)
	if cfg.Mixed {
		fmt.Fprintln(w, "Mixed: every request is one of the queries drawn at random, all of them in one run;\n`all` is every request of it, and the service's spending is known only for all.")
	}
	for _, q := range cfg.Queries {
		fmt.Fprintf(w, "  %-10s %s\n", q.Name, q.About)
	}
	if cfg.DB != nil {
		fmt.Fprintln(w, "  sql        the same logical query as one prepared statement through lib/pq: the floor")
	}
	fmt.Fprintln(w, strings.TrimSpace(`
stmts/req and db ms/req are the service's own metrics (indicators_sql_statements_total and
indicators_sql_statement_duration_seconds over every pool) divided by the requests it answered:
other traffic to the service during the run is counted in them too.`))
}
