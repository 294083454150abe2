package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden responses in testdata/")

func TestMain(m *testing.M) { testdb.Main(m) }

// api is the service over real HTTP on a database holding the bundled
// dataset; count reports the SQL statements sent so far.
type api struct {
	url   string
	count func() int64
}

func newAPI(t testing.TB, more ...*dataset.Dataset) api {
	t.Helper()
	a, _, _ := newStoreAPI(t, more...)
	return a
}

// newStoreAPI is newAPI that also gives the store it serves and the
// database's connection string.
func newStoreAPI(t testing.TB, more ...*dataset.Dataset) (api, *store.Store, string) {
	t.Helper()
	dsn := testdb.DSN(t)
	db, counter := testdb.CountingDB(t, dsn)
	s := store.New(db, dsn)
	ds, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), append([]*dataset.Dataset{ds}, more...), false); err != nil {
		t.Fatal(err)
	}
	// Fuzzing sends thousands of queries from one client: the rate limit
	// is tested on its own (internal/server).
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: unlimited}))
	t.Cleanup(srv.Close)
	return api{url: srv.URL, count: counter.Count}, s, dsn
}

type response struct {
	Status      int
	ContentType string
	Data        json.RawMessage
	Errors      []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
	raw []byte
}

func (a api) post(t testing.TB, query string, variables map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	return do(t, req)
}

func do(t testing.TB, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), raw: raw}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	return out
}

// data decodes the response data into v, failing on any GraphQL error.
func (r response) data(t *testing.T, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// TestExampleQueries runs the GraphiQL examples and compares each response
// with its golden file.
func TestExampleQueries(t *testing.T) {
	a := newAPI(t)
	for _, ex := range server.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			var vars map[string]any
			if ex.Variables != "" {
				if err := json.Unmarshal([]byte(ex.Variables), &vars); err != nil {
					t.Fatal(err)
				}
			}
			golden(t, ex.Name, a.post(t, ex.Query, vars))
		})
	}
}

// golden compares a response's data, indented, with testdata/{name}.golden.json
// (rewritten with -update), failing on any GraphQL error.
func golden(t *testing.T, name string, resp response) {
	t.Helper()
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, resp.Data, "", "  ")
	pretty.WriteString("\n")
	file := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, name)
	path := filepath.Join("testdata", file+".golden.json")
	if *update {
		os.WriteFile(path, pretty.Bytes(), 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./graph -update)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("response differs from %s; rerun with -update and review:\n%s", path, pretty.String())
	}
}

func TestObservationFilters(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name   string
		filter string
		want   int
	}{
		{"indicator", `{indicators: ["victims_identified"]}`, 17},
		{"two indicators OR", `{indicators: ["persons_charged", "persons_held_liable"]}`, 8},
		{"theme", `{themes: [CONTEXT]}`, 11},
		{"agency", `{agencies: ["UNODC"]}`, 11},
		{"reference area", `{refAreas: ["WLD"]}`, 11},
		{"release", `{releases: ["az-2024"]}`, 175},
		{"a period with no observation", `{periodFrom: 1990, periodTo: 1991}`, 0},
		{"derived", `{statuses: [DERIVED]}`, 26},
		{"not exact", `{qualifiers: [MORE_THAN, APPROXIMATELY]}`, 5},
		{"period range", `{periodFrom: 2005, periodTo: 2024, indicators: ["victims_identified"]}`, 17},
		{"cumulative only", `{periodFrom: 2005, periodTo: 2024, refAreas: ["AZE"], indicators: ["victims_identified", "traffickers_prosecuted"], totalOver: ["SEX"], exactlyBy: []}`, 4},
		{"members OR", `{members: [{dimension: "SEX", members: ["F", "M"]}]}`, 9},
		{"members AND", `{members: [{dimension: "SEX", members: ["F"]}], indicators: ["victims_identified"]}`, 1},
		{"total over sex", `{indicators: ["persons_charged"], totalOver: ["SEX"]}`, 2},
		{"broken down by sex", `{indicators: ["persons_charged"], brokenDownBy: ["SEX"]}`, 2},
		{"exactly by age", `{exactlyBy: ["AGE"]}`, 3},
		{"exactly by country and form", `{exactlyBy: ["FORM_OF_EXPLOITATION", "COUNTRY_OF_EXPLOITATION"]}`, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d struct{ Observations struct{ TotalCount int } }
			a.post(t, `{ observations(filter: `+tc.filter+`) { totalCount } }`, nil).data(t, &d)
			if d.Observations.TotalCount != tc.want {
				t.Errorf("totalCount = %d, want %d", d.Observations.TotalCount, tc.want)
			}
		})
	}
}

type page struct {
	Observations struct {
		TotalCount int
		Edges      []struct{ Cursor string }
		Nodes      []struct{ ID string }
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
	}
}

