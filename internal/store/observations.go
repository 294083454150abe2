package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// orderColumns are the sort expressions of each ordering; the cursor carries
// their values for the last row of a page.
var orderColumns = map[dataset.Order]struct {
	exprs []string
	desc  bool
}{
	dataset.OrderByKey:        {[]string{"i.code", "a.code", "o.period_start", "o.period_end", "o.coordinate_key", "o.id"}, false},
	dataset.OrderByPeriodDesc: {[]string{"o.period_end", "o.period_start", "o.id"}, true},
	dataset.OrderByValueDesc:  {[]string{"o.value", "o.id"}, true},
}

// observationColumns are an observation row's columns (observationRow).
// Its code-list references come as ids, which codeNames turns into codes:
// the statements join no code table.
const observationColumns = `
	o.id, o.release_id, o.indicator_id, o.ref_area_id, o.period_start, o.period_end,
	o.value, o.unit_id, o.qualifier, o.status, o.change,
	o.agency_id, o.coordinate_key, o.source_section, o.source_quote, o.note,
	COALESCE(o.source_line, 0) AS source_line, COALESCE(o.derived_from_id, 0) AS derived_from_id,
	o.revision_id, o.restricted`

// codeJoins joins the code tables that exprs name (i.code, a.code,
// ag.code), each once: an order over a revision's relation, which lacks the
// live table's own copies of the codes, or a batch's parent.
func codeJoins(exprs ...string) string {
	var joins string
	for _, t := range []struct{ alias, join string }{
		{"i.", " JOIN indicator i ON i.id = o.indicator_id"},
		{"a.", " JOIN ref_area a ON a.id = o.ref_area_id"},
		{"ag.", " JOIN agency ag ON ag.id = o.agency_id"},
	} {
		if slices.ContainsFunc(exprs, func(e string) bool { return strings.HasPrefix(e, t.alias) }) {
			joins += t.join
		}
	}
	return joins
}

type observationRow struct {
	ID            int64
	ReleaseID     int64           `db:"release_id"`
	IndicatorID   int64           `db:"indicator_id"`
	RefAreaID     int64           `db:"ref_area_id"`
	PeriodStart   int             `db:"period_start"`
	PeriodEnd     int             `db:"period_end"`
	Value         decimal.Decimal // numeric scanned from its text: exact
	UnitID        int64           `db:"unit_id"`
	Qualifier     string
	Status        string
	Change        *decimal.Decimal
	AgencyID      int64  `db:"agency_id"`
	CoordinateKey string `db:"coordinate_key"`
	SourceSection string `db:"source_section"`
	SourceQuote   string `db:"source_quote"`
	Note          string
	SourceLine    int    `db:"source_line"`
	DerivedFromID int64  `db:"derived_from_id"`
	SortKey       string `db:"sort_key"`
	RevisionID    int64  `db:"revision_id"`
	Restricted    bool
}

// fields are the destinations of observationColumns and the sort key, in
// their order.
func (r *observationRow) fields() []any {
	return []any{&r.ID, &r.ReleaseID, &r.IndicatorID, &r.RefAreaID, &r.PeriodStart, &r.PeriodEnd,
		&r.Value, &r.UnitID, &r.Qualifier, &r.Status, &r.Change,
		&r.AgencyID, &r.CoordinateKey, &r.SourceSection, &r.SourceQuote, &r.Note,
		&r.SourceLine, &r.DerivedFromID, &r.RevisionID, &r.Restricted, &r.SortKey}
}

