package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// A data file's relations (migration 0011) are kept with their release:
// staged in the load's transaction before its observations (stageRelations),
// checked against a streamed file's staged rows with them (checkStaged), and
// written as a diff once the rows are in place (replaceRelations), so a
// failed or dry-run load leaves none behind and a corrected file replaces
// them with its observations. Suppression reads them back (Relations).

// stageRelations writes the release's relations into the staging tables,
// each cell by the surrogate keys an observation's cell has.
func stageRelations(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset) error {
	if _, err := tx.ExecContext(ctx, `
		CREATE TEMP TABLE IF NOT EXISTS incoming_relation (
			ordinal integer PRIMARY KEY, name text NOT NULL, kind text NOT NULL, source_line integer,
			-- the row it becomes: a kept relation's, or a new id
			id bigint, kept boolean NOT NULL DEFAULT false
		) ON COMMIT DROP;
		CREATE TEMP TABLE IF NOT EXISTS incoming_relation_cell (
			relation_ordinal integer NOT NULL, ordinal smallint NOT NULL,
			indicator_id integer NOT NULL, ref_area_id integer NOT NULL,
			period_start smallint NOT NULL, period_end smallint NOT NULL, coordinate_key text NOT NULL,
			-- where the data file names it, and its key, for a problem
			source_line integer, cell_key text NOT NULL,
			PRIMARY KEY (relation_ordinal, ordinal)
		) ON COMMIT DROP;
		TRUNCATE incoming_relation, incoming_relation_cell`); err != nil {
		return fmt.Errorf("prepare the relations' staging tables: %w", err)
	}
	if len(ds.Relations) == 0 {
		return nil
	}
	var names, kinds []string
	var lines []int64
	var rel, ord, starts, ends, cellLines []int64
	var indicators, areas, coords, keys []string
	for i, r := range ds.Relations {
		names, kinds, lines = append(names, r.Name), append(kinds, string(r.Kind)), append(lines, int64(r.Line))
		for j, c := range r.Cells {
			rel, ord = append(rel, int64(i)), append(ord, int64(j))
			indicators, areas, coords = append(indicators, c.Indicator), append(areas, c.RefArea), append(coords, c.CoordinateKey)
			starts, ends = append(starts, int64(c.Period.Start)), append(ends, int64(c.Period.End))
			line := 0
			if j < len(r.CellLines) {
				line = r.CellLines[j]
			}
			cellLines, keys = append(cellLines, int64(line)), append(keys, c.Key())
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO incoming_relation (ordinal, name, kind, source_line)
		SELECT o - 1, n, k, NULLIF(l, 0) FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS x(n, k, l, o)`,
		pq.Array(names), pq.Array(kinds), pq.Array(lines)); err != nil {
		return fmt.Errorf("stage relations: %w", err)
	}
	// A code the parser checked is in the code lists just written; were one
	// not, its NULL id would be refused, never dropped.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO incoming_relation_cell (relation_ordinal, ordinal, indicator_id, ref_area_id, period_start, period_end,
		                                    coordinate_key, source_line, cell_key)
		SELECT x.r, x.o, i.id, a.id, x.ps, x.pe, x.ck, NULLIF(x.l, 0), x.key
		FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::int[], $9::text[])
		     AS x(r, o, ind, area, ps, pe, ck, l, key)
		LEFT JOIN indicator i ON i.code = x.ind
		LEFT JOIN ref_area a ON a.code = x.area`,
		pq.Array(rel), pq.Array(ord), pq.Array(indicators), pq.Array(areas), pq.Array(starts), pq.Array(ends),
		pq.Array(coords), pq.Array(cellLines), pq.Array(keys)); err != nil {
		return fmt.Errorf("stage the relations' cells: %w", err)
	}
	return nil
}

// missingRelationCells are the staged relations' references to a cell no
// staged observation fills: a streamed file's relations are checked here,
// as the parser checks a YAML file's. The staged observations are joined
// once with the few relation cells, not probed per cell.
func missingRelationCells(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset) ([]dataset.Problem, error) {
	if len(ds.Relations) == 0 {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE incoming_relation_cell`); err != nil {
		return nil, fmt.Errorf("check the relations' cells: plan: %w", err)
	}
	var missing []struct {
		Line int
		Key  string
	}
	if err := tx.SelectContext(ctx, &missing, `
		WITH filled AS (
			SELECT DISTINCT c.relation_ordinal, c.ordinal
			FROM incoming_relation_cell c
			JOIN incoming_observation n ON n.indicator_id = c.indicator_id AND n.ref_area_id = c.ref_area_id
			 AND n.period_start = c.period_start AND n.period_end = c.period_end AND n.coordinate_key = c.coordinate_key)
		SELECT COALESCE(c.source_line, 0) AS line, c.cell_key AS key
		FROM incoming_relation_cell c
		LEFT JOIN filled f ON f.relation_ordinal = c.relation_ordinal AND f.ordinal = c.ordinal
		WHERE f.relation_ordinal IS NULL
		ORDER BY c.source_line, c.relation_ordinal, c.ordinal
		LIMIT $1`, dataset.MaxStreamProblems); err != nil {
		return nil, fmt.Errorf("check the relations' cells: %w", err)
	}
	problems := make([]dataset.Problem, len(missing))
	for i, m := range missing {
		problems[i] = dataset.Problem{File: ds.File, Line: m.Line, Reason: dataset.MissingRelationCell(m.Key)}
	}
	return problems, nil
}

// relationContent is a relation's content, for the diff: kind, name and
// its cells in order. Its line is not content (an edit above it moves it).
// c is the relation's cells, grouped by the relation.
const relationContent = `kind || E'\x1f' || name || E'\x1f' || string_agg(concat_ws(' ', c.indicator_id, c.ref_area_id,
	c.period_start, c.period_end, c.coordinate_key), E'\x1e' ORDER BY c.ordinal)`

// replaceRelations replaces the release's live relations by the staged
// ones as a diff, as replaceStaged does its rows: a relation the file
// states unchanged keeps its row and revision (its line moves with the
// file), one it no longer states is withdrawn in revision, and the new ones
// come in with revision. A release new to the database has none to compare.
func replaceRelations(ctx context.Context, tx *sqlx.Tx, releaseID, revision int64) error {
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		// Pairs of equal content, the n-th of the old with the n-th of the
		// new, so a relation stated twice is kept twice.
		{"keep unchanged relations", `
			WITH old AS (
				SELECT r.id, ` + relationContent + ` AS content
				FROM relation r JOIN relation_cell c ON c.relation_id = r.id
				WHERE r.release_id = $1 AND r.replaced_in IS NULL GROUP BY r.id),
			new AS (
				SELECT n.ordinal, ` + relationContent + ` AS content
				FROM incoming_relation n JOIN incoming_relation_cell c ON c.relation_ordinal = n.ordinal GROUP BY n.ordinal),
			o AS (SELECT id, content, row_number() OVER (PARTITION BY content ORDER BY id) AS nth FROM old),
			n AS (SELECT ordinal, content, row_number() OVER (PARTITION BY content ORDER BY ordinal) AS nth FROM new)
			UPDATE incoming_relation ir SET id = o.id, kept = true
			FROM o JOIN n ON n.content = o.content AND n.nth = o.nth
			WHERE ir.ordinal = n.ordinal`, []any{releaseID}},
		{"withdraw the others", `
			UPDATE relation r SET replaced_in = $2
			WHERE r.release_id = $1 AND r.replaced_in IS NULL
			  AND NOT EXISTS (SELECT 1 FROM incoming_relation n WHERE n.kept AND n.id = r.id)`, []any{releaseID, revision}},
		{"move kept relations' lines", `
			UPDATE relation r SET source_line = n.source_line
			FROM incoming_relation n WHERE n.kept AND r.id = n.id AND r.source_line IS DISTINCT FROM n.source_line`, nil},
		{"number new relations", `
			UPDATE incoming_relation SET id = nextval(pg_get_serial_sequence('relation', 'id')) WHERE NOT kept`, nil},
		{"write new relations", `
			INSERT INTO relation (id, release_id, name, kind, source_line, revision_id)
			SELECT id, $1, name, kind, source_line, $2 FROM incoming_relation WHERE NOT kept ORDER BY ordinal`,
			[]any{releaseID, revision}},
		{"write new relations' cells", `
			INSERT INTO relation_cell (relation_id, ordinal, indicator_id, ref_area_id, period_start, period_end, coordinate_key)
			SELECT n.id, c.ordinal, c.indicator_id, c.ref_area_id, c.period_start, c.period_end, c.coordinate_key
			FROM incoming_relation_cell c JOIN incoming_relation n ON n.ordinal = c.relation_ordinal
			WHERE NOT n.kept`, nil},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("replace relations: %s: %w", st.what, err)
		}
	}
	return nil
}

// Relations returns the relations of every loaded release, in release and
// file order, with the cells they name; those a corrected file withdrew
// too, since what a client may read of earlier revisions (asOf) satisfied
// them. What the suppression decision forms its equations from with the
// observations (decideSuppression); CellLines are not kept.
func (s *Store) Relations(ctx context.Context) ([]dataset.Relation, error) {
	var rows []struct {
		ID            int64
		Release       string
		Name          string
		Kind          string
		Line          int
		Indicator     string
		RefArea       string `db:"ref_area"`
		PeriodStart   int    `db:"period_start"`
		PeriodEnd     int    `db:"period_end"`
		CoordinateKey string `db:"coordinate_key"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT r.id, rl.code AS release, r.name, r.kind, COALESCE(r.source_line, 0) AS line,
		       i.code AS indicator, a.code AS ref_area, c.period_start, c.period_end, c.coordinate_key
		FROM relation r
		JOIN release rl ON rl.id = r.release_id
		JOIN relation_cell c ON c.relation_id = r.id
		JOIN indicator i ON i.id = c.indicator_id
		JOIN ref_area a ON a.id = c.ref_area_id
		ORDER BY rl.code, r.replaced_in IS NULL, r.source_line, r.id, c.ordinal`); err != nil {
		return nil, fmt.Errorf("read relations: %w", err)
	}
	var out []dataset.Relation
	for i, row := range rows {
		if i == 0 || row.ID != rows[i-1].ID {
			out = append(out, dataset.Relation{Name: row.Name, Kind: dataset.RelationKind(row.Kind), Line: row.Line, Release: row.Release})
		}
		r := &out[len(out)-1]
		c := dataset.Cell{Indicator: row.Indicator, RefArea: row.RefArea,
			Period: dataset.Period{Start: row.PeriodStart, End: row.PeriodEnd}, CoordinateKey: row.CoordinateKey}
		if r.Cells = append(r.Cells, c); len(r.Cells) == 1 {
			r.Whole = c.Key()
		} else {
			r.Parts = append(r.Parts, c.Key())
		}
	}
	return out, nil
}
