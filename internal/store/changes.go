package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// inCell is the condition that a row of alias is in the cell c.
func inCell(alias string) string {
	var conds []string
	for _, col := range strings.Split(cellColumns, ", ") {
		conds = append(conds, alias+"."+col+" = c."+col)
	}
	return strings.Join(conds, " AND ")
}

// cellColumns name a cell (indicator, area, period, coordinates) in
// observation, observation_history and observation_live alike.
const cellColumns = "indicator_id, ref_area_id, period_start, period_end, coordinate_key"

// changesQuery compares, for every cell a revision after $1 touched
// (observation_touched_after), the observation current at $1
// (observation_current_in_cell, the precedence rule refresh_current_cells
// keeps for the live rows) with the one current now. Each cell is looked
// up through its indexes (LATERAL), so the one generic plan reads what
// changed, not the dataset. An observation the viewer of ctx may not read
// counts as none: a cell whose observations are all hidden is no change.
func changesQuery(ctx context.Context) string {
	return `
WITH diff AS (
	SELECT c.*, b.id AS before_id, a.id AS after_id,
	       CASE WHEN b.id IS NULL THEN 'added'
	            WHEN a.id IS NULL THEN 'removed'
	            WHEN b.value::text <> a.value::text OR b.qualifier <> a.qualifier OR b.unit_id <> a.unit_id THEN 'changed'
	            ELSE 'restated' END AS kind
	FROM (SELECT ` + cellColumns + `, max(revision) AS revision FROM observation_touched_after($1)
	      GROUP BY ` + cellColumns + `) c
	LEFT JOIN LATERAL (
		SELECT w.id, w.value, w.qualifier, w.unit_id FROM observation_current_in_cell($1, ` + cellColumns + `) w
		WHERE ` + visibleObservation(ctx, "w") + `
	) b ON true
	LEFT JOIN LATERAL (
		SELECT o.id, o.value, o.qualifier, o.unit_id FROM observation o
		WHERE o.is_current AND ` + visibleObservation(ctx, "o") + ` AND ` + inCell("o") + `
	) a ON true
	WHERE b.id IS DISTINCT FROM a.id
)
SELECT i.code AS indicator, ar.code AS ref_area, d.period_start, d.period_end, d.coordinate_key,
       COALESCE(d.before_id, 0) AS before_id, COALESCE(d.after_id, 0) AS after_id, d.kind, d.revision,
       concat_ws(E'\x1f', i.code, ar.code, d.period_start::text, d.period_end::text, d.coordinate_key) AS sort_key
FROM diff d
JOIN indicator i ON i.id = d.indicator_id
JOIN ref_area ar ON ar.id = d.ref_area_id
WHERE d.kind = ANY($2)`
}

// Changes lists, in key order, the cells whose current observation differs
// between r.Since and now, with both observations.
func (s *Store) Changes(ctx context.Context, r dataset.ChangeRequest) (dataset.ChangePage, error) {
	var page dataset.ChangePage
	since, err := s.revisionOf(ctx, r.Since)
	if err != nil {
		return page, err
	}
	kinds := pq.Array(stringsOf(r.Kinds))
	if r.Count {
		if err := s.db.GetContext(ctx, &page.TotalCount, `SELECT count(*) FROM (`+changesQuery(ctx)+`) x`, since, kinds); err != nil {
			return page, fmt.Errorf("count changes: %w", err)
		}
	}
	query, args := changesQuery(ctx), []any{since, kinds}
	if r.After != "" {
		v := strings.Split(r.After, "\x1f")
		if len(v) != 5 {
			return page, dataset.Errorf(dataset.ErrBadInput, "after: the cursor is not one of changes")
		}
		query += ` AND (i.code, ar.code, d.period_start, d.period_end, d.coordinate_key) > ($3, $4, $5::smallint, $6::smallint, $7)`
		args = append(args, v[0], v[1], v[2], v[3], v[4])
	}
	args = append(args, r.First+1)
	query += ` ORDER BY i.code, ar.code, d.period_start, d.period_end, d.coordinate_key LIMIT $` + strconv.Itoa(len(args))
	var rows []struct {
		Indicator     string
		RefArea       string `db:"ref_area"`
		PeriodStart   int    `db:"period_start"`
		PeriodEnd     int    `db:"period_end"`
		CoordinateKey string `db:"coordinate_key"`
		BeforeID      int64  `db:"before_id"`
		AfterID       int64  `db:"after_id"`
		Kind          string
		Revision      int64
		SortKey       string `db:"sort_key"`
	}
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return page, fmt.Errorf("list changes: %w", err)
	}
	rows, page.HasNextPage = trimPage(rows, r.First)
	var ids []int64
	for _, row := range rows {
		for _, id := range []int64{row.BeforeID, row.AfterID} {
			if id != 0 {
				ids = append(ids, id)
			}
		}
	}
	obs, err := s.ObservationsByID(ctx, ids)
	if err != nil {
		return page, fmt.Errorf("read changed observations: %w", err)
	}
	observation := func(id int64) *dataset.Observation {
		if o, ok := obs[id]; ok {
			return &o
		}
		return nil
	}
	for _, row := range rows {
		page.Changes = append(page.Changes, dataset.Change{
			Kind:        dataset.ChangeKind(row.Kind),
			Indicator:   row.Indicator,
			RefArea:     row.RefArea,
			Period:      dataset.Period{Start: row.PeriodStart, End: row.PeriodEnd},
			Coordinates: ParseCoordinateKey(row.CoordinateKey),
			Before:      observation(row.BeforeID),
			After:       observation(row.AfterID),
			Revision:    row.Revision,
		})
		page.Cursors = append(page.Cursors, row.SortKey)
	}
	return page, nil
}

// revisionOf resolves a vintage to its revision number before a query
// that passes it to observation_live, which the planner inlines only for
// an argument without a subquery.
func (s *Store) revisionOf(ctx context.Context, v dataset.Vintage) (int64, error) {
	if v.Revision != nil {
		return int64(*v.Revision), nil
	}
	var rev int64
	if err := s.db.GetContext(ctx, &rev, `SELECT `+revisionAt(v, func(any) string { return "$1" }), *v.Time); err != nil {
		return 0, fmt.Errorf("resolve the revision at %s: %w", v.Time, err)
	}
	return rev, nil
}