func TestPagination(t *testing.T) {
	a := newAPI(t)
	const q = `query($first: Int, $after: String, $order: ObservationOrder) {
		observations(first: $first, after: $after, orderBy: $order, filter: {indicators: ["victims_identified", "hotline_calls"]}) {
			totalCount edges { cursor } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	for _, order := range []string{"KEY", "PERIOD_DESC", "VALUE_DESC"} {
		t.Run("walk "+order, func(t *testing.T) {
			var all page
			a.post(t, q, map[string]any{"first": 100, "order": order}).data(t, &all)
			seen := map[string]bool{}
			var after any
			for pages := 0; ; pages++ {
				var p page
				a.post(t, q, map[string]any{"first": 3, "after": after, "order": order}).data(t, &p)
				if pages == 0 && p.Observations.PageInfo.HasPreviousPage {
					t.Error("first page says a page precedes it")
				}
				for i, n := range p.Observations.Nodes {
					if seen[n.ID] {
						t.Fatalf("%s repeated", n.ID)
					}
					seen[n.ID] = true
					if want := all.Observations.Nodes[len(seen)-1].ID; n.ID != want {
						t.Fatalf("row %d is %s, want %s", len(seen)-1, n.ID, want)
					}
					if i == len(p.Observations.Nodes)-1 && *p.Observations.PageInfo.EndCursor != p.Observations.Edges[i].Cursor {
						t.Error("endCursor is not the last edge's cursor")
					}
				}
				if !p.Observations.PageInfo.HasNextPage {
					break
				}
				after = *p.Observations.PageInfo.EndCursor
			}
			if len(seen) != all.Observations.TotalCount {
				t.Errorf("walked %d rows, totalCount %d", len(seen), all.Observations.TotalCount)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		var p page
		a.post(t, `{ observations(filter: {indicators: ["victims_identified"], periodTo: 1999}) { totalCount nodes { id } pageInfo { hasNextPage startCursor endCursor } } }`, nil).data(t, &p)
		if p.Observations.TotalCount != 0 || len(p.Observations.Nodes) != 0 || p.Observations.PageInfo.HasNextPage || p.Observations.PageInfo.EndCursor != nil {
			t.Errorf("empty page = %+v", p)
		}
	})
	t.Run("last page", func(t *testing.T) {
		var first page
		a.post(t, `{ observations(first: 100, filter: {indicators: ["hotline_calls"]}) { totalCount edges { cursor } } }`, nil).data(t, &first)
		cursor := first.Observations.Edges[0].Cursor
		var last page
		a.post(t, q, map[string]any{"first": 100, "after": cursor}).data(t, &last)
		if last.Observations.PageInfo.HasNextPage || !last.Observations.PageInfo.HasPreviousPage {
			t.Errorf("last page info = %+v", last.Observations.PageInfo)
		}
	})
	errorCases := []struct{ name, query, code string }{
		{"invalid cursor", `{ observations(after: "!!!") { totalCount } }`, "BAD_USER_INPUT"},
		{"cursor of another order", `{ observations(after: "b2JzZXJ2YXRpb24vdmFsdWVfZGVzYzox", orderBy: KEY) { totalCount } }`, "BAD_USER_INPUT"},
		{"first 0", `{ observations(first: 0) { totalCount } }`, "BAD_USER_INPUT"},
		{"first 101", `{ observations(first: 101) { totalCount } }`, "BAD_USER_INPUT"},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.post(t, tc.query, nil).code(); got != tc.code {
				t.Errorf("code = %q, want %q", got, tc.code)
			}
		})
	}
}

func TestBreakdowns(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, indicator, by string
		members             map[string]float64
		sum                 float64
		unallocated         float64
		consistent          bool
	}{
		{"victims by age: 90 of 91", "victims_identified", "AGE", map[string]float64{"Y18T25": 12, "Y25T35": 49, "Y_GT35": 29}, 90, 1, false},
		{"victims by sex", "victims_identified", "SEX", map[string]float64{"F": 90, "M": 1}, 91, 0, true},
		{"victims by country, from country x form", "victims_identified", "COUNTRY_OF_EXPLOITATION", map[string]float64{"TUR": 53, "ARE": 35, "QAT": 2, "AZE": 1}, 91, 0, true},
		{"legal aid by stage", "victims_legal_aid", "PROCEEDINGS_STAGE", map[string]float64{"COURT": 70, "INVESTIGATION": 28}, 98, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d struct {
				Indicator struct {
					Breakdown struct {
						Total   struct{ Value float64 }
						Members []struct {
							Member struct{ Code string }
							Value  float64
							Share  json.Number
						}
						Sum         float64
						Unallocated float64
						Consistent  bool
					}
				}
			}
			a.post(t, fmt.Sprintf(`{ indicator(code: %q) { breakdown(by: %q) { total { value } members { member { code } value share } sum unallocated consistent } } }`,
				tc.indicator, tc.by), nil).data(t, &d)
			b := d.Indicator.Breakdown
			if b.Sum != tc.sum || b.Unallocated != tc.unallocated || b.Consistent != tc.consistent || len(b.Members) != len(tc.members) {
				t.Errorf("breakdown = %+v", b)
			}
			for _, m := range b.Members {
				share, _ := dataset.Ratio(decimal.NewFromFloat(m.Value), decimal.NewFromFloat(b.Total.Value))
				if m.Value != tc.members[m.Member.Code] || m.Share.String() != dataset.FormatValue(share) {
					t.Errorf("member %s = %v (share %v)", m.Member.Code, m.Value, m.Share)
				}
			}
		})
	}
	t.Run("no such breakdown is null", func(t *testing.T) {
		resp := a.post(t, `{ indicator(code: "hotline_calls") { breakdown(by: "SEX") { sum } } }`, nil)
		if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"breakdown":null`) {
			t.Errorf("got %s %+v", resp.Data, resp.Errors)
		}
	})
	t.Run("unknown dimension", func(t *testing.T) {
		if got := a.post(t, `{ indicator(code: "hotline_calls") { breakdown(by: "GENDER") { sum } } }`, nil).code(); got != "UNKNOWN_CODE" {
			t.Errorf("code = %q", got)
		}
	})
}