// selectRows runs query and scans each row into a T through the
// destinations fields gives, in the statement's column order; fields is
// called once, so the destinations must be t's own fields.
//
// Why not sqlx's struct scan: it maps every column to its field by
// reflection on every row, 40% of scanning a page (pprof, Q2 on
// peerbench's dataset).
func selectRows[T any](ctx context.Context, q querier, query string, args []any, fields func(*T) []any) ([]T, error) {
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	// One row to scan into, its destinations taken once: the slice of
	// them was an allocation a row.
	var t T
	dest := fields(&t)
	for rows.Next() {
		var zero T
		t = zero
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	// A connection lost mid-rows is the database away, as before them.
	return out, unavailable(rows.Err())
}

// selectObservations is selectRows for statements that read observationColumns
// and a sort key.
func selectObservations(ctx context.Context, q querier, query string, args ...any) ([]observationRow, error) {
	return selectRows(ctx, q, query, args, (*observationRow).fields)
}

// domain is the row as the viewer reads it: its codes from x (which knows
// them: Store.codeIndex), masked by sup, the viewer's suppression (nil for
// none).
func (r observationRow) domain(x *codeIndex, sup *dataset.Suppression) dataset.Observation {
	o := dataset.Observation{
		ID:            r.ID,
		Release:       x.releases[r.ReleaseID],
		DerivedFromID: r.DerivedFromID,
		Indicator:     x.indicators[r.IndicatorID],
		RefArea:       x.refAreas[r.RefAreaID],
		Period:        dataset.Period{Start: r.PeriodStart, End: r.PeriodEnd},
		Value:         r.Value,
		Unit:          x.units[r.UnitID],
		Qualifier:     dataset.Qualifier(r.Qualifier),
		Status:        dataset.Status(r.Status),
		Change:        r.Change,
		Agency:        x.agencies[r.AgencyID],
		Coordinates:   ParseCoordinateKey(r.CoordinateKey),
		Source:        dataset.Source{Section: r.SourceSection, Quote: r.SourceQuote},
		Note:          r.Note,
		DerivedFrom:   -1,
		Line:          r.SourceLine,
		Revision:      r.RevisionID,
		Restricted:    r.Restricted,
	}
	sup.Mask(&o)
	return o
}

// ParseCoordinateKey reads the canonical coordinate text back.
func ParseCoordinateKey(key string) []dataset.Coordinate {
	if key == "" {
		return nil
	}
	parts := strings.Split(key, ";")
	cs := make([]dataset.Coordinate, 0, len(parts))
	for _, p := range parts {
		dim, mem, _ := strings.Cut(p, "=")
		cs = append(cs, dataset.Coordinate{Dimension: dim, Member: mem})
	}
	return cs
}

// where builds what a filter reads for the viewer of ctx: the relation,
// aliased o, it reads observations from, and its WHERE clause. The relation
// is the live table, or with AsOf the dataset as it stood at that revision
// (migration 0005): the observations current then, or, for a reader of
// every observation or of named releases, the rows live then. args continue
// from len(args).
func where(ctx context.Context, f dataset.Filter, args []any) (source, clause string, _ []any) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	source = "observation o"
	if f.AsOf != nil {
		fn := "observation_live"
		if f.Current && len(f.Releases) == 0 {
			fn = "observation_current_as_of"
		}
		source = fn + "(" + revisionAt(*f.AsOf, arg) + ") o"
	}
	conds := []string{visibleObservation(ctx, "o")}
	// An earlier revision's rows may be history: their coordinates too.
	coordinates := "observation_coordinate"
	if f.AsOf != nil {
		coordinates = "observation_coordinate_all"
	}
	if f.UpdatedAfter != nil {
		conds = append(conds, "o.revision_id > "+revisionAt(*f.UpdatedAfter, arg))
	}
	if f.Current && len(f.Releases) == 0 {
		conds = append(conds, "o.is_current")
	}
	in := func(col string, values []string) {
		if len(values) > 0 {
			conds = append(conds, col+" = ANY("+arg(pq.Array(values))+")")
		}
	}
	// Codes become the observation's own ids in a subquery computed once,
	// so each condition is on an indexed column of observation and the
	// statement's one generic plan (see withGenericPlans) is an index plan:
	// one code estimates as one id, where a join on the code table would
	// estimate as many rows as an unknown array might name.
	byCode := func(col, table, codeCol string, values []string) {
		switch len(values) {
		case 0:
		case 1:
			conds = append(conds, col+" = (SELECT id FROM "+table+" WHERE "+codeCol+" = "+arg(values[0])+")")
		default:
			conds = append(conds, col+" = ANY("+idsOf(table, codeCol, arg(pq.Array(values)))+")")
		}
	}
	byCode("o.indicator_id", "indicator", "code", f.Indicators)
	if len(f.Themes) > 0 {
		conds = append(conds, "o.indicator_id = ANY("+idsOf("indicator", "theme", arg(pq.Array(stringsOf(f.Themes))))+")")
	}
	byCode("o.agency_id", "agency", "code", f.Agencies)
	byCode("o.ref_area_id", "ref_area", "code", f.RefAreas)
	byCode("o.release_id", "release", "code", f.Releases)
	in("o.status", stringsOf(f.Statuses))
	in("o.qualifier", stringsOf(f.Qualifiers))
	switch {
	case oneYear(f):
		// As equalities, the period columns of the indexes that follow
		// the area's (migration 0013) are read.
		conds = append(conds, "o.period_start = "+arg(f.PeriodFrom), "o.period_end = "+arg(f.PeriodTo))
	default:
		if f.PeriodFrom != 0 {
			conds = append(conds, "o.period_start >= "+arg(f.PeriodFrom))
		}
		if f.PeriodTo != 0 {
			conds = append(conds, "o.period_end <= "+arg(f.PeriodTo))
		}
	}
	if len(f.Periods) > 0 {
		starts, ends := make([]int64, len(f.Periods)), make([]int64, len(f.Periods))
		for i, p := range f.Periods {
			starts[i], ends[i] = int64(p.Start), int64(p.End)
		}
		s, e := arg(pq.Array(starts)), arg(pq.Array(ends))
		// The start alone is what the indexes lead with; the pair makes it exact.
		conds = append(conds, "o.period_start = ANY("+s+"::int[])",
			"(o.period_start, o.period_end) IN (SELECT * FROM unnest("+s+"::int[], "+e+"::int[]))")
	}
	if f.PeriodLength != nil {
		conds = append(conds, "o.period_end - o.period_start + 1 = "+arg(*f.PeriodLength))
	}
	switch {
	case f.ExactlyBy == nil:
	case len(f.ExactlyBy) == 0:
		// The total over every dimension: an equality the indexes serve.
		conds = append(conds, "o.coordinate_key = ''")
	default:
		// The set of dimensions a key names, as the tally and an index
		// (migration 0014, after the indicator) hold it.
		set := arg(dimensionSet(f.ExactlyBy))
		conds = append(conds, "coordinate_dimensions(o.coordinate_key) = "+set)
		if f.AsOf == nil {
			// Without an indicator no index reads the set: a set the
			// indicators are never broken down by would read every row
			// to find none (11 s at world size). The tally knows the
			// sets there are; asked once, before any row.
			gate := "EXISTS (SELECT 1 FROM observation_tally t WHERE t.n > 0 AND t.dimensions = " + set
			if len(f.Indicators) > 0 {
				gate += " AND t.indicator_id = ANY(" + idsOf("indicator", "code", arg(pq.Array(f.Indicators))) + ")"
			}
			conds = append(conds, gate+")")
		}
	}
	// The other conditions on the coordinates hold for every row of a series
	// or for none, so lastN may rank before them (below).
	rowConds := len(conds)
	for _, m := range f.Members {
		// ARRAY(...) is computed once; each candidate row then costs one
		// probe of the coordinate primary key.
		conds = append(conds, `EXISTS (SELECT 1 FROM `+coordinates+` c WHERE c.observation_id = o.id
			AND c.member_id = ANY(ARRAY(SELECT dm.id FROM dimension_member dm JOIN dimension d ON d.id = dm.dimension_id
			                            WHERE d.code = `+arg(m.Dimension)+` AND dm.code = ANY(`+arg(pq.Array(m.Members))+`))))`)
	}
	// Totals over and breakdowns by dimensions are tests of the row's own
	// key, not probes of its coordinates: probes read as a join the
	// planner drove from the coordinates' dimension index, estimating a
	// few thousand cells by country of exploitation where there are
	// 2.1 million (13 s for a first page of them at world size).
	conds = append(conds, dimensionConds("coordinate_dimensions(o.coordinate_key)", nil, f.TotalOver, f.BrokenDownBy, arg)...)
	if f.LastN != nil || f.FirstN != nil {
		// The window ranks each series' periods among the rows the other
		// conditions keep, most recent first (the order of the series
		// index, so over current cells it reads them without a sort);
		// dense_rank keeps every row of a period when releases overlap.
		// The coordinate conditions are left to the outer query, where
		// they probe the coordinates of the few rows ranked in. FirstN
		// ranks the other way; with both, SDMX asks for the first N and
		// the last N, so either rank keeps a row.
		inner := strings.Join(conds[:rowConds], " AND ")
		const series = "PARTITION BY o.indicator_id, o.ref_area_id, o.coordinate_key"
		var ranks, keep []string
		if f.LastN != nil {
			ranks = append(ranks, "dense_rank() OVER ("+series+" ORDER BY o.period_end DESC, o.period_start DESC) AS rank")
			keep = append(keep, "ranked.rank <= "+arg(*f.LastN))
		}
		if f.FirstN != nil {
			ranks = append(ranks, "dense_rank() OVER ("+series+" ORDER BY o.period_start, o.period_end) AS first_rank")
			keep = append(keep, "ranked.first_rank <= "+arg(*f.FirstN))
		}
		conds = append(conds, `o.id IN (SELECT ranked.id FROM (
			SELECT o.id, `+strings.Join(ranks, ", ")+`
			FROM `+source+` WHERE `+inner+`) ranked WHERE `+strings.Join(keep, " OR ")+`)`)
	}
	return source, " WHERE " + strings.Join(conds, " AND "), args
}

