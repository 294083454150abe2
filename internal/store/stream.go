package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"indicators/internal/dataset"
)

// streamObservations loads a release whose observations are in an
// observations file: the file streams through the parser's row checks into
// the staging tables with one COPY (a row in memory at a time), the checks
// over the whole set run in SQL on the staging tables, and the rows move into
// place in a few set-based statements: as new rows for a new release, as a
// diff (replaceStaged) for a replaced one. It returns the release's
// observation count.
//
// While streaming, the next observation id is unknown to the database (a
// COPY holds the connection), so staged rows carry their position in the
// stream as id, derived rows point at their source's position, and an id
// range reserved once the count is known offsets them on the way in.
func streamObservations(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset, releaseID, revision int64,
	action LoadAction, keep bool, progress func(release string, read, size int64)) (int, error) {
	if err := prepareStaging(ctx, tx); err != nil {
		return 0, err
	}
	ids, err := loadCodeIDs(ctx, tx)
	if err != nil {
		return 0, err
	}
	var report dataset.StreamProgress
	if progress != nil {
		report = func(read, size int64) { progress(ds.Release.Code, read, size) }
	}
	n := 0
	err = copyRows(ctx, tx, stagingTables.observations, strings.Split(copiedColumns, ", "), func(emit func(...any) error) error {
		return ds.StreamObservations(report, func(o dataset.Observation) error {
			var derivedFrom, change any
			if o.DerivedFrom >= 0 {
				derivedFrom = o.DerivedFrom
			}
			if o.Change != nil {
				change = dataset.FormatValue(*o.Change)
			}
			n++
			return emit(n-1, releaseID, ids.indicators[o.Indicator], ids.areas[o.RefArea],
				o.Period.Start, o.Period.End, dataset.FormatValue(o.Value), ids.units[o.Unit],
				string(o.Qualifier), string(o.Status), derivedFrom, change, ids.agencies[o.Agency],
				o.Source.Section, o.Source.Quote, o.Note, dataset.CoordinateKey(o.Coordinates), o.Line, revision, o.Restricted,
				o.Indicator, o.RefArea)
		})
	})
	if err != nil {
		var verr *dataset.ValidationError
		if errors.As(err, &verr) {
			return 0, verr
		}
		return 0, err
	}
	if err := checkStaged(ctx, tx, ds); err != nil {
		return 0, err
	}
	offset, err := reserveObservationIDs(ctx, tx, n)
	if err != nil {
		return 0, err
	}
	if action == Loaded {
		err = insertStaged(ctx, tx, releaseID, offset, n)
	} else {
		err = replaceStaged(ctx, tx, releaseID, revision, keep, offset)
	}
	return n, err
}

