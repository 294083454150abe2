package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"indicators/internal/dataset"
)

func TestCostOfSaturates(t *testing.T) {
	tests := []struct {
		name           string
		base, n, child int
		want           int
	}{
		{"a page of scalars", 1, 100, 3, 301},
		{"nothing selected", 1, 100, 0, 1},
		{"at the bound", 0, 1, maxCost, maxCost},
		{"a product past the bound", 1, 100, maxCost / 10, maxCost},
		{"a product that would wrap int64", 1, 100, math.MaxInt / 50, maxCost},
		{"a child sum that wrapped", 1, 100, -5, maxCost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := costOf(tc.base, tc.n, tc.child); got != tc.want {
				t.Errorf("costOf(%d, %d, %d) = %d, want %d", tc.base, tc.n, tc.child, got, tc.want)
			}
		})
	}
}

// Queries the cost model must let through, and what they cost.
const (
	pageWithEveryField = `{ observations(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
		id value qualifier status statedChange note
		indicator { code name unit { code name } theme }
		refArea { code name iso3 m49 }
		period { start end label }
		unit { code name }
		agency { code name kind }
		coordinates { dimension { code name } member { code name iso3 } }
		source { release { code title } section quote alsoStatedIn { section quote } dataFileLine }
		release { code }
		previous { value period { label } }
		change { previousValue absolute percent }
		derivedFrom { value }
	} } } }`
	wholeCodeLists = `{
		agencies { id code name shortName kind parent { code } }
		dimensions { id code name description members { id code name iso2 iso3 m49 } }
		refAreas { id code name iso3 m49 }
		releases { code title referenceYear checksum loadedAt }
		indicators(first: 100) { nodes { code name description theme unit { code } } }
	}`
)

func schemaDoc(t *testing.T, query string) (*ast.Schema, *ast.QueryDocument) {
	t.Helper()
	schema := NewExecutableSchema(Config{}).Schema()
	doc, errs := gqlparser.LoadQuery(schema, query)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", query, errs)
	}
	return schema, doc
}

func TestCostModel(t *testing.T) {
	limit := DefaultLimits().Cost
	members := func(n int) string {
		codes := make([]string, n)
		for i := range codes {
			codes[i] = fmt.Sprintf("%q", fmt.Sprint("M", i))
		}
		return `{ observations(first: 1, filter: {members: [{dimension: "SEX", members: [` + strings.Join(codes, ",") + `]}]}) { nodes { value } } }`
	}
	// The blow-up of issue 11: nine nested pages of 100, aliased twice a
	// level, wrapped an unchecked int64 product to 85 and let through
	// 200^9 rows.
	aliased := "code"
	for range 9 {
		page := "observations(first: 100) { nodes { indicator { " + aliased + " } } }"
		aliased = "a: " + page + " b: " + page
	}
	selections := func(n int) string {
		return `{ observations(first: 1, filter: {members: [` + strings.Repeat(`{dimension: "SEX", members: ["F"]},`, n) + `]}) { nodes { value } } }`
	}
	nested := "code"
	for range 31 {
		nested = "observations(first: 4) { nodes { indicator { " + nested + " } } }"
	}
	tests := []struct {
		name     string
		query    string
		want     int // exact cost, or 0 to check only fits
		fits     bool
		variable map[string]any
	}{
		{"scalars are free", `{ releases { code title } }`, 50, true, nil},
		{"an object costs 1", `{ releases { code publisher { code } } }`, 100, true, nil},
		{"a page of first", `{ observations(first: 7) { nodes { value } } }`, 1 + 7, true, nil},
		{"the default page", `{ observations { nodes { value } } }`, 1 + 20, true, nil},
		{"first from a variable", `query($n: Int) { observations(first: $n) { nodes { value } } }`, 1 + 30, true, map[string]any{"n": 30}},
		{"edges and nodes", `{ observations(first: 5) { edges { node { value } } nodes { value } } }`, 1 + 5*2 + 5, true, nil},
		{"totalCount counts once", `{ observations(first: 5) { totalCount } }`, 2, true, nil},
		{"a nested list", `{ dimensions { members { code } } }`, 50 * (1 + 10), true, nil},
		{"a first past 100 costs as 100", `{ observations(first: 100000) { nodes { value } } }`, 101, true, nil},
		{"filter entries", `{ observations(first: 1, filter: {indicators: ["a", "b"], totalOver: ["SEX"]}) { nodes { value } } }`, 30 + 2, true, nil},
		{"filter entries in a variable", `query($f: ObservationFilter) { observations(first: 1, filter: $f) { nodes { value } } }`, 20 + 10 + 2, true,
			map[string]any{"f": map[string]any{"members": []any{map[string]any{"dimension": "SEX", "members": []any{"F", "M"}}}}}},
		{"introspection", `{ __schema { types { name fields { name } } } }`, 1000, true, nil},
		{"__type", `{ __type(name: "Query") { name } }`, 10, true, nil},
		{"a page of 100 with every field", pageWithEveryField, 0, true, nil},
		{"the whole code lists", wholeCodeLists, 0, true, nil},
		{"100 indicators x 100 observations", `{ indicators(first: 100) { nodes { observations(first: 100) { nodes { value } } } } }`, 0, false, nil},
		{"1,000 members in a filter", members(1000), 0, false, nil},
		{"30 member selections", selections(30), 0, true, nil},
		{"32 member selections", selections(32), 0, false, nil},
		{"nine nested aliased pages of 100", `{ ` + aliased + ` }`, maxCost, false, nil},
		{"31 nested pages saturate", `{ indicator(code: "x") { ` + nested + ` } }`, 0, false, nil},
		{"11 introspections", "{" + aliasSchemas(11) + "}", 0, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			schema, doc := schemaDoc(t, tc.query)
			op := doc.Operations[0]
			vars, err := validator.VariableValues(schema, op, jsonVars(t, tc.variable))
			if err != nil {
				t.Fatal(err)
			}
			cost, costliest, _ := operationCost(schema, doc, op, vars, limit)
			t.Logf("cost %d, costliest %s", cost, costliest)
			if cost < 0 {
				t.Fatalf("cost %d wrapped", cost)
			}
			if tc.want != 0 && cost != tc.want {
				t.Errorf("cost = %d, want %d", cost, tc.want)
			}
			if fits := cost <= limit; fits != tc.fits {
				t.Errorf("cost %d against limit %d: fits = %v, want %v", cost, limit, fits, tc.fits)
			}
		})
	}
}