// idsOf is the array of ids of the rows of table whose column matches any
// value of the array parameter param: computed once for the statement.
func idsOf(table, column, param string) string {
	return "ARRAY(SELECT id FROM " + table + " WHERE " + column + " = ANY(" + param + "))"
}

// oneYear reports whether f's period bounds are one year: a period starts
// no later than it ends, so the one period within them is that year.
func oneYear(f dataset.Filter) bool {
	return f.PeriodFrom != 0 && f.PeriodFrom == f.PeriodTo
}

// dimensionSet is dims as the tally's dimensions column writes a set of
// dimensions: in code order, as the coordinate key lists them, joined by ";".
func dimensionSet(dims []string) string {
	return strings.Join(slices.Sorted(slices.Values(dims)), ";")
}

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Observations returns up to p.First observations matching f in p's
// order, after the row the cursor p.After points at.
func (s *Store) Observations(ctx context.Context, f dataset.Filter, p dataset.PageRequest) (dataset.Page, error) {
	var page dataset.Page
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return page, err
	}
	if p.Count {
		// The filter names only observation's own columns: no join.
		source, clause, args := everyRowWhere(ctx, f)
		countQuery := `SELECT count(*) FROM ` + source + clause
		if tallied(f) {
			var from string
			from, clause, args = tallyWhere(ctx, f, nil)
			countQuery = `SELECT COALESCE(sum(o.n), 0) FROM ` + from + clause
		}
		if err := s.db.GetContext(ctx, &page.TotalCount, countQuery, args...); err != nil {
			return page, fmt.Errorf("count observations: %w", err)
		}
	}
	source, where, args := orderedWhere(ctx, f, p.Order)
	exprs, desc, ok := orderFor(p.Order, f, sup, &args)
	if !ok {
		return page, fmt.Errorf("unknown order %q", p.Order)
	}
	after, first := p.After, p.First

	sortKey := "concat_ws(E'\\x1f', " + textExprs(exprs) + ")"
	query := `SELECT ` + observationColumns + `, ` + sortKey + ` AS sort_key FROM ` + source + codeJoins(exprs...) + where
	if after != "" {
		values := strings.Split(after, "\x1f")
		if len(values) != len(exprs) {
			return page, dataset.Errorf(dataset.ErrBadInput, "after: the cursor belongs to another ordering")
		}
		cmp := ">"
		if desc {
			cmp = "<"
		}
		var placeholders []string
		for i, v := range values {
			if !castable(v, castOf(orderColumns[p.Order].exprs[i])) {
				// A cursor is opaque but not signed: a forged one must be
				// refused here, not by PostgreSQL's cast.
				return page, dataset.Errorf(dataset.ErrBadInput, "after: not a cursor of this connection")
			}
			args = append(args, v)
			placeholders = append(placeholders, "$"+strconv.Itoa(len(args))+"::"+castOf(orderColumns[p.Order].exprs[i]))
		}
		query += " AND (" + strings.Join(exprs, ", ") + ") " + cmp + " (" + strings.Join(placeholders, ", ") + ")"
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	query += " ORDER BY " + strings.Join(exprs, dir+", ") + dir
	args = append(args, first+1)
	query += " LIMIT $" + strconv.Itoa(len(args))

	rows, err := selectObservations(ctx, s.db, query, args...)
	if err != nil {
		return page, fmt.Errorf("list observations: %w", err)
	}
	rows, page.HasNextPage = trimPage(rows, first)
	if fresher, err := s.fresh(ctx, sup, rows); err != nil || fresher != sup {
		if err != nil {
			return page, err
		}
		// The order and the cursors came from the older decision: read
		// the page again with the one that has seen the load.
		return s.Observations(ctx, f, p)
	}
	codes, err := s.codeIndex(ctx, rows)
	if err != nil {
		return page, err
	}
	page.Observations = make([]dataset.Observation, len(rows))
	page.Cursors = make([]string, len(rows))
	for i, r := range rows {
		page.Observations[i], page.Cursors[i] = r.domain(codes, sup.Rule()), r.SortKey
	}
	return page, nil
}

