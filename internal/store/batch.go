package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// The queries in this file take many keys at once: the API's per-request
// loaders collect the keys of every row in a response and ask once, so the
// statements a request runs do not grow with the rows it returns.

// AlsoStated returns, per observation id, the other places stating its figure.
func (s *Store) AlsoStated(ctx context.Context, ids []int64) (map[int64][]dataset.Source, error) {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ObservationID int64  `db:"observation_id"`
		Section       string `db:"source_section"`
		Quote         string `db:"source_quote"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT observation_id, source_section, source_quote FROM observation_also_stated_all
		WHERE observation_id = ANY($1) ORDER BY observation_id, ordinal`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("read also-stated sources: %w", err)
	}
	out := make(map[int64][]dataset.Source, len(ids))
	for _, r := range rows {
		src := dataset.Source{Section: r.Section, Quote: r.Quote}
		sup.Rule().MaskSource(&src)
		out[r.ObservationID] = append(out[r.ObservationID], src)
	}
	return out, nil
}

// ObservationsByID returns the observations with the given row ids, live or
// replaced: an earlier revision's rows point at rows of their time.
func (s *Store) ObservationsByID(ctx context.Context, ids []int64) (map[int64]dataset.Observation, error) {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := selectObservations(ctx, s.db, `SELECT `+observationColumns+`, '' AS sort_key FROM observation_all o
		WHERE o.id = ANY($1) AND `+visibleObservation(ctx, "o"), pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("read observations by id: %w", err)
	}
	if sup, err = s.fresh(ctx, sup, rows); err != nil {
		return nil, err
	}
	codes, err := s.codeIndex(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]dataset.Observation, len(rows))
	for _, r := range rows {
		out[r.ID] = r.domain(codes, sup.Rule())
	}
	return out, nil
}

// CurrentObservations returns the current observation of each cell that has
// one: what the cell's value is, whichever release states it.
func (s *Store) CurrentObservations(ctx context.Context, cells []dataset.Cell) (map[dataset.Cell]dataset.Observation, error) {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return nil, err
	}
	var inds, areas, keys []string
	var starts, ends []int64
	for _, c := range cells {
		inds, areas, keys = append(inds, c.Indicator), append(areas, c.RefArea), append(keys, c.CoordinateKey)
		starts, ends = append(starts, int64(c.Period.Start)), append(ends, int64(c.Period.End))
	}
	rows, err := selectObservations(ctx, s.db, `SELECT `+observationColumns+`, '' AS sort_key FROM observation o
		JOIN unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[]) AS k(ind, area, ps, pe, ck)
		  ON o.indicator_code = k.ind AND o.ref_area_code = k.area AND o.period_start = k.ps AND o.period_end = k.pe AND o.coordinate_key = k.ck
		WHERE o.is_current AND `+visibleObservation(ctx, "o"),
		pq.Array(inds), pq.Array(areas), pq.Array(starts), pq.Array(ends), pq.Array(keys))
	if err != nil {
		return nil, fmt.Errorf("read current observations of cells: %w", err)
	}
	if sup, err = s.fresh(ctx, sup, rows); err != nil {
		return nil, err
	}
	codes, err := s.codeIndex(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make(map[dataset.Cell]dataset.Observation, len(rows))
	for _, r := range rows {
		o := r.domain(codes, sup.Rule())
		out[dataset.CellOf(o)] = o
	}
	return out, nil
}

// areaOfKey resolves a key's reference area: the one it names, or for ”
// the indicator's main area (most current observations, first code on a
// tie, of the observations the viewer of ctx may read). It reads k.area and
// ki.id (the indicator). The main area is in the statement only when one of
// areas (the keys') is ”: PostgreSQL builds the hash table of its
// aggregate when the statement starts, whether or not a row reaches it,
// and at world size that was four fifths of a series' database CPU
// (1 ms a request against 0.2 ms without it).
func areaOfKey(ctx context.Context, areas []string) string {
	if !slices.Contains(areas, "") {
		return `CROSS JOIN LATERAL (SELECT id AS area_id FROM ref_area WHERE code = k.area) ka`
	}
	return `CROSS JOIN LATERAL (SELECT CASE WHEN k.area <> '' THEN (SELECT id FROM ref_area WHERE code = k.area) ELSE (
		SELECT m.ref_area_id FROM observation m JOIN ref_area ma ON ma.id = m.ref_area_id
		WHERE m.indicator_id = ki.id AND m.is_current AND ` + visibleObservation(ctx, "m") + `
		GROUP BY m.ref_area_id, ma.code ORDER BY count(*) DESC, ma.code LIMIT 1) END AS area_id) ka`
}