func aliasSchemas(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " s%d: __schema { queryType { name } }", i)
	}
	return b.String()
}

// jsonVars gives variables as the transport decodes them (numbers as
// json.Number).
func jsonVars(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// fanOut is the query of fragments each spreading the next twice: 2^n
// fields once expanded, from a document of a few hundred bytes.
func fanOut(n int) string {
	var b strings.Builder
	b.WriteString("{ indicators(first: 1) { nodes { ...F0 } } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Indicator { code ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Indicator { code }\n", n)
	return b.String()
}

// TestFragmentFanOutIsBoundedByTheDocument: the walks visit each fragment
// once, so their work is the document's size, not the 2^30 fields it
// expands to; the shape check refuses it before validation would expand it.
func TestFragmentFanOutIsBoundedByTheDocument(t *testing.T) {
	const depth = 30
	query := fanOut(depth)
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatal(err)
	}
	selections := 0
	for _, f := range doc.Fragments {
		selections += len(f.SelectionSet)
	}
	selections += 3 // the operation's indicators, nodes and spread

	a := &Admission{Limits: DefaultLimits(), Introspection: true}
	s := &shapeWalk{frags: fragmentsByName(doc.Fragments), memo: map[string]shape{}, busy: map[string]bool{}, limits: a.Limits}
	sh := s.set(doc.Operations[0].SelectionSet)
	if s.visits > selections {
		t.Errorf("shape walk visited %d selections of a document of %d", s.visits, selections)
	}
	if sh.fields < a.Limits.Fields {
		t.Errorf("expanded fields = %d, want past the limit %d", sh.fields, a.Limits.Fields)
	}
	err2 := a.checkShape(doc)
	if err2 == nil || err2.Extensions["code"] != CodeFieldLimit {
		t.Fatalf("checkShape = %v, want %s", err2, CodeFieldLimit)
	}

	// The cost walk, on a fan-out small enough to validate, is bounded the
	// same way and stops at the limit.
	schema, small := schemaDoc(t, fanOut(12))
	_, _, visits := operationCost(schema, small, small.Operations[0], nil, DefaultLimits().Cost)
	if visits > 3+3*13 {
		t.Errorf("cost walk visited %d selections", visits)
	}
}

// TestDeadlineStopsExecution: once the request's deadline has passed, no
// field resolves, and what failed because of it says TIMEOUT, not internal.
func TestDeadlineStopsExecution(t *testing.T) {
	cause := &dataset.Error{Code: dataset.ErrTimeout, Message: "the request took longer than 15s"}
	ctx, cancel := context.WithDeadlineCause(context.Background(), time.Now().Add(-time.Second), cause)
	defer cancel()
	a := &Admission{Limits: DefaultLimits()}
	resolved := false
	_, err := a.InterceptField(ctx, func(context.Context) (any, error) { resolved = true; return nil, nil })
	if resolved || dataset.CodeOf(err) != dataset.ErrTimeout {
		t.Errorf("resolved %v, error %v", resolved, err)
	}
	// A statement the deadline cancelled fails with the context's error.
	present := ErrorPresenter(slog.New(slog.DiscardHandler))
	got := present(ctx, fmt.Errorf("list observations: %w", context.DeadlineExceeded))
	if got.Extensions["code"] != "TIMEOUT" || got.Message != cause.Message {
		t.Errorf("presented %+v", got)
	}
}

// BenchmarkAdmission measures what admission adds to a request not in the
// query cache: counting tokens, parsing, the shape check and the cost walk.
func BenchmarkAdmission(b *testing.B) {
	schema := NewExecutableSchema(Config{}).Schema()
	a := &Admission{Limits: DefaultLimits(), Introspection: true, schema: schema}
	for _, q := range []struct{ name, query string }{{"page of 100", pageWithEveryField}, {"code lists", wholeCodeLists}} {
		doc, errs := gqlparser.LoadQuery(schema, q.query)
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				src := &ast.Source{Input: q.query}
				tokens(src, a.Limits.Tokens)
				parsed, err := parser.ParseQuery(src)
				if err != nil {
					b.Fatal(err)
				}
				if err := a.checkShape(parsed); err != nil {
					b.Fatal(err)
				}
				operationCost(schema, doc, doc.Operations[0], nil, a.Limits.Cost)
			}
		})
	}
}
