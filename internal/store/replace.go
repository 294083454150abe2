package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"indicators/internal/dataset"
)

// observationTableColumns are observation's columns but is_current, which
// refresh_current_cells decides: what a load writes and history keeps.
const observationTableColumns = "id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id, " +
	"qualifier, status, derived_from_id, change, agency_id, source_section, source_quote, " +
	"note, coordinate_key, source_line, revision_id, restricted"

// copiedColumns are the columns a load copies into observation or its
// staging table: the table's and the codes the key order reads from the row
// (migration 0012); the history keeps none of these.
const copiedColumns = observationTableColumns + ", indicator_code, ref_area_code"

// sameContent holds when an old row o and an incoming row n of one cell of
// the release state the same thing. The data-file line is not content: an
// edit above a figure moves it without changing it. A derived row is the
// same only if it derives from the same kept row.
const sameContent = `o.status = n.status AND o.value::text = n.value::text AND o.unit_id = n.unit_id
	AND o.qualifier = n.qualifier AND o.change::text IS NOT DISTINCT FROM n.change::text
	AND o.agency_id = n.agency_id AND o.source_section = n.source_section
	AND o.source_quote = n.source_quote AND o.note = n.note AND o.restricted = n.restricted
	AND (o.derived_from_id IS NULL AND n.derived_from_id IS NULL
	     OR EXISTS (SELECT 1 FROM kept_observation k WHERE k.old_id = o.derived_from_id AND k.new_id = n.derived_from_id))
	AND ARRAY(SELECT ROW(s.source_section, s.source_quote)::text FROM observation_also_stated s
	          WHERE s.observation_id = o.id ORDER BY s.ordinal)
	  = ARRAY(SELECT ROW(s.source_section, s.source_quote)::text FROM incoming_also_stated s
	          WHERE s.observation_id = n.id ORDER BY s.ordinal)`

// goneRow holds for a row of release $1 that the corrected file does not
// state unchanged: it moves to history.
const goneRow = `o.release_id = $1 AND NOT EXISTS (SELECT 1 FROM kept_observation k WHERE k.old_id = o.id)`

// replaceObservations replaces a release's rows by those of its corrected
// file as a diff: rows the file states unchanged stay, with their id and
// revision; the others move to observation_history, replaced in revision,
// and the file's new or changed rows come in with revision. So a change feed
// sees what the correction changed, and an earlier revision can still be
// read as it was. Without keep every row is replaced: the release's
// precedence changed, so no row is current where it was.
func replaceObservations(ctx context.Context, tx *sqlx.Tx, releaseID, revision int64, obs []dataset.Observation, keep bool) error {
	if err := prepareStaging(ctx, tx); err != nil {
		return err
	}
	if err := insertObservations(ctx, tx, stagingTables, releaseID, revision, obs); err != nil {
		return err
	}
	return replaceStaged(ctx, tx, releaseID, revision, keep, 0)
}

// prepareStaging makes the staging tables empty: a load stages a release's
// rows there to compare them with the live ones, or to check them as a set.
func prepareStaging(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, `
		CREATE TEMP TABLE IF NOT EXISTS incoming_observation (LIKE observation INCLUDING DEFAULTS) ON COMMIT DROP;
		CREATE TEMP TABLE IF NOT EXISTS incoming_coordinate (LIKE observation_coordinate) ON COMMIT DROP;
		CREATE TEMP TABLE IF NOT EXISTS incoming_also_stated (LIKE observation_also_stated) ON COMMIT DROP;
		CREATE TEMP TABLE IF NOT EXISTS kept_observation (old_id bigint PRIMARY KEY, new_id bigint UNIQUE) ON COMMIT DROP;
		TRUNCATE incoming_observation, incoming_coordinate, incoming_also_stated, kept_observation`); err != nil {
		return fmt.Errorf("prepare the staging tables: %w", err)
	}
	return nil
}

