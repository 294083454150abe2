package graph

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// The cost model, as GitHub's API counts nodes: a query costs the objects it
// can make the server produce. Every object costs 1 and a list costs its
// length times what each entry selects; scalar fields are free. A
// connection's nodes and edges are `first` long (default 20, at most 100),
// a code list at the root is costed as 50 entries and any other list as 10.
// Some fields read or compute more than they return and add a base of their
// own (fieldRules). Every value listed in an argument (a code, a member, a
// dimension) costs 10, and a list of k member selections 10·k² more, so a
// long filter is refused before it reaches SQL.
// `__schema` costs 1,000 whatever it selects and `__type` 10: a full
// introspection fits, a thousand of them do not. So a page of 100
// observations with every field costs about 6,000 and the whole code lists
// about 3,000, while 100 indicators with 100 observations each cost more
// than the 10,000 a query may.
const (
	rootListSize        = 50
	listSize            = 10
	argumentEntryCost   = 10
	schemaCost          = 1000
	typeIntrospectCost  = 10
	defaultConnectionSz = defaultPageSize
)

// fieldRule is the cost of a field beyond the default: base is added once
// per execution, n replaces the default length of a list.
type fieldRule struct{ base, n int }

var fieldRules = map[string]fieldRule{
	// A count(*) over the filter.
	"ObservationConnection.totalCount": {base: 1},
	"IndicatorConnection.totalCount":   {base: 1},
	"CellChangeConnection.totalCount":  {base: 1},
	// Reads every cell the revisions since touched, whatever the page.
	"Query.changes": {base: 20},
	// Sums over up to 10,000 observations into a few groups.
	"Query.aggregate": {base: 500, n: 10},
	// Every cell a framework asks for, evaluated over current cells.
	"Query.coverage": {base: 200, n: 100},
	// A slice of the indicator computed into a series, a breakdown or its
	// latest value.
	"Indicator.series":    {base: 20, n: 20},
	"Indicator.breakdown": {base: 20},
	// One row, read like a series.
	"Indicator.latest": {base: 20},
}

// costWalk computes the cost of one operation with its variables. It walks
// each fragment once per page size it is spread under (memo), so its work
// is linear in the document, and it stops as soon as a part costs more than
// limit: costs only grow from there.
type costWalk struct {
	schema *ast.Schema
	vars   map[string]any
	frags  map[string]*ast.FragmentDefinition
	limit  int
	memo   map[fragmentAt]int
	busy   map[string]bool
	// visits counts the selections walked, for the test that the walk is
	// bounded by the document, not by what its fragments expand to.
	visits int
}

type fragmentAt struct {
	name string
	page int
}

// operationCost is the cost of op and the root field that costs most.
func operationCost(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, limit int) (cost int, costliest string, visits int) {
	w := &costWalk{schema: schema, vars: vars, frags: fragmentsByName(doc.Fragments), limit: limit,
		memo: map[fragmentAt]int{}, busy: map[string]bool{}}
	top := 0
	for _, sel := range op.SelectionSet {
		c := w.set(ast.SelectionSet{sel}, 0)
		if c > top {
			top = c
			costliest = selectionName(sel)
		}
		cost = costOf(cost, 1, c)
		if cost > limit {
			break
		}
	}
	return cost, costliest, w.visits
}

func selectionName(sel ast.Selection) string {
	switch s := sel.(type) {
	case *ast.Field:
		if s.Alias != "" {
			return s.Alias
		}
		return s.Name
	case *ast.FragmentSpread:
		return "..." + s.Name
	}
	return "an inline fragment"
}

// set is the cost of one entry of a selection set; page is the length of
// nodes and edges when the set is a connection's.
func (w *costWalk) set(ss ast.SelectionSet, page int) int {
	total := 0
	for _, sel := range ss {
		w.visits++
		switch s := sel.(type) {
		case *ast.Field:
			total = costOf(total, 1, w.field(s, page))
		case *ast.InlineFragment:
			total = costOf(total, 1, w.set(s.SelectionSet, page))
		case *ast.FragmentSpread:
			total = costOf(total, 1, w.fragment(s.Name, page))
		}
		if total > w.limit {
			break
		}
	}
	return total
}