// The batch readers below join each key to its rows LATERALly, so every key
// is an index lookup on the current-cell indexes, whatever the planner
// guesses of how many rows an unnest yields. OFFSET 0 keeps the planner from
// pulling the lateral subquery up into one join over the whole table.

// headlineOrder is "most recent" for a headline value, over the rows of
// observation alias t: yearly figures first, then the period ending last,
// the shorter of two ending the same year (see dataset.LatestKey). The
// series index serves the last two.
func headlineOrder(t string) string {
	return "(" + t + ".period_start = " + t + ".period_end) DESC, " + t + ".period_end DESC, " + t + ".period_start DESC"
}

// Series returns, per key, the current observations of one cell over time,
// oldest period first, all of one period length: one statement for every
// series of a response.
func (s *Store) Series(ctx context.Context, keys []dataset.SeriesKey) (map[dataset.SeriesKey][]dataset.Observation, error) {
	n := len(keys)
	inds, areas, cks := make([]string, n), make([]string, n), make([]string, n)
	froms, tos, lens := make([]int64, n), make([]int64, n), make([]int64, n)
	for i, k := range keys {
		inds[i], areas[i], cks[i] = k.Indicator, k.RefArea, k.CoordinateKey
		froms[i], tos[i], lens[i] = int64(k.From), int64(k.To), int64(k.PeriodLength)
	}
	inKey := ` o.indicator_id = ki.id AND o.ref_area_id = ka.area_id AND o.coordinate_key = k.ck AND o.is_current
		AND ` + visibleObservation(ctx, "o") + ` AND (k.pfrom = 0 OR o.period_start >= k.pfrom) AND (k.pto = 0 OR o.period_end <= k.pto)`
	rows, err := selectKeyed(ctx, s.db, `
		SELECT k.ord, x.*
		FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[]) WITH ORDINALITY AS k(ind, area, ck, pfrom, pto, len, ord)
		JOIN indicator ki ON ki.code = k.ind
		`+areaOfKey(ctx, areas)+`
		CROSS JOIN LATERAL (SELECT CASE WHEN k.len <> 0 THEN k.len ELSE (
			SELECT o.period_end - o.period_start + 1 FROM observation o WHERE`+inKey+`
			ORDER BY `+headlineOrder("o")+` LIMIT 1) END AS len) kl
		CROSS JOIN LATERAL (
			SELECT `+observationColumns+`, '' AS sort_key FROM observation o
			WHERE`+inKey+` AND o.period_end - o.period_start + 1 = kl.len
			OFFSET 0
		) x
		ORDER BY k.ord, x.period_start, x.period_end`,
		pq.Array(inds), pq.Array(areas), pq.Array(cks), pq.Array(froms), pq.Array(tos), pq.Array(lens))
	if err != nil {
		return nil, fmt.Errorf("read series: %w", err)
	}
	return groupByKey(ctx, s, keys, rows)
}

