package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/synth"
	"indicators/internal/testdb"
)

// planShape is one kind of request the API serves, and whether it selects
// few enough observations that reading the whole table would be a fault.
type planShape struct {
	name      string
	graphQL   string // or
	export    string // a path
	selective bool
}

// The shapes of request whose plans docs/query-plans.md keeps, on the codes
// of a synthetic world dataset (internal/synth: its first countries).
var planShapes = []planShape{
	{"observations of one indicator", `{ observations(first: 100, filter: {indicators: ["victims_identified"]}) { totalCount nodes { value } } }`, "", true},
	{"observations of one area", `{ observations(first: 100, filter: {refAreas: ["AFG"]}) { totalCount nodes { value } } }`, "", true},
	{"observations of one year", `{ observations(first: 100, filter: {periodFrom: 2020, periodTo: 2020}) { totalCount nodes { value } } }`, "", false},
	{"observations of one area and year", `{ observations(first: 100, filter: {refAreas: ["AFG"], periodFrom: 2020, periodTo: 2020}) { totalCount nodes { value } } }`, "", true},
	{"observations of one indicator by one dimension", `{ observations(first: 100, filter: {indicators: ["victims_identified"], exactlyBy: ["SEX"]}) { totalCount nodes { value } } }`, "", true},
	{"observations of one member", `{ observations(first: 100, filter: {indicators: ["victims_identified"], members: [{dimension: "SEX", members: ["F"]}]}) { totalCount nodes { value } } }`, "", true},
	{"observations broken down by one dimension, any indicator", `{ observations(first: 100, filter: {brokenDownBy: ["COUNTRY_OF_EXPLOITATION"]}) { totalCount nodes { value } } }`, "", true},
	{"observations of one indicator, totals over one dimension", `{ observations(first: 100, filter: {indicators: ["victims_identified"], totalOver: ["SEX"]}) { totalCount nodes { value } } }`, "", true},
	{"totals of one indicator and area", `{ observations(first: 100, filter: {indicators: ["victims_identified"], refAreas: ["AFG"], exactlyBy: []}) { totalCount nodes { value } } }`, "", true},
	{"one cell", `{ observations(first: 20, filter: {indicators: ["victims_identified"], refAreas: ["AFG"], periodFrom: 2020, periodTo: 2020, exactlyBy: []}) { nodes { value } } }`, "", true},
	{"nested pages of indicators", `{ indicators(first: 20) { nodes { observations(first: 5, filter: {refAreas: ["AFG"]}) { totalCount nodes { value } } all: observations(first: 5) { totalCount nodes { value } } } } }`, "", true},
	{"indicators", `{ indicators(first: 100) { totalCount nodes { code } } }`, "", true},
	{"unfiltered first page", `{ observations(first: 100) { totalCount nodes { value } } }`, "", false},
	{"latest", `{ indicator(code: "victims_identified") { latest(refArea: "AFG") { value } } }`, "", true},
	{"series", `{ indicator(code: "victims_identified") { series(refArea: "AFG") { value } } }`, "", true},
	{"breakdown", `{ indicator(code: "victims_identified") { breakdown(by: "SEX", period: "2020", refArea: "AFG") { sum members { value } } } }`, "", true},
	{"aggregate", `{ aggregate(filter: {indicators: ["victims_identified"], refAreas: ["AFG"], exactlyBy: []}, groupBy: [{field: PERIOD}]) { sum } }`, "", true},
	{"coverage", `{ coverage(framework: GRETA, filter: {refAreas: ["AFG"]}) { statistic value } }`, "", true},
	{"export: tidy CSV of one indicator", "", "/export/observations.csv?indicators=victims_identified", true},
	{"export: SDMX-CSV of one area", "", "/export/sdmx.csv?refAreas=AFG", true},
}