func (w *costWalk) fragment(name string, page int) int {
	key := fragmentAt{name, page}
	if c, ok := w.memo[key]; ok {
		return c
	}
	def := w.frags[name]
	if def == nil || w.busy[name] {
		// Validation refuses unknown and cyclic fragments.
		return 0
	}
	w.busy[name] = true
	c := w.set(def.SelectionSet, page)
	delete(w.busy, name)
	w.memo[key] = c
	return c
}

func (w *costWalk) field(f *ast.Field, page int) int {
	switch f.Name {
	case "__typename":
		return 0
	case "__schema":
		return schemaCost
	case "__type":
		return typeIntrospectCost
	}
	if f.Definition == nil || f.ObjectDefinition == nil {
		return 0
	}
	args := f.ArgumentMap(w.vars)
	cost := 0
	for _, a := range f.Definition.Arguments {
		cost = costOf(cost, argumentEntryCost, listedValues(args[a.Name]))
	}
	rule := fieldRules[f.ObjectDefinition.Name+"."+f.Name]
	cost = costOf(cost, 1, rule.base)
	t := f.Definition.Type
	def := w.schema.Types[t.Name()]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return cost
	}
	childPage := 0
	if strings.HasSuffix(def.Name, "Connection") {
		childPage = connectionPage(args["first"])
	}
	each := costOf(1, 1, w.set(f.SelectionSet, childPage))
	n := 1
	if t.Elem != nil {
		switch {
		case page > 0 && (f.Name == "nodes" || f.Name == "edges"):
			n = page
		case rule.n > 0:
			n = rule.n
		case f.ObjectDefinition.Name == "Query":
			n = rootListSize
		default:
			n = listSize
		}
	}
	return costOf(cost, n, each)
}

// connectionPage is the page a connection's first asks for, clamped to
// 1..100: a first outside the range is refused by the resolver, with the
// range, and costing it as the nearest page lets that error be the one the
// client sees.
func connectionPage(first any) int {
	n, ok := intOf(first)
	if !ok {
		return defaultConnectionSz
	}
	return int(min(max(n, 1), maxPageSize))
}

func intOf(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// listedValues counts the values listed anywhere inside an argument: every
// entry of a list that is not itself a list or an input object, and, for a
// list of k input objects (member selections), k² more: the SQL joins the
// coordinates once per selection, and PostgreSQL's planning grows with the
// square of the joins (100 selections took 5 s, 20 a quarter of one).
func listedValues(v any) int {
	n := 0
	switch v := v.(type) {
	case []any:
		objects := 0
		for _, e := range v {
			switch e.(type) {
			case map[string]any:
				objects++
				n = costOf(n, 1, listedValues(e))
			case []any:
				n = costOf(n, 1, listedValues(e))
			default:
				n = costOf(n, 1, 1)
			}
		}
		n = costOf(n, objects, objects)
	case map[string]any:
		for _, e := range v {
			n = costOf(n, 1, listedValues(e))
		}
	}
	return n
}

// maxCost is where cost arithmetic saturates: far above the limit, and low
// enough that no sum or product of two costs below it wraps an int64
// (2^40 x 2^20 < 2^63). Nine nested pages of 100 cost 10^18 and would wrap
// an int64 product; saturated they are simply refused.
const maxCost = 1 << 40

// costOf is base + n*child, saturating at maxCost.
func costOf(base, n, child int) int {
	if child < 0 || n < 0 || base < 0 {
		return maxCost
	}
	if n != 0 && child > (maxCost-base)/n {
		return maxCost
	}
	return min(base+n*child, maxCost)
}