// checkStaged runs the checks of a data file that need every observation
// over the staged rows: coordinates are expanded from their keys (the
// parser checked each member), no two observations of the release may
// fill one cell, and every cell a relation names must be one of them.
// Problems are reported at the files' lines (the observations file's, the
// data file's for a relation), worded as the parser words them.
func checkStaged(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset) error {
	file := ds.ObservationsFile
	steps := []struct{ what, query string }{
		{"plan the checks", `ANALYZE incoming_observation`},
		{"expand coordinates", `INSERT INTO incoming_coordinate (observation_id, dimension_id, member_id)
			SELECT n.id, d.id, m.id
			FROM incoming_observation n
			CROSS JOIN LATERAL string_to_table(n.coordinate_key, ';') AS c(pair)
			JOIN dimension d ON d.code = split_part(c.pair, '=', 1)
			JOIN dimension_member m ON m.dimension_id = d.id AND m.code = split_part(c.pair, '=', 2)
			WHERE n.coordinate_key <> ''`},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query); err != nil {
			return fmt.Errorf("check the staged observations: %s: %w", st.what, err)
		}
	}
	var dups []struct {
		Line   int
		Status string
		Key    string
		First  int
	}
	// A derived row shares the line of the row stating its change; of two
	// rows of one line, the reported one comes first.
	err := tx.SelectContext(ctx, &dups, `
		SELECT d.source_line AS line, d.status, i.code || ' ' || a.code || ' ' ||
		       CASE WHEN d.period_start = d.period_end THEN d.period_start::text
		            ELSE d.period_start || '-' || d.period_end END || ' ' || d.coordinate_key AS key,
		       d.first
		FROM (SELECT n.*, row_number() OVER cell AS nth, first_value(n.source_line) OVER cell AS first
		      FROM incoming_observation n
		      WINDOW cell AS (PARTITION BY indicator_id, ref_area_id, period_start, period_end, coordinate_key
		                      ORDER BY source_line, status = 'derived')) d
		JOIN indicator i ON i.id = d.indicator_id
		JOIN ref_area a ON a.id = d.ref_area_id
		WHERE d.nth > 1
		ORDER BY d.source_line, d.status
		LIMIT $1`, dataset.MaxStreamProblems)
	if err != nil {
		return fmt.Errorf("check the staged observations: duplicate keys: %w", err)
	}
	verr := &dataset.ValidationError{}
	for _, d := range dups {
		verr.Problems = append(verr.Problems, dataset.Problem{File: file, Line: d.Line,
			Reason: dataset.DuplicateKey(d.Key, dataset.Status(d.Status), d.First)})
	}
	missing, err := missingRelationCells(ctx, tx, ds)
	if err != nil {
		return err
	}
	if verr.Problems = append(verr.Problems, missing...); len(verr.Problems) == 0 {
		return nil
	}
	return verr
}

// reserveObservationIDs takes n consecutive observation ids and returns the
// offset from a staged position to its id. Consecutive because only loads
// take observation ids, and they hold loadLockKey.
func reserveObservationIDs(ctx context.Context, tx *sqlx.Tx, n int) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	var last int64
	if err := tx.GetContext(ctx, &last, `
		SELECT setval(pg_get_serial_sequence('observation', 'id'), nextval(pg_get_serial_sequence('observation', 'id')) + $1 - 1)`,
		n); err != nil {
		return 0, fmt.Errorf("reserve observation ids: %w", err)
	}
	return last - int64(n) + 1, nil
}