// TestQueryPlans sends each shape of planShapes through the API over a
// synthetic dataset, keeps the statements it sent, and explains each
// (EXPLAIN ANALYZE, BUFFERS) with its own arguments under the generic plans
// the API's connections use. A selective shape whose plan reads a whole
// observation table fails. On demand, at a size worth planning: a
// database loaded beforehand (QUERY_PLANS_DATABASE_URL; the world dataset
// is loaded by the streaming loader in minutes), or one of about
// QUERY_PLANS_OBSERVATIONS generated here, in memory (a few hundred
// thousand at most); QUERY_PLANS_OUT writes the plans as Markdown:
//
//	go run ./cmd/indicators synth -o /tmp/world.yaml
//	DATABASE_URL=$DSN go run ./cmd/indicators load /tmp/world.yaml
//	QUERY_PLANS_DATABASE_URL=$DSN QUERY_PLANS_OUT=$PWD/docs/query-plans.md go test ./internal/server -run TestQueryPlans -timeout 60m
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	dsn, described := os.Getenv("QUERY_PLANS_DATABASE_URL"), "the database of QUERY_PLANS_DATABASE_URL"
	if dsn == "" {
		n, _ := strconv.Atoi(os.Getenv("QUERY_PLANS_OBSERVATIONS"))
		if n <= 0 {
			t.Skip("on demand: set QUERY_PLANS_DATABASE_URL or QUERY_PLANS_OBSERVATIONS (and QUERY_PLANS_OUT to write the plans)")
		}
		dsn, described = syntheticDatabase(t, n), fmt.Sprintf("`indicators synth --observations %d`", n)
	}
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		t.Fatal(err)
	}
	var observations int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM observation").Scan(&observations); err != nil {
		t.Fatal(err)
	}

	db, recorder := testdb.RecordingDB(t, dsn)
	s := store.New(db, dsn)
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: unlimited, ResponseCacheBytes: -1}))
	t.Cleanup(srv.Close)
	post(t, srv, `{ releases { code } }`, nil) // the code lists, read once per process
	recorder.Take()

	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// As the readers' connections are set (internal/store: withGenericPlans,
	// withoutJIT).
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan; SET jit = off"); err != nil {
		t.Fatal(err)
	}
	var doc strings.Builder
	fmt.Fprintf(&doc, "# Query plans\n\nEvery statement the API sends for each shape of request, explained with its own arguments\n"+
		"(`EXPLAIN (ANALYZE, BUFFERS)`, generic plans and no JIT, as the API's connections run them) on a synthetic\n"+
		"world dataset of %d observations (%s), written by `TestQueryPlans`\n"+
		"(`internal/server/plans_test.go`, whose comment gives the commands).\n\n"+
		"A shape marked selective fails the test when a plan reads a whole observation table\n"+
		"(`Seq Scan on observation…`: the observations, their coordinates, their history).\n", observations, described)
	for _, shape := range planShapes {
		if shape.export != "" {
			if r := get(t, srv, shape.export, nil); r.status != 200 {
				t.Fatalf("%s: %d %s", shape.name, r.status, r.body)
			}
		} else if r := post(t, srv, shape.graphQL, nil); r.status != 200 || strings.Contains(r.body, `"errors"`) {
			t.Fatalf("%s: %d %s", shape.name, r.status, r.body)
		}
		request := shape.export
		if request == "" {
			request = shape.graphQL
		}
		fmt.Fprintf(&doc, "\n## %s\n\n```graphql\n%s\n```\n", shape.name, request)
		for i, st := range recorder.Take() {
			query, ok := explainable(st.Query)
			if !ok {
				continue
			}
			args := make([]any, len(st.Args))
			for j, a := range st.Args {
				args[j] = a.Value
			}
			plan := explain(t, ctx, conn, query, args)
			fmt.Fprintf(&doc, "\nStatement %d:\n\n```sql\n%s\n```\n\n```\n%s```\n", i+1, strings.TrimSpace(query), plan)
			if shape.selective && readsWholeTable(plan) {
				t.Errorf("%s reads a whole observation table:\n%s\n%s", shape.name, query, plan)
			}
		}
	}
	if out := os.Getenv("QUERY_PLANS_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(doc.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// syntheticDatabase is a fresh database holding about n synthetic
// observations.
func syntheticDatabase(t *testing.T, n int) string {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t)
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Options{Observations: n, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Parse("synthetic.yaml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	loader, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer loader.Close()
	if _, err := loader.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// wholeTable matches a plan node reading every row of one of the
// observation tables: observation (or a partition of it), its coordinates,
// its history.
var wholeTable = regexp.MustCompile(`Seq Scan on observation\w*\b`)

// readsWholeTable reports whether plan reads a whole observation table:
// observation_tally (migration 0012), a few thousand counts, is not one.
func readsWholeTable(plan string) bool {
	for _, m := range wholeTable.FindAllString(plan, -1) {
		if m != "Seq Scan on observation_tally" {
			return true
		}
	}
	return false
}

// explainable is the query of a statement EXPLAIN takes: a SELECT or WITH,
// also the one a cursor is declared for; ok is false for anything else
// (transaction control, SET, FETCH).
func explainable(q string) (string, bool) {
	t := strings.TrimSpace(q)
	if i := strings.Index(strings.ToUpper(t), " CURSOR "); strings.HasPrefix(strings.ToUpper(t), "DECLARE") && i > 0 {
		if j := strings.Index(strings.ToUpper(t[i:]), " FOR "); j >= 0 {
			t = strings.TrimSpace(t[i+j+len(" FOR "):])
		}
	}
	upper := strings.ToUpper(t)
	return t, strings.HasPrefix(upper, "SELECT") || strings.HasPrefix(upper, "WITH")
}

func explain(t *testing.T, ctx context.Context, conn *sql.Conn, query string, args []any) string {
	t.Helper()
	rows, err := conn.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