// keyCodes are the observation's own copies of the codes the key order
// begins with (migration 0012: same text, same collation, so the same order
// and the same cursors), which its index observation_key_order_idx holds.
// Only the live table has them; a revision's relation (AsOf) is sorted by
// the joined codes.
var keyCodes = map[string]string{"i.code": "o.indicator_code", "a.code": "o.ref_area_code"}

// orderedWhere is where for a read in order o. In the key order over the
// live table, the indicators are named by the row's own codes, the leading
// column of the key order's index (orderFor): the codes bound the range it
// reads, and one code is an equality, so the range comes out in the order
// (an array would not, before PostgreSQL 17). The areas, the index's second
// column, are named by the row's codes too: on the area's id a generic plan
// walked the indicator's whole range filtering by area (0.6-1.2 s for one
// cell of the largest world indicator, 4.4 million rows), on its code it
// reads the cell's few entries. They replace the conditions on the ids, not
// add to them: with both, a generic plan takes them as independent,
// estimates a few hundred rows for 4.4 million and sorts them all.
func orderedWhere(ctx context.Context, f dataset.Filter, o dataset.Order) (source, clause string, args []any) {
	switch {
	case o != dataset.OrderByKey || f.AsOf != nil:
		return where(ctx, f, nil)
	case len(f.Indicators) > 0:
		return byRowCodes(ctx, f)
	case len(f.RefAreas) == 1 && oneYear(f):
		// One area's year, any indicator (a country page): the area is
		// named by its code as well, so that the key order's second column
		// is fixed and the area's index, read by its id and the year, is
		// the key order from there on (migration 0013). Not without the
		// year: the planner, taking id and code as independent, then
		// expects a few rows and sorts the area's 27,000 (146 ms for a
		// world area, against 7 ms walking the key order's index).
		source, clause, args = where(ctx, f, nil)
		args = append(args, f.RefAreas[0])
		return source, clause + " AND o.ref_area_code = $" + strconv.Itoa(len(args)), args
	}
	source, clause, args = where(ctx, f, nil)
	if len(f.Members) > 0 || len(f.BrokenDownBy) > 0 || len(f.ExactlyBy) > 0 {
		// Cells on a member or a dimension few indicators have: the key
		// order's index was walked through every indicator before them,
		// each row tested (852 ms for a first page by country of
		// exploitation, which one world indicator has, after some 550,000
		// rows of others). The tally names the indicators with such cells;
		// the walk is of those alone (2.3 ms).
		var table string
		var conds []string
		table, conds, args = tallyCoordinates("t", f, args)
		clause += " AND o.indicator_code = ANY(ARRAY(SELECT i.code FROM indicator i WHERE EXISTS (" +
			"SELECT 1 FROM " + table + " t WHERE t.indicator_id = i.id AND " + strings.Join(conds, " AND ") + ")))"
	}
	return source, clause, args
}