// Latest returns, per key, the indicator's headline value: its total or a
// headline cell a loaded release declares, most recent by headlineOrder,
// the total on a tie. One statement for every indicator of a response.
func (s *Store) Latest(ctx context.Context, keys []dataset.LatestKey) (map[dataset.LatestKey]dataset.Headline, error) {
	n := len(keys)
	inds, areas, lens := make([]string, n), make([]string, n), make([]int64, n)
	for i, k := range keys {
		inds[i], areas[i], lens[i] = k.Indicator, k.RefArea, int64(k.PeriodLength)
	}
	// Each candidate cell (the total, each declared headline cell) is one
	// series: an index lookup of its few periods, not a scan of every
	// breakdown cell of the indicator in the area; only the row picked is
	// joined to its codes.
	rows, err := selectKeyed(ctx, s.db, `
		SELECT k.ord, x.*
		FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS k(ind, area, len, ord)
		JOIN indicator ki ON ki.code = k.ind
		`+areaOfKey(ctx, areas)+`
		CROSS JOIN LATERAL (
			SELECT best.id FROM (SELECT '' AS ck UNION SELECT h.coordinate_key FROM indicator_headline h WHERE h.indicator_id = ki.id) cell
			CROSS JOIN LATERAL (
				SELECT o.id, o.period_start, o.period_end, o.coordinate_key FROM observation o
				WHERE o.indicator_id = ki.id AND o.ref_area_id = ka.area_id AND o.coordinate_key = cell.ck AND o.is_current
				  AND `+visibleObservation(ctx, "o")+`
				  AND (k.len = 0 OR o.period_end - o.period_start + 1 = k.len)
				ORDER BY `+headlineOrder("o")+`
				LIMIT 1
			) best
			ORDER BY `+headlineOrder("best")+`, best.coordinate_key = '' DESC
			LIMIT 1
		) pick
		CROSS JOIN LATERAL (
			SELECT `+observationColumns+`, '' AS sort_key FROM observation o WHERE o.id = pick.id OFFSET 0
		) x`,
		pq.Array(inds), pq.Array(areas), pq.Array(lens))
	if err != nil {
		return nil, fmt.Errorf("read latest values: %w", err)
	}
	out := make(map[dataset.LatestKey]dataset.Headline, len(rows))
	byKey, err := groupByKey(ctx, s, keys, rows)
	if err != nil {
		return nil, err
	}
	for k, obs := range byKey {
		out[k] = dataset.HeadlineOf(obs[0])
	}
	return out, nil
}

// Slices returns, per key, the current observations of an indicator in one
// area and period that a breakdown by the key's dimension is computed from,
// in coordinate order: the totals and, for reported and for derived figures
// each, the cells of the coarsest breakdown that includes the dimension.
// dataset.SplitBy reads no other row (it picks one status, then that
// status's coarsest breakdown); TestSlicesHoldWhatSplitByReads holds the
// two together. At world size a country's year of the largest indicator holds
// some 1,200 cells; its split by sex reads 3 of them. A key without a period takes the latest period in which
// the indicator is broken down by the key's dimension.
func (s *Store) Slices(ctx context.Context, keys []dataset.SliceKey) (map[dataset.SliceKey][]dataset.Observation, error) {
	n := len(keys)
	inds, areas, dims := make([]string, n), make([]string, n), make([]string, n)
	starts, ends := make([]int64, n), make([]int64, n)
	for i, k := range keys {
		inds[i], areas[i], dims[i] = k.Indicator, k.RefArea, k.Dimension
		starts[i], ends[i] = int64(k.Period.Start), int64(k.Period.End)
	}
	rows, err := selectKeyed(ctx, s.db, `
		SELECT k.ord, x.*
		FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) WITH ORDINALITY AS k(ind, area, dim, ps, pe, ord)
		JOIN indicator ki ON ki.code = k.ind
		JOIN dimension kd ON kd.code = k.dim
		`+areaOfKey(ctx, areas)+`
		CROSS JOIN LATERAL (
			SELECT k.ps, k.pe WHERE k.ps <> 0
			UNION ALL
			(SELECT lo.period_start, lo.period_end FROM observation lo
			 JOIN observation_coordinate lc ON lc.observation_id = lo.id AND lc.dimension_id = kd.id
			 WHERE k.ps = 0 AND lo.indicator_id = ki.id AND lo.ref_area_id = ka.area_id AND lo.is_current
			   AND `+visibleObservation(ctx, "lo")+`
			 ORDER BY lo.period_end DESC, lo.period_start DESC LIMIT 1)
		) kp(ps, pe)
		CROSS JOIN LATERAL (
			-- The cell's rows are chosen first, from the index and the
			-- rows' status, and only those joined: a generic plan takes a
			-- cell for one row, and joined the 1,200 of a world cell
			-- before choosing.
			SELECT `+observationColumns+`, '' AS sort_key FROM (
				SELECT c.id FROM (
					SELECT so.id, n.has_dim, n.dims, min(n.dims) FILTER (WHERE n.has_dim) OVER (PARTITION BY so.status) AS coarsest
					FROM observation so
					CROSS JOIN LATERAL (SELECT strpos(';' || so.coordinate_key, ';' || kd.code || '=') > 0 AS has_dim,
					                           1 + length(so.coordinate_key) - length(replace(so.coordinate_key, ';', '')) AS dims) n
					WHERE so.indicator_id = ki.id AND so.ref_area_id = ka.area_id
					  AND so.period_start = kp.ps AND so.period_end = kp.pe AND so.is_current AND `+visibleObservation(ctx, "so")+`
					  AND (so.coordinate_key = '' OR n.has_dim)
				) c WHERE NOT c.has_dim OR c.dims = c.coarsest
			) chosen JOIN observation o ON o.id = chosen.id
			OFFSET 0
		) x
		ORDER BY k.ord, x.coordinate_key`,
		pq.Array(inds), pq.Array(areas), pq.Array(dims), pq.Array(starts), pq.Array(ends))
	if err != nil {
		return nil, fmt.Errorf("read breakdown slices: %w", err)
	}
	return groupByKey(ctx, s, keys, rows)
}

