package sdmx

import (
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"indicators/internal/export"
)

// The SDMX 3.0 data path, as the SDMX working group's sdmx-rest v2.0.0
// defines it (doc/data.md):
//
//	data/{context}/{agencyID}/{resourceID}/{version}/{key}?c[DIM]=…
//
// Each path part defaults to * when left out; agencies, ids, versions and
// keys may be listed with commas.
var (
	dataContexts = []string{"*", export.ClassDataflow, export.ClassDataStructure, "provisionagreement"}
	// data3Params are the parameters of v2.0.0's data query besides c[…];
	// later versions of the specification add those of laterParams.
	data3Params = []string{"updatedAfter", "firstNObservations", "lastNObservations", "dimensionAtObservation",
		"attributes", "measures", "includeHistory"}
	laterParams = []string{"offset", "limit", "sort", "asOf", "reportingYearStartDay"}
	// operators are those of c[…]; a value without one is eq.
	operators = []string{"eq", "ne", "lt", "le", "gt", "ge", "co", "nc", "sw", "ew"}
)

func parseData3(parts []string, params url.Values) (DataQuery, error) {
	q := DataQuery{SDMX3: true}
	if len(parts) > 5 {
		return q, syntax("an SDMX 3.0 data query is data/{context}/{agencyID}/{resourceID}/{version}/{key}")
	}
	path := []string{"*", "*", "*", "*", "*"}
	for i, p := range parts {
		if p != "" {
			path[i] = p
		}
	}
	if err := checkContext(path[0], path[1], path[2], path[3]); err != nil {
		return q, err
	}
	var err error
	if q.Key, err = parseKeys3(path[4]); err != nil {
		return q, err
	}
	for k, vs := range params {
		switch {
		case k == "format" || slices.Contains(data3Params, k):
		case slices.Contains(laterParams, k):
			return q, NotImplemented("%s is not implemented: this service follows SDMX REST 2.0.0 (SDMX 3.0), which does not define it", k)
		case strings.HasPrefix(k, "c[") && strings.HasSuffix(k, "]"):
			if len(vs) > 1 {
				return q, syntax("%s is given %d times; a component takes one c[…] (list values with ,)", k, len(vs))
			}
			if err := q.component(k[2:len(k)-1], vs[0]); err != nil {
				return q, err
			}
		default:
			return q, syntax("%q is not a parameter of this query; the parameters are c[COMPONENT], %s and format", k, strings.Join(data3Params, ", "))
		}
	}
	if q.Filter.UpdatedAfter, err = updatedAfter(params); err != nil {
		return q, err
	}
	if err := parseDataParams(&q, params); err != nil {
		return q, err
	}
	if q.Options.Detail, err = detail3(params.Get("attributes"), params.Get("measures")); err != nil {
		return q, err
	}
	return q, q.Filter.Validate()
}

// checkContext accepts the contexts that name this service's data: its
// dataflow or its data structure, by agency, id and version, with * for
// any and + (latest stable) or ~ (latest) for the version. Another
// artefact is a query with no results.
func checkContext(context, agencies, ids, versions string) error {
	if context == "provisionagreement" {
		return NoResults("this service holds no provision agreement; its data are those of the dataflow %s", export.DataflowRef())
	}
	match := func(list string, pattern func(string) error, want ...string) (bool, error) {
		ok := false
		for _, v := range strings.Split(list, ",") {
			if err := pattern(v); err != nil {
				return false, err
			}
			ok = ok || slices.Contains(want, v)
		}
		return ok, nil
	}
	id := func(v string) error {
		if v != "*" && !idPattern.MatchString(v) {
			return syntax("%q is not an id", v)
		}
		return nil
	}
	version := func(v string) error {
		switch {
		case v == "*" || v == "+" || v == "~" || versionNumber.MatchString(v):
			return nil
		case strings.ContainsAny(v, "*+~"):
			return NotImplemented("version %q: the wildcards implemented are *, + (latest stable) and ~ (latest)", v)
		}
		return syntax("%q is not a version", v)
	}
	var artefacts []string
	switch context {
	case "*":
		artefacts = []string{"*", export.DataflowID, export.DSDID}
	case export.ClassDataflow:
		artefacts = []string{"*", export.DataflowID}
	case export.ClassDataStructure:
		artefacts = []string{"*", export.DSDID}
	}
	// SDMX 3.0 versions are semantic: 1.0.0 is 1.0.
	for _, check := range []struct {
		list    string
		pattern func(string) error
		want    []string
	}{
		{agencies, id, []string{"*", export.AgencyID}},
		{ids, id, artefacts},
		{versions, version, []string{"*", "+", "~", export.DataflowVersion, export.DataflowVersion + ".0"}},
	} {
		ok, err := match(check.list, check.pattern, check.want...)
		if err != nil {
			return err
		}
		if !ok {
			return NoResults("no %s %s/%s/%s; this service holds the dataflow %s and its data structure %s",
				context, agencies, ids, versions, export.DataflowRef(), export.DSDID)
		}
	}
	return nil
}