// everyRowWhere is where for reading or counting every row of f.
// Indicators and areas named together are a tight range of the key order's
// index, and are named by the row's codes (byRowCodes): by id, the
// indicator-period index was read over the indicator's every period
// (41,542 pages, 245 ms, for the 20 totals of one world indicator and
// area), and a read in key order sorted the rows (116 ms, on disk, for the
// GRETA coverage of one world area; 20 ms read in that order). Otherwise
// the ids: the period index reads an indicator's one year from its range.
func everyRowWhere(ctx context.Context, f dataset.Filter) (source, clause string, args []any) {
	if f.AsOf != nil || len(f.Indicators) == 0 || len(f.RefAreas) == 0 {
		return where(ctx, f, nil)
	}
	return byRowCodes(ctx, f)
}

// byRowCodes is where with f's indicators and areas named by the row's own
// codes (keyCodes) instead of their ids; f reads the live table.
func byRowCodes(ctx context.Context, f dataset.Filter) (source, clause string, args []any) {
	indicators, areas := f.Indicators, f.RefAreas
	f.Indicators, f.RefAreas = nil, nil
	source, clause, args = where(ctx, f, nil)
	for _, c := range []struct {
		column string
		codes  []string
	}{{"o.indicator_code", indicators}, {"o.ref_area_code", areas}} {
		switch len(c.codes) {
		case 0:
		case 1:
			args = append(args, c.codes[0])
			clause += " AND " + c.column + " = $" + strconv.Itoa(len(args))
		default:
			args = append(args, pq.Array(c.codes))
			clause += " AND " + c.column + " = ANY($" + strconv.Itoa(len(args)) + ")"
		}
	}
	return source, clause, args
}