// insertStaged writes a new release's staged rows. A row alone in its cell
// comes in current, as refresh_current_cells would decide (it has nothing
// to be compared with), so only the cells other releases also fill are left
// to the refresh, instead of every row being compared and rewritten once
// more.
//
// A release at least as large as every loaded one together (the first
// world-sized load) comes in with the tables' secondary indexes and foreign
// keys set aside and built again after, set-based (suspendChecks): a sort
// per index and a join per key instead of a probe per row, while the work
// stays proportional to the release.
func insertStaged(ctx context.Context, tx *sqlx.Tx, releaseID, offset int64, n int) error {
	var smaller int
	if err := tx.GetContext(ctx, &smaller, `SELECT count(*) FROM (SELECT FROM observation LIMIT $1) t`, n); err != nil {
		return fmt.Errorf("count the loaded observations: %w", err)
	}
	var suspended *suspendedChecks
	if smaller < n {
		var err error
		if suspended, err = suspendChecks(ctx, tx); err != nil {
			return err
		}
	}
	steps := []struct{ what, query string }{
		{"write observations", `INSERT INTO observation (` + copiedColumns + `, is_current)
			SELECT n.id + $1, n.release_id, n.indicator_id, n.ref_area_id, n.period_start, n.period_end, n.value, n.unit_id,
			       n.qualifier, n.status, n.derived_from_id + $1, n.change, n.agency_id,
			       n.source_section, n.source_quote, n.note, n.coordinate_key, n.source_line, n.revision_id, n.restricted,
			       n.indicator_code, n.ref_area_code,
			       NOT EXISTS (SELECT 1 FROM observation c
			                   WHERE c.is_current AND c.indicator_id = n.indicator_id AND c.ref_area_id = n.ref_area_id
			                     AND c.period_start = n.period_start AND c.period_end = n.period_end
			                     AND c.coordinate_key = n.coordinate_key)
			FROM incoming_observation n`},
		{"write coordinates", `INSERT INTO observation_coordinate (observation_id, dimension_id, member_id)
			SELECT c.observation_id + $1, c.dimension_id, c.member_id FROM incoming_coordinate c`},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, offset); err != nil {
			return fmt.Errorf("move staged observations into place: %s: %w", st.what, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO affected_cell
		SELECT indicator_id, ref_area_id, period_start, period_end, coordinate_key
		FROM observation WHERE release_id = $1 AND NOT is_current`, releaseID); err != nil {
		return fmt.Errorf("note the cells other releases fill: %w", err)
	}
	if suspended != nil {
		return suspended.restore(ctx, tx)
	}
	return nil
}

// bulkTables are the tables a new release's rows go into.
const bulkTables = `('observation'::regclass, 'observation_coordinate'::regclass)`

// suspendedChecks are the definitions of the indexes and foreign keys
// suspendChecks dropped, to be made again.
type suspendedChecks struct {
	indexes     []string // CREATE INDEX statements
	constraints []struct{ Table, Name, Definition string }
}

// suspendChecks drops the foreign keys of the bulk tables and their indexes
// that no primary key or unique constraint stands on (those stay: the
// unique keys lead with the release, so new rows append to them). The
// definitions are read from the catalog, so a later migration's index is
// rebuilt as it was. Dropping them locks the tables until the load commits:
// reads wait for a bulk load.
func suspendChecks(ctx context.Context, tx *sqlx.Tx) (*suspendedChecks, error) {
	s := &suspendedChecks{}
	if err := tx.SelectContext(ctx, &s.constraints, `
		SELECT conrelid::regclass::text AS table, quote_ident(conname) AS name, pg_get_constraintdef(oid) AS definition
		FROM pg_constraint WHERE contype = 'f' AND conrelid IN `+bulkTables+` ORDER BY conrelid, conname`); err != nil {
		return nil, fmt.Errorf("read the foreign keys to suspend: %w", err)
	}
	var indexes []struct{ Name, Definition string }
	if err := tx.SelectContext(ctx, &indexes, `
		SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
		FROM pg_index i
		WHERE i.indrelid IN `+bulkTables+`
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
		ORDER BY i.indexrelid`); err != nil {
		return nil, fmt.Errorf("read the indexes to suspend: %w", err)
	}
	for _, c := range s.constraints {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+c.Table+` DROP CONSTRAINT `+c.Name); err != nil {
			return nil, fmt.Errorf("suspend foreign key %s: %w", c.Name, err)
		}
	}
	for _, ix := range indexes {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+ix.Name); err != nil {
			return nil, fmt.Errorf("suspend index %s: %w", ix.Name, err)
		}
		s.indexes = append(s.indexes, ix.Definition)
	}
	return s, nil
}

// restore builds the suspended indexes and foreign keys again, each checked
// over the whole table (a unique index, a key's references), and analyses
// the tables for the statements that follow.
func (s *suspendedChecks) restore(ctx context.Context, tx *sqlx.Tx) error {
	// The server's memory for sorting each index, not the loader's.
	if _, err := tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return fmt.Errorf("prepare to build indexes: %w", err)
	}
	for _, def := range s.indexes {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("build index again: %s: %w", def, err)
		}
	}
	for _, c := range s.constraints {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+c.Table+` ADD CONSTRAINT `+c.Name+` `+c.Definition); err != nil {
			return fmt.Errorf("check foreign key %s again: %w", c.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE observation, observation_coordinate`); err != nil {
		return fmt.Errorf("analyse the loaded tables: %w", err)
	}
	return nil
}