// versionNumber is a plain version number (1.0, 1.0.0).
var versionNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// parseKeys3 reads SDMX 3.0 keys: dot-separated codes with * (or nothing)
// for any, trailing dimensions left out meaning any, several keys listed
// with commas. Keys that differ in one dimension at most are that key with
// the codes listed there; the union of keys differing in more is not one
// selection per dimension, and is not implemented.
func parseKeys3(s string) ([][]string, error) {
	if s == "*" || s == "" {
		return nil, nil
	}
	var keys [][][]string
	width := 0
	for _, k := range strings.Split(s, ",") {
		var key [][]string
		for _, part := range strings.Split(k, ".") {
			switch {
			case part == "*" || part == "":
				key = append(key, nil)
			case strings.Contains(part, "+"):
				return nil, syntax("key: %q: an SDMX 3.0 key has no +; list keys with , or codes with c[DIMENSION]=A,B", part)
			case !idPattern.MatchString(part):
				return nil, syntax("key: %q is not a code", part)
			default:
				key = append(key, []string{part})
			}
		}
		keys = append(keys, key)
		width = max(width, len(key))
	}
	merged := make([][]string, width)
	differ := -1
	for i := range width {
		var codes []string
		anyCode := false
		for _, key := range keys {
			if i >= len(key) || key[i] == nil {
				anyCode = true
				continue
			}
			if !slices.Contains(codes, key[i][0]) {
				codes = append(codes, key[i][0])
			}
		}
		if anyCode && len(codes) > 0 || len(codes) > 1 {
			if differ >= 0 {
				return nil, NotImplemented("keys %s differ in more than one dimension: ask for each key, or use c[DIMENSION]=A,B", s)
			}
			differ = i
		}
		if !anyCode {
			merged[i] = codes
		}
	}
	return merged, nil
}

// component reads one c[ID] filter: a comma-separated OR of terms, each a
// +-separated AND of [operator:]value. TIME_PERIOD takes ge, gt, le, lt and
// eq of years, into the filter's period bounds; a dimension takes eq, ne
// and the string operators co, nc, sw and ew on its codes, which KeyFor
// resolves against the DSD's code list. lt, le, gt and ge compare, and SDMX
// orders periods, not codes: they are not implemented for a dimension.
func (q *DataQuery) component(id, value string) error {
	if !idPattern.MatchString(id) {
		return syntax("c[%s]: %q is not a component id", id, id)
	}
	// A + a client did not escape arrives as a space.
	value = strings.ReplaceAll(value, " ", "+")
	var cond Condition
	for _, d := range strings.Split(value, ",") {
		var terms []Term
		for _, t := range strings.Split(d, "+") {
			op, v, ok := strings.Cut(t, ":")
			if !ok {
				op, v = "eq", t
			}
			if !slices.Contains(operators, op) {
				return syntax("c[%s]: %q is not an operator; the operators are %s", id, op, strings.Join(operators, ", "))
			}
			if v == "" {
				return syntax("c[%s]: %q has no value", id, t)
			}
			terms = append(terms, Term{Op: op, Value: v})
		}
		cond = append(cond, terms)
	}
	if id == "TIME_PERIOD" {
		return q.periods(cond)
	}
	for _, terms := range cond {
		for _, t := range terms {
			if codeOperators[t.Op] == nil {
				return NotImplemented("c[%s]: the operator %s is not implemented for a dimension: its codes have no order; eq, ne, co, nc, sw and ew are", id, t.Op)
			}
			// A part of a code (co, sw, …) is made of a code's characters.
			if !idPattern.MatchString(t.Value) {
				return syntax("c[%s]: %q is not a code", id, t.Value)
			}
		}
	}
	if q.Components == nil {
		q.Components = map[string]Condition{}
	}
	q.Components[id] = cond
	return nil
}

// Condition is a c[DIM] filter on a dimension's codes: an OR of ANDs of
// terms (c[X]=A,ne:B+sw:C is X = A OR (X <> B AND X starts with C)).
type Condition [][]Term

// Term is one [operator:]value of a c[] filter.
type Term struct{ Op, Value string }

// codeOperators are the operators a dimension's code is tested by.
var codeOperators = map[string]func(code, v string) bool{
	"eq": func(c, v string) bool { return c == v },
	"ne": func(c, v string) bool { return c != v },
	"co": strings.Contains,
	"nc": func(c, v string) bool { return !strings.Contains(c, v) },
	"sw": strings.HasPrefix,
	"ew": strings.HasSuffix,
}

// Select is the codes the condition allows: of list, the dimension's code
// list, those that satisfy it, and the code of each eq term that the rest
// of its AND allows even when list lacks it, so that an unknown code is
// the dataset's UNKNOWN_CODE, as in a key.
func (c Condition) Select(list []string) []string {
	var out []string
	for _, terms := range c {
		candidates := list
		if i := slices.IndexFunc(terms, func(t Term) bool { return t.Op == "eq" }); i >= 0 {
			candidates = []string{terms[i].Value}
		}
		for _, code := range candidates {
			if !slices.Contains(out, code) && !slices.ContainsFunc(terms, func(t Term) bool { return !codeOperators[t.Op](code, t.Value) }) {
				out = append(out, code)
			}
		}
	}
	return out
}