// keyedRow is an observation read for the key at position Ord (from 1) of
// an unnest WITH ORDINALITY.
type keyedRow struct {
	Ord int
	observationRow
}

// selectKeyed is selectRows for statements that read the key's ordinal,
// then observationColumns and a sort key.
func selectKeyed(ctx context.Context, q querier, query string, args ...any) ([]keyedRow, error) {
	return selectRows(ctx, q, query, args, func(r *keyedRow) []any { return append([]any{&r.Ord}, r.fields()...) })
}

// groupByKey collects the rows of each key, in the order they came, as
// the viewer of ctx reads them.
func groupByKey[K comparable](ctx context.Context, s *Store, keys []K, rows []keyedRow) (map[K][]dataset.Observation, error) {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return nil, err
	}
	plain := make([]observationRow, len(rows))
	for i, r := range rows {
		plain[i] = r.observationRow
	}
	if sup, err = s.fresh(ctx, sup, plain); err != nil {
		return nil, err
	}
	codes, err := s.codeIndex(ctx, plain)
	if err != nil {
		return nil, err
	}
	out := make(map[K][]dataset.Observation, len(keys))
	for _, r := range rows {
		k := keys[r.Ord-1]
		out[k] = append(out[k], r.domain(codes, sup.Rule()))
	}
	return out, nil
}