// parseFixture reads the small data file the dataset package's tests use: a
// second release that restates some of the bundled report's cells.
func parseFixture(t *testing.T) *dataset.Dataset {
	t.Helper()
	b, err := os.ReadFile("../internal/dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := dataset.Parse("fixture.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return fixture
}

// TestOverlappingReleases loads a second release that states some of the same
// cells: breakdowns and series must take each cell once.
func TestOverlappingReleases(t *testing.T) {
	fixture := parseFixture(t)
	a := newAPI(t, fixture)
	var d struct {
		Indicator struct {
			Breakdown struct {
				Sum     float64
				Members []struct{ Value float64 }
			}
			Series []struct{ Value float64 }
		}
	}
	a.post(t, `{ indicator(code: "victims_identified") { breakdown(by: "SEX", period: "2024") { sum members { value } } series { value } } }`, nil).data(t, &d)
	var current struct{ Aggregate []struct{ Sum float64 } }
	a.post(t, `{ aggregate(filter: {indicators: ["victims_identified"], exactlyBy: ["SEX"]}) { sum } }`, nil).data(t, &current)
	if len(current.Aggregate) != 1 || current.Aggregate[0].Sum != 91 {
		t.Errorf("aggregate over the current cells of two releases = %+v, want 91 (90 + 1, each cell once)", current.Aggregate)
	}
	both := `{ aggregate(filter: {indicators: ["victims_identified"], exactlyBy: ["SEX"], releases: ["az-2024", "fixture-2024"]}) { sum } }`
	if got := a.post(t, both, nil).code(); got != "DOUBLE_COUNTING" {
		t.Errorf("aggregate naming two releases that state the same cell: code %q, want DOUBLE_COUNTING", got)
	}
	var one struct{ Aggregate []struct{ Sum float64 } }
	a.post(t, `{ aggregate(filter: {indicators: ["victims_identified"], exactlyBy: ["SEX"], releases: ["az-2024"]}) { sum } }`, nil).data(t, &one)
	if len(one.Aggregate) != 1 || one.Aggregate[0].Sum != 91 {
		t.Errorf("aggregate of one release = %+v, want 91", one.Aggregate)
	}
	if d.Indicator.Breakdown.Sum != 91 || len(d.Indicator.Breakdown.Members) != 2 {
		t.Errorf("breakdown over two releases = %+v, want 90 + 1 once", d.Indicator.Breakdown)
	}
	if len(d.Indicator.Series) != 2 {
		t.Errorf("series over two releases = %+v, want one yearly value for each of 2023, 2024", d.Indicator.Series)
	}
}

func TestChangeAndSeries(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, indicator string
		value, previous float64
		absolute        float64
		previousStatus  string
	}{
		{"hotline calls (+628)", "hotline_calls", 10254, 9626, 628, "DERIVED"},
		{"criminal cases initiated (-1)", "criminal_cases_initiated", 15, 16, -1, "DERIVED"},
		{"victims (unchanged)", "victims_identified", 91, 91, 0, "DERIVED"},
		{"persons charged (-2)", "persons_charged", 16, 18, -2, "DERIVED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d struct {
				Observations struct {
					Nodes []struct {
						Value    float64
						Previous struct {
							Value  float64
							Status string
						}
						Change struct{ Absolute, PreviousValue float64 }
					}
				}
			}
			a.post(t, fmt.Sprintf(`{ observations(filter: {indicators: [%q], periodFrom: 2024, periodTo: 2024, exactlyBy: [], statuses: [REPORTED]}) {
				nodes { value previous { value status } change { absolute previousValue } } } }`, tc.indicator), nil).data(t, &d)
			if len(d.Observations.Nodes) != 1 {
				t.Fatalf("nodes = %+v", d.Observations.Nodes)
			}
			n := d.Observations.Nodes[0]
			if n.Value != tc.value || n.Previous.Value != tc.previous || n.Previous.Status != tc.previousStatus || n.Change.Absolute != tc.absolute {
				t.Errorf("got %+v", n)
			}
		})
	}
	t.Run("series", func(t *testing.T) {
		var d struct {
			Indicator struct {
				Series []struct {
					Value  float64
					Period struct{ Label string }
					Status string
				}
			}
		}
		a.post(t, `{ indicator(code: "hotline_calls") { series { value period { label } status } } }`, nil).data(t, &d)
		got := fmt.Sprint(d.Indicator.Series)
		if want := "[{9626 {2023} DERIVED} {10254 {2024} REPORTED}]"; got != want {
			t.Errorf("series = %s, want %s", got, want)
		}
	})
}