// periods narrows the period bounds by c[TIME_PERIOD]'s terms: the dataset
// holds years and spans of years, and the filter one range of them.
func (q *DataQuery) periods(cond Condition) error {
	if len(cond) > 1 {
		return NotImplemented("c[TIME_PERIOD]: , (OR) of periods is not implemented; give one range, ge:2020+le:2024")
	}
	for _, t := range cond[0] {
		op, v := t.Op, t.Value
		if !slices.Contains([]string{"ge", "gt", "le", "lt", "eq"}, op) {
			// ne and the string operators would need a set of periods,
			// not the one range a filter holds.
			return NotImplemented("c[TIME_PERIOD]: the operator %s is not implemented; ge, gt, le, lt and eq are", op)
		}
		m := periodPattern.FindStringSubmatch(v)
		if m == nil {
			return syntax("c[TIME_PERIOD]: %q is not an SDMX period (2024, 2024-06, 2024-Q2, …)", v)
		}
		y, _ := strconv.Atoi(m[1])
		subAnnual := m[2] != ""
		from, to := 0, 0
		switch op {
		case "ge":
			from = y // a sub-annual period selects its year, as startPeriod does
		case "le":
			to = y
		case "gt", "lt", "eq":
			if subAnnual {
				return NotImplemented("c[TIME_PERIOD]: %s:%s: gt, lt and eq take a year; the dataset holds yearly figures", op, v)
			}
			switch op {
			case "gt":
				from = y + 1
			case "lt":
				to = y - 1
			default:
				from, to = y, y
			}
		}
		if from != 0 && from > q.Filter.PeriodFrom {
			q.Filter.PeriodFrom = from
		}
		if to != 0 && (q.Filter.PeriodTo == 0 || to < q.Filter.PeriodTo) {
			q.Filter.PeriodTo = to
		}
	}
	if q.Filter.PeriodTo != 0 && q.Filter.PeriodFrom > q.Filter.PeriodTo {
		return NoResults("c[TIME_PERIOD]: no period lies in %d-%d", q.Filter.PeriodFrom, q.Filter.PeriodTo)
	}
	return nil
}

// detail3 maps SDMX 3.0's attributes and measures parameters onto the data
// detail of SDMX 2.1, which the writers take: dsd or all attributes (there
// are no reference metadata attributes) or none; all measures (OBS_VALUE is
// the one) or none.
func detail3(attributes, measures string) (export.DataDetail, error) {
	withAttrs := true
	switch attributes {
	case "", "dsd", "all":
	case "none":
		withAttrs = false
	default:
		return "", NotImplemented("attributes=%s is not implemented; dsd, all and none are", attributes)
	}
	withObs := true
	switch measures {
	case "", "all", "OBS_VALUE":
	case "none":
		withObs = false
	default:
		return "", syntax("measures: %q is none of all, none and OBS_VALUE, the structure's one measure", measures)
	}
	switch {
	case withAttrs && withObs:
		return export.DetailFull, nil
	case withObs:
		return export.DetailDataOnly, nil
	case withAttrs:
		return export.DetailNoData, nil
	}
	return export.DetailSeriesKeysOnly, nil
}

// KeyFor is the query's key over the DSD's key dimensions dims, whose code
// lists are lists (nil for any): the key as given, for SDMX 2.1, whose
// length NewKeySelection checks; for SDMX 3.0 the key padded with any,
// narrowed by the c[DIM] filters. others are the DSD's attributes and
// measure, which c[] may name but this service does not filter by.
func (q DataQuery) KeyFor(dims []string, lists [][]string, others []string) ([][]string, error) {
	if !q.SDMX3 {
		return q.Key, nil
	}
	if len(q.Key) > len(dims) {
		return nil, syntax("the key has %d parts; %s has %d key dimensions: %s", len(q.Key), export.DSDID, len(dims), strings.Join(dims, "."))
	}
	key := make([][]string, len(dims))
	copy(key, q.Key)
	ids := make([]string, 0, len(q.Components))
	for id := range q.Components {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		i := slices.Index(dims, id)
		var codes []string
		if i >= 0 {
			codes = q.Components[id].Select(lists[i])
		}
		switch {
		case i < 0 && slices.Contains(others, id):
			return nil, NotImplemented("c[%s]: filters on attributes and measures are not implemented; the dimensions are %s and TIME_PERIOD", id, strings.Join(dims, ", "))
		case i < 0:
			return nil, syntax("c[%s]: %s is no component of %s; the dimensions are %s and TIME_PERIOD", id, id, export.DSDID, strings.Join(dims, ", "))
		case key[i] != nil:
			codes = slices.DeleteFunc(slices.Clone(codes), func(c string) bool { return !slices.Contains(key[i], c) })
		}
		if len(codes) == 0 {
			return nil, NoResults("no observation matches c[%s] and the key", id)
		}
		key[i] = codes
	}
	if !slices.ContainsFunc(key, func(codes []string) bool { return codes != nil }) {
		return nil, nil
	}
	return key, nil
}