// tallied reports whether the count of f is a sum over a tally
// (tallyWhere): a filter of the live observations, current or all, that
// names nothing but indicators, themes, agencies, periods and either
// coordinates (members, totals over or breakdowns by dimensions, an exact
// set of them) or areas, the tallies' own columns. Any other is counted
// row by row: the tallies are exact for these alone.
func tallied(f dataset.Filter) bool {
	if f.AsOf != nil || len(f.Releases) > 0 {
		return false
	}
	if len(f.RefAreas) > 0 && !noCoordinates(f) {
		return false
	}
	f.Current, f.Indicators, f.Themes, f.Agencies, f.RefAreas = false, nil, nil, nil, nil
	f.PeriodFrom, f.PeriodTo, f.Periods, f.PeriodLength = 0, 0, nil, nil
	f.ExactlyBy, f.Members, f.TotalOver, f.BrokenDownBy = nil, nil, nil, nil
	return reflect.ValueOf(f).IsZero()
}

// noCoordinates reports whether f names no coordinates: no members, no
// totals over or breakdowns by dimensions, no exact set of them (an empty
// one is the totals).
func noCoordinates(f dataset.Filter) bool {
	return f.ExactlyBy == nil && len(f.Members) == 0 && len(f.TotalOver) == 0 && len(f.BrokenDownBy) == 0
}

// tallyWhere is the table a tallied filter is counted from, aliased o, and
// the WHERE clause over it: where's conditions on the columns the tallies
// share with observation read the same on them (the codes by ids). A
// filter of areas is counted from observation_area_tally (migration 0017),
// any other from the tally of its coordinates (tallyCoordinates). args
// continue from len(args).
func tallyWhere(ctx context.Context, f dataset.Filter, args []any) (from, clause string, _ []any) {
	if len(f.RefAreas) > 0 {
		_, clause, args = where(ctx, f, args)
		return "observation_area_tally o", clause, args
	}
	coordinates := f
	f.ExactlyBy, f.Members, f.TotalOver, f.BrokenDownBy = nil, nil, nil, nil
	_, clause, args = where(ctx, f, args)
	table, conds, args := tallyCoordinates("o", coordinates, args)
	for _, c := range conds {
		clause += " AND " + c
	}
	return table + " o", clause, args
}

// tallyCoordinates are the tally that counts f's cells and f's conditions
// on coordinates (exactlyBy, members, totalOver, brokenDownBy) over its
// groups, aliased t. observation_tally (migration 0012) groups by the set of
// dimensions, a few thousand groups at world size; members need
// observation_key_tally (0015), by the coordinate key ("AGE=Y18T24;SEX=F",
// whose parts hold no ';'), some 27,000. Where a row's members are probes
// of its coordinates, a group's are parts of its key. args continue from
// len(args).
func tallyCoordinates(t string, f dataset.Filter, args []any) (table string, conds []string, _ []any) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Members) == 0 {
		conds = dimensionConds(t+".dimensions", f.ExactlyBy, f.TotalOver, f.BrokenDownBy, arg)
		return "observation_tally", conds, args
	}
	for _, m := range f.Members {
		pairs := make([]string, len(m.Members))
		for i, member := range m.Members {
			pairs[i] = dataset.CoordinateKey([]dataset.Coordinate{{Dimension: m.Dimension, Member: member}})
		}
		conds = append(conds, "string_to_array("+t+".coordinate_key, ';') && "+arg(pq.Array(pairs))+"::text[]")
	}
	conds = append(conds, dimensionConds("coordinate_dimensions("+t+".coordinate_key)", f.ExactlyBy, f.TotalOver, f.BrokenDownBy, arg)...)
	return "observation_key_tally", conds, args
}