func TestNodeRoundTrip(t *testing.T) {
	a := newAPI(t)
	var d struct {
		Observations struct {
			Nodes []struct {
				ID          string
				Indicator   struct{ ID string }
				Agency      struct{ ID string }
				RefArea     struct{ ID string }
				Release     struct{ ID string }
				Coordinates []struct {
					Dimension struct{ ID string }
					Member    struct{ ID string }
				}
			}
		}
	}
	a.post(t, `{ observations(first: 1, filter: {exactlyBy: ["SEX"], indicators: ["victims_identified"]}) { nodes {
		id indicator { id } agency { id } refArea { id } release { id } coordinates { dimension { id } member { id } } } } }`, nil).data(t, &d)
	n := d.Observations.Nodes[0]
	ids := []string{n.ID, n.Indicator.ID, n.Agency.ID, n.RefArea.ID, n.Release.ID, n.Coordinates[0].Dimension.ID, n.Coordinates[0].Member.ID}
	for _, id := range ids {
		var got struct{ Node struct{ ID string } }
		a.post(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}).data(t, &got)
		if got.Node.ID != id {
			t.Errorf("node(%s) = %+v", id, got.Node)
		}
	}
	t.Run("unknown but well-formed id is null", func(t *testing.T) {
		resp := a.post(t, `{ node(id: "SW5kaWNhdG9yOm5vcGU") { id } }`, nil)
		if len(resp.Errors) > 0 || string(resp.Data) != `{"node":null}` {
			t.Errorf("got %s %+v", resp.Data, resp.Errors)
		}
	})
	t.Run("malformed id", func(t *testing.T) {
		if got := a.post(t, `{ node(id: "%%%") { id } }`, nil).code(); got != "BAD_USER_INPUT" {
			t.Errorf("code = %q", got)
		}
	})
}

func TestAggregate(t *testing.T) {
	a := newAPI(t)
	t.Run("sum by sex", func(t *testing.T) {
		var d struct {
			Aggregate []struct {
				Key []struct {
					Grouping string
					Value    *string
				}
				Count int
				Sum   float64
			}
		}
		a.post(t, `{ aggregate(filter: {indicators: ["persons_charged", "persons_held_liable"], exactlyBy: ["SEX"]}, groupBy: [{dimension: "SEX"}]) {
			key { grouping value } count sum } }`, nil).data(t, &d)
		got := map[string]float64{}
		for _, g := range d.Aggregate {
			got[*g.Key[0].Value] = g.Sum
		}
		if got["F"] != 24 || got["M"] != 6 {
			t.Errorf("sums = %v, want F 24 (13+11), M 6 (3+3)", got)
		}
	})
	tests := []struct{ name, query, code string }{
		{"different units", `{ aggregate(filter: {indicators: ["hotline_calls", "victims_identified"], exactlyBy: []}) { sum } }`, "INCOMPATIBLE_UNITS"},
		{"total with its breakdown", `{ aggregate(filter: {indicators: ["victims_identified"], periodFrom: 2024, periodTo: 2024}) { sum } }`, "DOUBLE_COUNTING"},
		{"grouping without field or dimension", `{ aggregate(filter: {}, groupBy: [{}]) { sum } }`, "BAD_USER_INPUT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.post(t, tc.query, nil).code(); got != tc.code {
				t.Errorf("code = %q, want %q", got, tc.code)
			}
		})
	}
}

