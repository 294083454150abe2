package bench_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"indicators/internal/bench"
	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The mix runs against the service on the bundled data: every query of it
// answers without errors, the service's statements are counted, and each
// plain-SQL floor asks the same thing the service answers.
func TestMixAnswers(t *testing.T) {
	dsn := testdb.DSN(t)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, []*dataset.Dataset{bundled}, false); err != nil {
		t.Fatal(err)
	}
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: unlimited, ResponseCacheBytes: -1}))
	t.Cleanup(srv.Close)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	client := bench.NewClient(2, "")
	pools, err := bench.Discover(ctx, client, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := bench.Config{URL: srv.URL, Concurrency: 2, Duration: 200 * time.Millisecond, Queries: bench.Mix, DB: db, Client: client}
	results, err := bench.Run(ctx, cfg, pools)
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	bench.Print(&table, cfg, results)
	t.Log("\n" + table.String())
	for _, r := range results {
		if r.Requests == 0 || r.Errors > 0 {
			t.Errorf("%s on %s: %d requests, %d errors", r.Query, r.System, r.Requests, r.Errors)
		}
		if r.System == "service" && r.Statements <= 0 {
			t.Errorf("%s: %v statements a request, want the service's own count", r.Query, r.Statements)
		}
	}

	// An answer with errors is counted as one.
	broken := bench.Query{Name: "broken", GraphQL: `query($ind: String!) { indicator(code: $ind) { nope } }`,
		Vars: func(*rand.Rand, *bench.Pools) map[string]any { return map[string]any{"ind": "x"} }}
	cfg.Queries, cfg.DB = []bench.Query{broken}, nil
	results, err = bench.Run(ctx, cfg, pools)
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.Requests == 0 || r.Errors != r.Requests {
		t.Errorf("a query answering errors: %d requests, %d errors counted", r.Requests, r.Errors)
	}

	// A mixed run: every query of it drawn and answered, each counted
	// once, and the service's spending on the line of all of them.
	t.Run("mixed", func(t *testing.T) {
		mixed := bench.Config{URL: srv.URL, Concurrency: 2, Duration: 300 * time.Millisecond, Queries: bench.Mix, Mixed: true, Client: client}
		results, err := bench.Run(ctx, mixed, pools)
		if err != nil {
			t.Fatal(err)
		}
		if len(results) != len(bench.Mix)+1 {
			t.Fatalf("%d results, want one a query and one of all: %+v", len(results), results)
		}
		sum := 0
		for i, r := range results[:len(bench.Mix)] {
			if r.Query != bench.Mix[i].Name || r.System != "mixed" || r.Requests == 0 || r.Errors > 0 || r.Statements != 0 {
				t.Errorf("%+v: want %s, mixed, some requests, no errors and no spending of its own", r, bench.Mix[i].Name)
			}
			sum += r.Requests
		}
		all := results[len(bench.Mix)]
		if all.Query != "all" || all.Requests != sum || all.Statements <= 0 || all.P95 < all.P50 {
			t.Errorf("the line of all: %+v, want %d requests and the service's statements", all, sum)
		}
		empty := mixed
		empty.Queries = nil
		if _, err := bench.Run(ctx, empty, pools); err == nil {
			t.Error("a mixed run of no queries ran; want it refused")
		}
		mixed.DB = db
		if _, err := bench.Run(ctx, mixed, pools); err == nil {
			t.Error("a mixed run with the plain-SQL floor ran; want it refused")
		}
	})

	// The floors: the same draw asked of the service and as SQL answers
	// the same values.
	for _, q := range bench.Mix {
		if q.SQL == "" {
			continue
		}
		t.Run(q.Name+" floor", func(t *testing.T) {
			for seed := range uint64(20) {
				vars := q.Vars(rand.New(rand.NewPCG(seed, 0)), pools)
				args := q.SQLArgs(rand.New(rand.NewPCG(seed, 0)), pools)
				// As sets: a breakdown lists its members in the code
				// list's order, the floor in code order.
				service := serviceValues(t, srv.URL, q.GraphQL, vars)
				floor := sqlValues(t, db, q.SQL, args)
				slices.Sort(service)
				slices.Sort(floor)
				if len(floor) == 0 || strings.Join(service, " ") != strings.Join(floor, " ") {
					t.Fatalf("%v: the service answers %v, the SQL %v", vars, service, floor)
				}
			}
		})
	}
}

// serviceValues are the values of an answer, in its order.
func serviceValues(t *testing.T, url, query string, vars map[string]any) []string {
	t.Helper()
	var answer struct{ Data json.RawMessage }
	r, err := httpPost(url, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(r, &answer); err != nil {
		t.Fatal(err)
	}
	var values []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if x, ok := v["value"]; ok {
				values = append(values, string(mustJSON(x)))
			}
			for k, c := range v {
				if k != "value" {
					walk(c)
				}
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	var data any
	if err := json.Unmarshal(answer.Data, &data); err != nil {
		t.Fatal(err)
	}
	walk(data)
	return values
}

// sqlValues are the value column of a floor's rows.
func sqlValues(t *testing.T, db *sql.DB, query string, args []any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var values []string
	for rows.Next() {
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(sql.RawBytes)
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		for i, c := range cols {
			if c == "value" {
				values = append(values, string(*dest[i].(*sql.RawBytes)))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return values
}

func httpPost(url, query string, vars map[string]any) ([]byte, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