// dimensionConds are the conditions on a set of dimensions, the text dims
// ("AGE;SEX"; empty for a total), that it is exactly exactlyBy (when not nil),
// names none of totalOver and every one of brokenDownBy.
func dimensionConds(dims string, exactlyBy, totalOver, brokenDownBy []string, arg func(any) string) []string {
	var conds []string
	if exactlyBy != nil {
		conds = append(conds, dims+" = "+arg(dimensionSet(exactlyBy)))
	}
	if len(totalOver) > 0 {
		conds = append(conds, "NOT string_to_array("+dims+", ';') && "+arg(pq.Array(totalOver))+"::text[]")
	}
	if len(brokenDownBy) > 0 {
		conds = append(conds, "string_to_array("+dims+", ';') @> "+arg(pq.Array(brokenDownBy))+"::text[]")
	}
	return conds
}

// orderFor is ordering o's sort expressions, over the relation filter f
// reads, for a viewer with suppression sup: a suppressed cell's value sorts
// as -Infinity, after every published value in VALUE_DESC, so neither its
// place in the order nor a cursor (which carries the sort values) tells it.
// The parameter it needs is appended to args.
func orderFor(o dataset.Order, f dataset.Filter, sup *suppressed, args *[]any) (exprs []string, desc, ok bool) {
	oc, ok := orderColumns[o]
	if !ok {
		return nil, false, false
	}
	exprs = slices.Clone(oc.exprs)
	for i, e := range exprs {
		if own, ok := keyCodes[e]; ok && f.AsOf == nil {
			exprs[i] = own
		}
		if e == "o.value" && sup != nil {
			*args = append(*args, pq.Array(sup.ids))
			exprs[i] = "(CASE WHEN o.id = ANY($" + strconv.Itoa(len(*args)) + "::bigint[]) THEN '-Infinity'::numeric ELSE o.value END)"
		}
	}
	return exprs, oc.desc, true
}

// castOf gives the SQL type a cursor value is compared as.
func castOf(expr string) string {
	switch expr {
	case "o.period_start", "o.period_end":
		return "smallint"
	case "o.id":
		return "bigint"
	case "o.value":
		return "numeric"
	default:
		return "text"
	}
}

// castable reports whether PostgreSQL casts v to typ without an error.
func castable(v, typ string) bool {
	var err error
	switch typ {
	case "smallint":
		_, err = strconv.ParseInt(v, 10, 16)
	case "bigint":
		_, err = strconv.ParseInt(v, 10, 64)
	case "numeric":
		if v == "-Infinity" { // a suppressed value's place (orderFor)
			return true
		}
		// A value's text is short; a long exponent would overflow numeric.
		if len(v) > 64 {
			return false
		}
		_, err = decimal.NewFromString(v)
	default:
		return utf8.ValidString(v) && !strings.ContainsRune(v, 0)
	}
	return err == nil
}

func textExprs(exprs []string) string {
	out := make([]string, len(exprs))
	for i, e := range exprs {
		out[i] = e + "::text"
	}
	return strings.Join(out, ", ")
}

// EachObservation streams every observation matching f in key order, for
// exports that must not hold millions of rows in memory.
func (s *Store) EachObservation(ctx context.Context, f dataset.Filter, fn func(dataset.Observation) error) error {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return err
	}
	// Not orderedWhere: an export reads every row of its selection, and
	// with the indicator's code alone as a literal (the export's statement
	// is planned for its arguments) the planner sees 87% of the table in
	// the largest indicator and reads it whole; by id it reads the
	// indicator's rows through its index, as before, and sorts them. With
	// areas too, the codes are a range of the key order (everyRowWhere).
	source, where, args := everyRowWhere(ctx, f)
	exprs, _, _ := orderFor(dataset.OrderByKey, f, nil, &args)
	query := `SELECT ` + observationColumns + `, '' AS sort_key FROM ` + source + codeJoins(exprs...) + where +
		` ORDER BY ` + strings.Join(exprs, ", ")
	// Read before the rows, which hold the connection while they stream:
	// in a snapshot it knows every id the rows name.
	codes, err := s.refreshCodeIndex(ctx)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryxContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query observations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r observationRow
		if err := rows.Scan(r.fields()...); err != nil {
			return fmt.Errorf("read observation: %w", err)
		}
		row := []observationRow{r}
		if sup, err = s.fresh(ctx, sup, row); err != nil {
			return err
		}
		if !codes.has(row) {
			// Outside a snapshot the rows may name ids loaded since.
			if codes, err = s.codeIndex(ctx, row); err != nil {
				return err
			}
		}
		if err := fn(r.domain(codes, sup.Rule())); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read observations: %w", err)
	}
	return nil
}