// TestNoNPlusOne counts the SQL statements of a deep query at 1 and at 100
// rows: batching must keep them equal.
func TestNoNPlusOne(t *testing.T) {
	a := newAPI(t)
	const q = `query($n: Int) {
		observations(first: $n) { nodes {
			indicator { name unit { code } agencies { code } periods { label } }
			agency { name parent { name } }
			refArea { name }
			coordinates { dimension { name } member { name } }
			source { release { code } quote alsoStatedIn { quote } }
			previous { value }
			change { absolute }
			derivedFrom { value }
		} }
		indicators(first: $n) { nodes { observations(first: 2) { totalCount nodes { value previous { value } } } } }
	}`
	statements := func(n int) int64 {
		before := a.count()
		resp := a.post(t, q, map[string]any{"n": n})
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		return a.count() - before
	}
	one, hundred := statements(1), statements(100)
	t.Logf("SQL statements: %d for 1 row, %d for 100 rows", one, hundred)
	// A loader's batch can split in two when keys of one depth arrive in
	// waves on a busy machine; one query per row would add hundreds.
	if hundred > one+10 {
		t.Errorf("statements grow with rows: %d for 1, %d for 100", one, hundred)
	}
}

func TestErrorsAndHTTP(t *testing.T) {
	a := newAPI(t)
	t.Run("codes", func(t *testing.T) {
		tests := []struct{ name, query, code string }{
			{"parse error", `{ observations(`, "GRAPHQL_PARSE_FAILED"},
			{"validation error", `{ nope }`, "GRAPHQL_VALIDATION_FAILED"},
			{"too complex", `{ indicators(first: 100) { nodes { observations(first: 100) { nodes { value } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
			{"first past 100 says the range, not a cost", `{ observations(first: 100000000000) { nodes { value } } }`, "BAD_USER_INPUT"},
			{"a year past what a period holds", `{ observations(first: 1, filter: {periodFrom: 40000}) { nodes { value } } }`, "BAD_USER_INPUT"},
			{"a period range backwards", `{ observations(first: 1, filter: {periodFrom: 2024, periodTo: 2020}) { nodes { value } } }`, "BAD_USER_INPUT"},
			{"nested, a year past what a period holds", `{ indicators(first: 1) { nodes { observations(filter: {periodTo: 99999}) { nodes { value } } } } }`, "BAD_USER_INPUT"},
			{"aggregate, a year past what a period holds", `{ aggregate(filter: {periodTo: 99999}) { sum } }`, "BAD_USER_INPUT"},
			{"a NUL in a code", `{ observations(first: 1, filter: {indicators: ["a\u0000b"]}) { nodes { value } } }`, "BAD_USER_INPUT"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := a.post(t, tc.query, nil).code(); got != tc.code {
					t.Errorf("code = %q, want %q", got, tc.code)
				}
			})
		}
	})
	t.Run("unknown code is null, not an error", func(t *testing.T) {
		resp := a.post(t, `{ indicator(code: "nope") { name } agency(code: "NOPE") { name } dimension(code: "NOPE") { name } }`, nil)
		if len(resp.Errors) > 0 || string(resp.Data) != `{"indicator":null,"agency":null,"dimension":null}` {
			t.Errorf("got %s %+v", resp.Data, resp.Errors)
		}
	})
	t.Run("graphql-response+json and status codes", func(t *testing.T) {
		ok := a.post(t, `{ releases { code } }`, nil)
		if ok.Status != http.StatusOK || !strings.HasPrefix(ok.ContentType, "application/graphql-response+json") {
			t.Errorf("ok: %d %s", ok.Status, ok.ContentType)
		}
		bad := a.post(t, `{ releases { nope } }`, nil)
		if bad.Status != http.StatusBadRequest || !strings.HasPrefix(bad.ContentType, "application/graphql-response+json") {
			t.Errorf("validation error: %d %s", bad.Status, bad.ContentType)
		}
	})
	t.Run("GET query", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, a.url+"/graphql?query="+url.QueryEscape(`{ releases { code } }`), nil)
		req.Header.Set("Accept", "application/graphql-response+json")
		resp := do(t, req)
		if resp.Status != http.StatusOK || string(resp.Data) != `{"releases":[{"code":"az-2024"}]}` {
			t.Errorf("GET: %d %s", resp.Status, resp.raw)
		}
	})
}

func TestEveryTypeAndFieldIsDescribed(t *testing.T) {
	a := newAPI(t)
	var d struct {
		Schema struct {
			Types []struct {
				Name, Kind  string
				Description *string
				Fields      []struct {
					Name        string
					Description *string
					Args        []struct {
						Name        string
						Description *string
					}
				}
				InputFields []struct {
					Name        string
					Description *string
				}
				EnumValues []struct {
					Name        string
					Description *string
				}
			}
		} `json:"__schema"`
	}
	a.post(t, `{ __schema { types { name kind description
		fields { name description args { name description } }
		inputFields { name description }
		enumValues { name description } } } }`, nil).data(t, &d)
	empty := func(s *string) bool { return s == nil || strings.TrimSpace(*s) == "" }
	for _, ty := range d.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") || ty.Kind == "SCALAR" {
			continue
		}
		if empty(ty.Description) {
			t.Errorf("type %s has no description", ty.Name)
		}
		for _, f := range ty.Fields {
			if empty(f.Description) {
				t.Errorf("%s.%s has no description", ty.Name, f.Name)
			}
			for _, arg := range f.Args {
				if empty(arg.Description) {
					t.Errorf("%s.%s(%s) has no description", ty.Name, f.Name, arg.Name)
				}
			}
		}
		for _, f := range ty.InputFields {
			if empty(f.Description) {
				t.Errorf("%s.%s has no description", ty.Name, f.Name)
			}
		}
		for _, v := range ty.EnumValues {
			if empty(v.Description) {
				t.Errorf("%s.%s has no description", ty.Name, v.Name)
			}
		}
	}
}

// BenchmarkQueries measures requests over HTTP on the bundled data, each
// executed every time (the response cache, which would answer all but the
// first, is off: internal/server's BenchmarkResponseCache measures it). The
// shapes are peerbench's (../shared/peerbench): one cell (Q1), a breakdown's
// cells (Q2), a series (Q3), a frontend page of 100 with nested code-list
// objects (Q4); and a deep page that also reads each row's previous period
// and change through the loaders.
//
//	go test ./graph -run '^$' -bench Queries
func BenchmarkQueries(b *testing.B) {
	_, s, _ := newStoreAPI(b)
	a := serveStore(b, s, func(c *server.Config) {
		c.ResponseCacheBytes = -1
		c.RateLimit = ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	})
	for _, bc := range []struct{ name, query string }{
		{"cell", `{ observations(filter: {indicators: ["victims_identified"], refAreas: ["AZE"], periods: ["2024"], exactlyBy: []}) {
			nodes { value qualifier status source { quote } } } }`},
		{"breakdown", `{ observations(filter: {indicators: ["victims_identified"], refAreas: ["AZE"], periods: ["2024"], exactlyBy: ["COUNTRY_OF_EXPLOITATION"]}, first: 100) {
			nodes { value qualifier coordinates { member { code name } } } } }`},
		{"series", `{ observations(filter: {indicators: ["victims_identified"], refAreas: ["AZE"], exactlyBy: []}, first: 100) {
			nodes { period { start } value qualifier status } } }`},
		{"nested", `{ observations(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
			id value qualifier status period { label } indicator { code name theme unit { code name } }
			agency { code name kind } refArea { code name iso3 } coordinates { dimension { code name } member { code name } }
			source { section quote } } } } }`},
		{"deep", `{ observations(first: 100) { totalCount nodes {
			id value qualifier period { label } indicator { code name unit { code } }
			agency { name } coordinates { dimension { code } member { code name } }
			source { section quote } previous { value } change { absolute percent } } } }`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body, _ := json.Marshal(map[string]any{"query": bc.query})
			b.ReportAllocs()
			for b.Loop() {
				resp, err := http.Post(a.url+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var out struct{ Errors []any }
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
					b.Fatalf("status %d, errors %v, decoding: %v", resp.StatusCode, out.Errors, err)
				}
				resp.Body.Close()
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	a := newAPI(t)
	var d struct {
		Coverage []struct {
			Statistic string
			Breakdown *string
			Year      int
			Available bool
			Value     *float64
			Sources   []struct {
				Indicator struct{ Code string }
				Quote     string
			}
			Note *string
		}
	}
	a.post(t, `{ coverage(framework: GRETA) { statistic breakdown year available value sources { indicator { code } quote } note } }`, nil).data(t, &d)
	var available, missing int
	for _, c := range d.Coverage {
		if c.Available {
			available++
			if c.Value == nil || len(c.Sources) == 0 {
				t.Errorf("available cell %s without value or provenance", c.Statistic)
			}
		} else {
			missing++
			if c.Value != nil || c.Note == nil {
				t.Errorf("missing cell %s has a value or no reason", c.Statistic)
			}
		}
	}
	if available == 0 || missing == 0 {
		t.Errorf("coverage: %d available, %d missing; want both", available, missing)
	}
	found := false
	for _, c := range d.Coverage {
		if c.Year == 2024 && c.Available && c.Breakdown == nil && *c.Value == 91 && c.Sources[0].Indicator.Code == "victims_identified" {
			found = true
		}
	}
	if !found {
		t.Error("GRETA coverage lacks the 91 identified victims of 2024")
	}
}

func TestNavigation(t *testing.T) {
	a := newAPI(t)
	var d struct {
		Agency struct {
			Parent       struct{ Code string }
			Indicators   []struct{ Code string }
			Observations struct {
				TotalCount int
				Nodes      []struct{ Agency struct{ Code string } }
			}
		}
		Indicator struct {
			Agencies   []struct{ Code string }
			Periods    []struct{ Label string }
			Dimensions []struct{ Code string }
		}
		Dimension struct {
			Members []struct {
				Code, Iso3, M49 string
				Dimension       struct{ Code string }
			}
		}
	}
	a.post(t, `{
		agency(code: "MIA_DCTHB") { parent { code } indicators { code } observations(first: 100) { totalCount nodes { agency { code } } } }
		indicator(code: "victims_identified") { agencies { code } periods { label } dimensions { code } }
		dimension(code: "COUNTRY_OF_EXPLOITATION") { members { code iso3 m49 dimension { code } } }
	}`, nil).data(t, &d)
	if d.Agency.Parent.Code != "MIA" || len(d.Agency.Indicators) == 0 || d.Agency.Observations.TotalCount != len(d.Agency.Observations.Nodes) {
		t.Errorf("agency = %+v", d.Agency)
	}
	for _, n := range d.Agency.Observations.Nodes {
		if n.Agency.Code != "MIA_DCTHB" {
			t.Errorf("agency's observation reported by %s", n.Agency.Code)
		}
	}
	if got := fmt.Sprint(d.Indicator.Periods); got != "[{2005-2024} {2023} {2024}]" {
		t.Errorf("periods = %s", got)
	}
	if got := fmt.Sprint(d.Indicator.Agencies); got != "[{MIA} {MIA_DCTHB}]" {
		t.Errorf("agencies = %s", got)
	}
	if len(d.Indicator.Dimensions) != 7 {
		t.Errorf("dimensions = %v", d.Indicator.Dimensions)
	}
	if len(d.Dimension.Members) != 4 || d.Dimension.Members[0].Code != "TUR" || d.Dimension.Members[0].M49 != "792" || d.Dimension.Members[0].Dimension.Code != "COUNTRY_OF_EXPLOITATION" {
		t.Errorf("members = %+v", d.Dimension.Members)
	}
}

// TestCodeListsFollowLoads: the code lists are held between requests, and a
// load by another process (another store on the same database) drops them
// in this one through the database's notification.
func TestCodeListsFollowLoads(t *testing.T) {
	ctx := context.Background()
	a, s, dsn := newStoreAPI(t)
	releases := func() []string {
		var d struct{ Releases []struct{ Code string } }
		a.post(t, `{ releases { code } }`, nil).data(t, &d)
		var codes []string
		for _, r := range d.Releases {
			codes = append(codes, r.Code)
		}
		return codes
	}
	releases()
	before := a.count()
	if got := releases(); len(got) != 1 {
		t.Fatalf("releases = %v, want the bundled one", got)
	}
	if n := a.count() - before; n != 0 {
		t.Errorf("a second request read the code lists again: %d statements", n)
	}

	other, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	loadAndWait(t, s, other, parseFixture(t))
	if got := releases(); len(got) != 2 {
		t.Errorf("releases after another process loaded = %v, want both", got)
	}
}

// TestTotalCountOnlyWhenSelected: counting every match is most of a page's
// cost at scale, so it is a statement of its own only for a client that
// selects totalCount.
func TestTotalCountOnlyWhenSelected(t *testing.T) {
	a := newAPI(t)
	a.post(t, `{ releases { code } }`, nil) // the code lists, held from here on
	tests := []struct {
		name       string
		query      string
		statements int64
	}{
		{"page only", `{ observations(filter: {indicators: ["victims_identified"]}, first: 5) { nodes { value } } }`, 1},
		{"page and count", `{ observations(filter: {indicators: ["victims_identified"]}, first: 5) { totalCount nodes { value } } }`, 2},
		{"count through a fragment", `{ observations(filter: {indicators: ["victims_identified"]}, first: 5) { ...c nodes { value } } }
			fragment c on ObservationConnection { totalCount }`, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := a.count()
			if resp := a.post(t, tc.query, nil); len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if n := a.count() - before; n != tc.statements {
				t.Errorf("%d statements, want %d", n, tc.statements)
			}
		})
	}
}

// TestAnalysesBatchAcrossParents: series, breakdowns and latest values of indicators under
// different agencies (cousins, not siblings) still come from one statement.
func TestAnalysesBatchAcrossParents(t *testing.T) {
	a := newAPI(t)
	var list struct {
		Agencies []struct {
			Code       string
			Indicators []struct{ Code string }
		}
	}
	a.post(t, `{ agencies { code indicators { code } } }`, nil).data(t, &list)
	var agencies []string
	for _, ag := range list.Agencies {
		if len(ag.Indicators) > 0 && len(agencies) < 3 {
			agencies = append(agencies, ag.Code)
		}
	}
	if len(agencies) < 3 {
		t.Fatalf("too few agencies with indicators: %+v", list)
	}
	for _, field := range []string{`series { value }`, `breakdown(by: "SEX") { sum }`, `latest { value }`} {
		t.Run(field, func(t *testing.T) {
			var q strings.Builder
			for i, code := range agencies {
				fmt.Fprintf(&q, "a%d: agency(code: %q) { indicators { %s } } ", i, code, field)
			}
			before := a.count()
			if resp := a.post(t, "{ "+q.String()+"}", nil); len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			// The agencies' indicators and the analysis, one statement each;
			// a loader's batch may split in two on a busy machine.
			if n := a.count() - before; n > 3 {
				t.Errorf("%d statements for %s of %d agencies' indicators, want at most 3", n, field, len(agencies))
			}
		})
	}
}

// TestNestedPagesCannotWrapTheCost: nested pages multiply their cost and are
// refused; past the depth limit the depth refuses them first, and the cost
// arithmetic saturates however deep they go (TestCostModel, internal).
func TestNestedPagesCannotWrapTheCost(t *testing.T) {
	a := newAPI(t)
	nest := func(levels int) string {
		q := "code"
		for range levels {
			q = "observations(first: 100) { nodes { indicator { " + q + " } } }"
		}
		return `{ indicator(code: "victims_identified") { ` + q + ` } }`
	}
	for _, tc := range []struct {
		levels int
		code   string
	}{{4, "COMPLEXITY_LIMIT_EXCEEDED"}, {31, "DEPTH_LIMIT_EXCEEDED"}} {
		if got := a.post(t, nest(tc.levels), nil).code(); got != tc.code {
			t.Errorf("%d levels: code = %q, want %s", tc.levels, got, tc.code)
		}
	}
}

// TestEnumVariablesInAnotherCase: gqlparser lets "reported" through for
// REPORTED in variables; the client hears what to write, not an internal
// error.
func TestEnumVariablesInAnotherCase(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, query string
		variables   map[string]any
	}{
		{"orderBy", `query($o: ObservationOrder) { observations(first: 1, orderBy: $o) { nodes { value } } }`, map[string]any{"o": "key"}},
		{"statuses", `query($s: [ObservationStatus!]) { observations(first: 1, filter: {statuses: $s}) { nodes { value } } }`, map[string]any{"s": []string{"reported"}}},
		{"themes in an aggregate", `query($t: [Theme!]) { aggregate(filter: {themes: $t}) { sum } }`, map[string]any{"t": []string{"protection"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(t, tc.query, tc.variables)
			if got := resp.code(); got != "BAD_USER_INPUT" {
				t.Fatalf("code = %q (%s), want BAD_USER_INPUT", got, resp.raw)
			}
			if !strings.Contains(resp.Errors[0].Message, "as the schema spells them") {
				t.Errorf("message %q does not say how to write the value", resp.Errors[0].Message)
			}
		})
	}
}

// TestUnknownCodes: a filter naming a code the dataset lacks is refused with
// the code and the nearest ones, not answered with nothing.
func TestUnknownCodes(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, query, message string
	}{
		{"indicator", `{ observations(filter: {indicators: ["victims_identifed"]}) { totalCount } }`, `indicators: no code "victims_identifed"; nearest: victims_identified`},
		{"release", `{ observations(filter: {releases: ["az-1999"]}) { totalCount } }`, `releases: no code "az-1999"; nearest: az-2024`},
		{"member", `{ observations(filter: {members: [{dimension: "SEX", members: ["X"]}]}) { totalCount } }`, `members of SEX: no code "X"`},
		{"dimension", `{ observations(filter: {exactlyBy: ["GENDER"]}) { totalCount } }`, `exactlyBy: no code "GENDER"`},
		{"nested", `{ indicators(first: 1) { nodes { observations(filter: {refAreas: ["AZ"]}) { totalCount } } } }`, `refAreas: no code "AZ"; nearest: AZE`},
		{"aggregate", `{ aggregate(filter: {agencies: ["MIAA"]}) { sum } }`, `agencies: no code "MIAA"; nearest: MIA`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(t, tc.query, nil)
			if got := resp.code(); got != "UNKNOWN_CODE" {
				t.Fatalf("code = %q (%s), want UNKNOWN_CODE", got, resp.raw)
			}
			if !strings.Contains(resp.Errors[0].Message, tc.message) {
				t.Errorf("message %q, want it to hold %q", resp.Errors[0].Message, tc.message)
			}
		})
	}
}