// replaceStaged replaces the release's live rows by the staged ones as a
// diff (replaceObservations). The staged rows' ids (and the ids their
// derived rows and coordinates point at) are offset by idOffset on the way
// in: 0 when they are the rows' ids already, the base of the reserved range
// when a streamed file staged them by their position (stream.go).
func replaceStaged(ctx context.Context, tx *sqlx.Tx, releaseID, revision int64, keep bool, idOffset int64) error {
	cols := observationTableColumns
	type step struct {
		what  string
		query string
		args  []any
	}
	steps := []step{
		{"plan the comparison", `ANALYZE incoming_observation`, nil},
		// Reported rows first: a derived row is kept only with its source.
		{"keep unchanged reported rows", keepRows, []any{releaseID, "reported"}},
		{"keep unchanged derived rows", keepRows, []any{releaseID, "derived"}},
		{"keep replaced rows", `INSERT INTO observation_history (` + cols + `, replaced_in)
			SELECT ` + cols + `, $2 FROM observation o WHERE ` + goneRow, []any{releaseID, revision}},
		{"keep replaced coordinates", `INSERT INTO observation_history_coordinate
			SELECT c.observation_id, c.dimension_id, c.member_id
			FROM observation_coordinate c JOIN observation o ON o.id = c.observation_id WHERE ` + goneRow, []any{releaseID}},
		{"keep replaced sources", `INSERT INTO observation_history_also_stated
			SELECT s.observation_id, s.ordinal, s.source_section, s.source_quote
			FROM observation_also_stated s JOIN observation o ON o.id = s.observation_id WHERE ` + goneRow, []any{releaseID}},
		// Derived rows of a replaced row are replaced too (keepRows), so
		// the cascade removes none that stays.
		{"remove replaced rows", `DELETE FROM observation o WHERE ` + goneRow, []any{releaseID}},
		{"write new rows", `INSERT INTO observation (` + copiedColumns + `)
			SELECT n.id + $1, n.release_id, n.indicator_id, n.ref_area_id, n.period_start, n.period_end, n.value, n.unit_id,
			       n.qualifier, n.status, COALESCE(k.old_id, n.derived_from_id + $1), n.change, n.agency_id,
			       n.source_section, n.source_quote, n.note, n.coordinate_key, n.source_line, n.revision_id, n.restricted,
			       n.indicator_code, n.ref_area_code
			FROM incoming_observation n LEFT JOIN kept_observation k ON k.new_id = n.derived_from_id
			WHERE NOT EXISTS (SELECT 1 FROM kept_observation kn WHERE kn.new_id = n.id)`, []any{idOffset}},
		{"write new coordinates", `INSERT INTO observation_coordinate
			SELECT c.observation_id + $1, c.dimension_id, c.member_id FROM incoming_coordinate c
			WHERE NOT EXISTS (SELECT 1 FROM kept_observation k WHERE k.new_id = c.observation_id)`, []any{idOffset}},
		{"write new sources", `INSERT INTO observation_also_stated
			SELECT s.observation_id + $1, s.ordinal, s.source_section, s.source_quote FROM incoming_also_stated s
			WHERE NOT EXISTS (SELECT 1 FROM kept_observation k WHERE k.new_id = s.observation_id)`, []any{idOffset}},
		{"move kept rows' lines", `UPDATE observation o SET source_line = n.source_line
			FROM kept_observation k JOIN incoming_observation n ON n.id = k.new_id
			WHERE o.id = k.old_id AND o.source_line IS DISTINCT FROM n.source_line`, nil},
	}
	if !keep {
		steps = slices.DeleteFunc(steps, func(st step) bool { return st.query == keepRows })
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("replace observations: %s: %w", st.what, err)
		}
	}
	return nil
}

// keepRows pairs each row of release $1 and status $2 with the incoming
// row of its cell when both state the same.
const keepRows = `INSERT INTO kept_observation (old_id, new_id)
	SELECT o.id, n.id
	FROM incoming_observation n
	JOIN observation o ON o.release_id = $1 AND o.indicator_id = n.indicator_id AND o.ref_area_id = n.ref_area_id
	 AND o.period_start = n.period_start AND o.period_end = n.period_end AND o.coordinate_key = n.coordinate_key
	WHERE n.status = $2 AND ` + sameContent