// FacetsOfIndicators returns, per indicator code, its agencies, periods and
// breakdown dimensions.
func (s *Store) FacetsOfIndicators(ctx context.Context, codes []string) (map[string]dataset.IndicatorFacets, error) {
	out := make(map[string]dataset.IndicatorFacets, len(codes))
	var rows []struct {
		Indicator  string
		Agencies   pq.StringArray
		Periods    pq.StringArray
		Dimensions pq.StringArray
	}
	// The groups of observation_tally (migration 0012: kept by the
	// statements that write observations, so a snapshot reads them as it
	// reads the rows) are the indicators' agencies, periods and sets of
	// dimensions: a few thousand rows at world size, where grouping the
	// observations themselves took 11 s on every export.
	err := s.db.SelectContext(ctx, &rows, `
		SELECT i.code AS indicator,
		       array_agg(DISTINCT ag.code ORDER BY ag.code) AS agencies,
		       array_agg(DISTINCT o.period_start || '-' || o.period_end) AS periods,
		       COALESCE(array_agg(DISTINCT d.dimension) FILTER (WHERE d.dimension IS NOT NULL), '{}') AS dimensions
		FROM observation_tally o JOIN indicator i ON i.id = o.indicator_id JOIN agency ag ON ag.id = o.agency_id
		LEFT JOIN LATERAL unnest(string_to_array(NULLIF(o.dimensions, ''), ';')) AS d(dimension) ON true
		WHERE i.code = ANY($1) AND `+visibleObservation(ctx, "o")+`
		GROUP BY i.id, i.code`, pq.Array(codes))
	if err != nil {
		return nil, fmt.Errorf("read indicator facets: %w", err)
	}
	for _, r := range rows {
		f := dataset.IndicatorFacets{Agencies: r.Agencies, Dimensions: r.Dimensions}
		for _, p := range r.Periods {
			start, end, _ := strings.Cut(p, "-")
			a, _ := strconv.Atoi(start)
			b, _ := strconv.Atoi(end)
			f.Periods = append(f.Periods, dataset.Period{Start: a, End: b})
		}
		slices.SortFunc(f.Periods, func(a, b dataset.Period) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		out[r.Indicator] = f
	}
	return out, nil
}

// IndicatorsOfAgencies returns, per agency code, the indicators it reports.
func (s *Store) IndicatorsOfAgencies(ctx context.Context, codes []string) (map[string][]string, error) {
	var rows []struct {
		Agency     string
		Indicators pq.StringArray
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT ag.code AS agency, array_agg(DISTINCT i.code ORDER BY i.code) AS indicators
		FROM observation o JOIN indicator i ON i.id = o.indicator_id JOIN agency ag ON ag.id = o.agency_id
		WHERE ag.code = ANY($1) AND `+visibleObservation(ctx, "o")+` GROUP BY ag.code`, pq.Array(codes)); err != nil {
		return nil, fmt.Errorf("read indicators of agencies: %w", err)
	}
	out := make(map[string][]string, len(rows))
	for _, r := range rows {
		out[r.Agency] = r.Indicators
	}
	return out, nil
}

// parentColumns are, per parent kind, the observation's column a batch of
// nested connections is partitioned by, the code table it names, and the
// joined code the pages are keyed by.
var parentColumns = map[dataset.Parent]struct{ column, table, code string }{
	dataset.ByIndicator: {"o.indicator_id", "indicator", "i.code"},
	dataset.ByAgency:    {"o.agency_id", "agency", "ag.code"},
}

// FirstPages returns, per parent code, the first page of the observations
// matching f with that parent (which replaces what f says of its kind): one
// statement for every parent in a response instead of one each.
func (s *Store) FirstPages(ctx context.Context, parent dataset.Parent, codes []string, f dataset.Filter, p dataset.PageRequest) (map[string]dataset.Page, error) {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return nil, err
	}
	first := p.First
	query, args, err := firstPagesQuery(ctx, parent, codes, f, p, sup)
	if err != nil {
		return nil, err
	}
	type parentRow struct {
		observationRow
		Rn     int
		Parent string
		Total  int
	}
	rows, err := selectRows(ctx, s.db, query, args, func(r *parentRow) []any {
		return append(r.fields(), &r.Rn, &r.Parent, &r.Total)
	})
	if err != nil {
		return nil, fmt.Errorf("list first pages of observations: %w", err)
	}
	plain := make([]observationRow, len(rows))
	for i, r := range rows {
		plain[i] = r.observationRow
	}
	if fresher, err := s.fresh(ctx, sup, plain); err != nil || fresher != sup {
		if err != nil {
			return nil, err
		}
		// Ordered and cursored by the older decision: read them again.
		return s.FirstPages(ctx, parent, codes, f, p)
	}
	index, err := s.codeIndex(ctx, plain)
	if err != nil {
		return nil, err
	}
	out := make(map[string]dataset.Page, len(codes))
	for _, r := range rows {
		page := out[r.Parent]
		page.TotalCount = r.Total
		if r.Rn > first {
			page.HasNextPage = true
		} else {
			page.Observations = append(page.Observations, r.domain(index, sup.Rule()))
			page.Cursors = append(page.Cursors, r.SortKey)
		}
		out[r.Parent] = page
	}
	return out, nil
}

// firstPagesQuery is FirstPages' statement. Each row carries its parent's
// code, its rank in the parent's page (rn, up to first+1, which tells that a
// next page exists) and, when p.Count, the parent's count (total); rows come
// in parent and rank order.
func firstPagesQuery(ctx context.Context, parent dataset.Parent, codes []string, f dataset.Filter, p dataset.PageRequest, sup *suppressed) (string, []any, error) {
	pc, ok := parentColumns[parent]
	if !ok {
		return "", nil, fmt.Errorf("unknown parent %q", parent)
	}
	// The parent replaces what f says of its own kind.
	switch parent {
	case dataset.ByIndicator:
		f.Indicators = nil
	case dataset.ByAgency:
		f.Agencies = nil
	}
	inKeyRanges := parent == dataset.ByIndicator && p.Order == dataset.OrderByKey && f.AsOf == nil
	source, where, args := where(ctx, f, nil)
	if inKeyRanges {
		// Areas by the row's codes: with the parent's, a range of the
		// key order's index, in its order (orderedWhere).
		source, where, args = byRowCodes(ctx, f)
	}
	exprs, desc, ok := orderFor(p.Order, f, sup, &args)
	if !ok {
		return "", nil, fmt.Errorf("unknown order %q", p.Order)
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	orderBy := strings.Join(exprs, dir+", ") + dir
	sortKey := "concat_ws(E'\\x1f', " + textExprs(exprs) + ") AS sort_key"
	args = append(args, pq.Array(codes))
	codesArg := "$" + strconv.Itoa(len(args))
	args = append(args, p.First+1)
	limit := "$" + strconv.Itoa(len(args))

	if inKeyRanges {
		// Each indicator's page is a range of the key order's index
		// (migration 0012) read up to the page's end, and its count a
		// sum over the tally where the filter allows: what a parent costs
		// is its page, not its rows (a window over every row of the
		// parents sorted 4.4 million for the largest world indicator).
		// The parents are materialized so each count runs once per
		// parent, not once per row.
		total := "0::bigint"
		if p.Count {
			total = `(SELECT count(*) FROM ` + source + where + ` AND o.indicator_code = wanted.code)`
			if tallied(f) {
				var from, tally string
				from, tally, args = tallyWhere(ctx, f, args)
				total = `(SELECT COALESCE(sum(o.n), 0) FROM ` + from + tally +
					` AND o.indicator_id = (SELECT id FROM indicator WHERE indicator.code = wanted.code))`
			}
		}
		return `WITH parent AS MATERIALIZED (
			SELECT wanted.code, ` + total + ` AS total FROM unnest(` + codesArg + `::text[]) AS wanted(code))
		SELECT x.*, parent.code AS parent, parent.total FROM parent CROSS JOIN LATERAL (
			SELECT ` + observationColumns + `, ` + sortKey + `, row_number() OVER (ORDER BY ` + orderBy + `) AS rn
			FROM ` + source + codeJoins(exprs...) + where + ` AND o.indicator_code = parent.code
			ORDER BY ` + orderBy + ` LIMIT ` + limit + `
		) x ORDER BY parent.code, x.rn`, args, nil
	}

	// Any other parent, order or revision: one window over the parents'
	// rows, which sorts them all.
	where += " AND " + pc.column + " = ANY(" + idsOf(pc.table, "code", codesArg) + ")"
	total := "0"
	if p.Count {
		total = "count(*) OVER (PARTITION BY " + pc.column + ")"
	}
	return `SELECT * FROM (
		SELECT ` + observationColumns + `, ` + sortKey + `,
		       row_number() OVER (PARTITION BY ` + pc.column + ` ORDER BY ` + orderBy + `) AS rn,
		       ` + pc.code + ` AS parent,
		       ` + total + ` AS total FROM ` + source + codeJoins(append(exprs, pc.code)...) + where + `
	) x WHERE rn <= ` + limit + ` ORDER BY parent, rn`, args, nil
}

// ObservationOfCellInRelease finds one observation by its release and cell:
// how a global observation id is resolved.
func (s *Store) ObservationOfCellInRelease(ctx context.Context, release string, c dataset.Cell) (dataset.Observation, bool, error) {
	sup, err := s.suppressionOf(ctx)
	if err != nil {
		return dataset.Observation{}, false, err
	}
	rows, err := selectObservations(ctx, s.db, `SELECT `+observationColumns+`, '' AS sort_key FROM observation o
		WHERE o.release_id = (SELECT id FROM release WHERE code = $1) AND o.indicator_code = $2 AND o.ref_area_code = $3 AND o.period_start = $4 AND o.period_end = $5 AND o.coordinate_key = $6
		  AND `+visibleObservation(ctx, "o"),
		release, c.Indicator, c.RefArea, c.Period.Start, c.Period.End, c.CoordinateKey)
	if err != nil {
		return dataset.Observation{}, false, fmt.Errorf("read observation by key: %w", err)
	}
	if len(rows) == 0 {
		return dataset.Observation{}, false, nil
	}
	if sup, err = s.fresh(ctx, sup, rows); err != nil {
		return dataset.Observation{}, false, err
	}
	codes, err := s.codeIndex(ctx, rows)
	if err != nil {
		return dataset.Observation{}, false, err
	}
	return rows[0].domain(codes, sup.Rule()), true, nil
}
