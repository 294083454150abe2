package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// LoadAction says what a load did to one release.
type LoadAction string

// Load actions.
const (
	Loaded    LoadAction = "loaded"    // a release new to the database
	Replaced  LoadAction = "replaced"  // a corrected file replaced the release's rows
	Unchanged LoadAction = "unchanged" // the same bytes were loaded before
)

// LoadResult reports the outcome for one release.
type LoadResult struct {
	Release      string
	Action       LoadAction
	Observations int // the release's rows, derived ones included
	// Revision is the revision the load made of the release; 0 when it
	// changed nothing.
	Revision int64
}

// loadLockKey serialises loads: two loads of one release at once would race on
// the replace.
const loadLockKey = 7_402_024

// LoadOptions choose how Load runs.
type LoadOptions struct {
	// DryRun rolls the transaction back after everything was written, so
	// the database's own constraints check the data too.
	DryRun bool
	// Progress, when set, is told now and then how far a release's
	// observations file has been read (bytes of its size).
	Progress func(release string, read, size int64)
}

// Load writes validated datasets in one transaction: every release or none.
// With dryRun the transaction is rolled back after everything was written, so
// the database's own constraints check the data too.
func (s *Store) Load(ctx context.Context, sets []*dataset.Dataset, dryRun bool) ([]LoadResult, error) {
	return s.LoadWith(ctx, sets, LoadOptions{DryRun: dryRun})
}

// LoadWith is Load with options. A release whose data file names an
// observations file streams it (stream.go); a problem found in it is a
// *dataset.ValidationError, and nothing is written.
func (s *Store) LoadWith(ctx context.Context, sets []*dataset.Dataset, opts LoadOptions) ([]LoadResult, error) {
	dryRun := opts.DryRun
	tx, err := s.admin.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin load: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, loadLockKey); err != nil {
		return nil, fmt.Errorf("lock for load: %w", err)
	}
	// The cells a load touches, for refresh_current_cells (migration 0003)
	// to re-decide which observation of each is current.
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE affected_cell (
		indicator_id integer, ref_area_id integer, period_start smallint, period_end smallint, coordinate_key text
	) ON COMMIT DROP`); err != nil {
		return nil, fmt.Errorf("prepare current cells: %w", err)
	}
	results := make([]LoadResult, 0, len(sets))
	for _, ds := range sets {
		res, err := loadRelease(ctx, tx, ds, opts.Progress)
		if err != nil {
			return nil, fmt.Errorf("load release %s: %w", ds.Release.Code, err)
		}
		results = append(results, res)
	}
	if !changed(results) {
		return results, nil // nothing written: nothing to decide or signal
	}
	if _, err := tx.ExecContext(ctx, `SELECT refresh_current_cells()`); err != nil {
		return nil, fmt.Errorf("decide current cells: %w", err)
	}
	if dryRun {
		return results, nil
	}
	// Delivered to every listener when the transaction commits, never for a
	// rolled-back one. The payload is the revision the load made, so a
	// process reading from a replica can tell when the replica has
	// replayed it.
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, (SELECT max(id) FROM revision)::text)`, changeChannel); err != nil {
		return nil, fmt.Errorf("signal the load: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit load: %w", err)
	}
	return results, nil
}

func loadRelease(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset, progress func(release string, read, size int64)) (LoadResult, error) {
	res := LoadResult{Release: ds.Release.Code}
	var stored struct {
		Checksum      string
		ReferenceYear int  `db:"reference_year"`
		Relations     bool // the release has relations stored
	}
	err := tx.GetContext(ctx, &stored, `SELECT checksum, reference_year,
		EXISTS (SELECT 1 FROM relation l WHERE l.release_id = r.id) AS relations
		FROM release r WHERE code = $1`, ds.Release.Code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res.Action = Loaded
	case err != nil:
		return res, fmt.Errorf("look up release: %w", err)
	case stored.Checksum == ds.Release.Checksum && (len(ds.Relations) == 0 || stored.Relations):
		res.Action = Unchanged
		return res, nil
	default:
		// A corrected file; or the same file of a release loaded before
		// relations were stored (migration 0011), which replaces the
		// release with itself, its rows all kept, to store its relations.
		res.Action = Replaced
	}
	if err := upsertCodeLists(ctx, tx, ds); err != nil {
		return res, err
	}
	if err := writeLabels(ctx, tx, ds); err != nil {
		return res, err
	}
	releaseID, err := upsertRelease(ctx, tx, ds.Release)
	if err != nil {
		return res, err
	}
	if err := writeHeadlines(ctx, tx, releaseID, ds.Indicators); err != nil {
		return res, err
	}
	// Staged before the rows: a streamed file's are checked with them.
	if err := stageRelations(ctx, tx, ds); err != nil {
		return res, err
	}
	if res.Revision, err = newRevision(ctx, tx, releaseID, res.Action); err != nil {
		return res, err
	}
	if err := noteAffectedCells(ctx, tx, releaseID); err != nil {
		return res, err
	}
	// A new reference year changes the precedence of every row of the
	// release, which then cannot keep its revision.
	keep := stored.ReferenceYear == ds.Release.ReferenceYear
	res.Observations = len(ds.Observations)
	switch {
	case ds.ObservationsFile != "":
		res.Observations, err = streamObservations(ctx, tx, ds, releaseID, res.Revision, res.Action, keep, progress)
	case res.Action == Loaded:
		err = insertObservations(ctx, tx, liveTables, releaseID, res.Revision, ds.Observations)
	default:
		err = replaceObservations(ctx, tx, releaseID, res.Revision, ds.Observations, keep)
	}
	if err != nil {
		return res, err
	}
	if err := replaceRelations(ctx, tx, releaseID, res.Revision); err != nil {
		return res, err
	}
	if ds.ObservationsFile != "" && res.Action == Loaded {
		return res, nil // insertStaged noted the cells it leaves to decide
	}
	if err := noteAffectedCells(ctx, tx, releaseID); err != nil {
		return res, err
	}
	return res, nil
}

// writeHeadlines replaces the headline cells the release declares.
func writeHeadlines(ctx context.Context, tx *sqlx.Tx, releaseID int64, indicators []dataset.Indicator) error {
	var codes, keys []string
	for _, ind := range indicators {
		if len(ind.Headline) > 0 {
			codes, keys = append(codes, ind.Code), append(keys, dataset.CoordinateKey(ind.Headline))
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM indicator_headline WHERE release_id = $1`, releaseID); err != nil {
		return fmt.Errorf("remove the release's previous headline cells: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO indicator_headline (release_id, indicator_id, coordinate_key)
		SELECT $1, i.id, x.ck FROM unnest($2::text[], $3::text[]) AS x(code, ck) JOIN indicator i ON i.code = x.code`,
		releaseID, pq.Array(codes), pq.Array(keys)); err != nil {
		return fmt.Errorf("write headline cells: %w", err)
	}
	return nil
}

// newRevision numbers the load of a release, with the checksum and
// reference year of the release row just written: the next number after the
// last, without gaps since loads hold loadLockKey, and a time after every
// earlier load's commit for the same reason.
func newRevision(ctx context.Context, tx *sqlx.Tx, releaseID int64, action LoadAction) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO revision (id, loaded_at, release_id, action, checksum, reference_year)
		SELECT (SELECT COALESCE(max(id), 0) + 1 FROM revision), r.loaded_at, r.id, $2, r.checksum, r.reference_year
		FROM release r WHERE r.id = $1
		RETURNING id`, releaseID, string(action))
	if err != nil {
		return 0, fmt.Errorf("number the revision: %w", err)
	}
	return id, nil
}

func changed(results []LoadResult) bool {
	for _, r := range results {
		if r.Action != Unchanged {
			return true
		}
	}
	return false
}

// noteAffectedCells adds the cells the release's observations fill to
// affected_cell: called before its old rows go (their cells may fall back to
// another release) and after its new rows are in.
func noteAffectedCells(ctx context.Context, tx *sqlx.Tx, releaseID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO affected_cell
		SELECT indicator_id, ref_area_id, period_start, period_end, coordinate_key FROM observation WHERE release_id = $1`,
		releaseID); err != nil {
		return fmt.Errorf("note the release's cells: %w", err)
	}
	return nil
}

// upsertCodeLists writes each code list in one statement: code lists are
// shared by releases, so a later file may rename an entry but never removes
// one that older releases' observations still use.
func upsertCodeLists(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset) error {
	var (
		unitCodes, unitNames                     []string
		areaCodes, areaNames, areaISO2, areaISO3 []string
		areaM49                                  []string
	)
	for _, u := range ds.Units {
		unitCodes, unitNames = append(unitCodes, u.Code), append(unitNames, u.Name)
	}
	for _, a := range ds.RefAreas {
		areaCodes, areaNames = append(areaCodes, a.Code), append(areaNames, a.Name)
		areaISO2, areaISO3, areaM49 = append(areaISO2, a.ISO2), append(areaISO3, a.ISO3), append(areaM49, a.M49)
	}
	var agCodes, agNames, agShort, agKinds, agParents []string
	for _, a := range ds.Agencies {
		agCodes, agNames, agShort = append(agCodes, a.Code), append(agNames, a.Name), append(agShort, a.ShortName)
		agKinds, agParents = append(agKinds, string(a.Kind)), append(agParents, a.Parent)
	}
	var dimCodes, dimNames, dimDescs []string
	var memDims, memCodes, memNames, memDescs, memISO2, memISO3, memM49 []string
	var memOrder []int64
	for _, d := range ds.Dimensions {
		dimCodes, dimNames, dimDescs = append(dimCodes, d.Code), append(dimNames, d.Name), append(dimDescs, d.Description)
		for i, m := range d.Members {
			memDims, memCodes, memNames, memDescs = append(memDims, d.Code), append(memCodes, m.Code), append(memNames, m.Name), append(memDescs, m.Description)
			memISO2, memISO3, memM49 = append(memISO2, m.ISO2), append(memISO3, m.ISO3), append(memM49, m.M49)
			memOrder = append(memOrder, int64(i))
		}
	}
	var indCodes, indNames, indDescs, indUnits, indThemes []string
	var indRestricted []bool
	for _, ind := range ds.Indicators {
		indCodes, indNames, indDescs = append(indCodes, ind.Code), append(indNames, ind.Name), append(indDescs, ind.Description)
		indUnits, indThemes = append(indUnits, ind.Unit), append(indThemes, string(ind.Theme))
		indRestricted = append(indRestricted, ind.Restricted)
	}

	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"units", `
			INSERT INTO unit (code, name)
			SELECT * FROM unnest($1::text[], $2::text[])
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`,
			[]any{pq.Array(unitCodes), pq.Array(unitNames)}},
		{"reference areas", `
			INSERT INTO ref_area (code, name, iso2, iso3, m49)
			SELECT c, n, NULLIF(i2, ''), NULLIF(i3, ''), NULLIF(m, '')
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(c, n, i2, i3, m)
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, iso2 = EXCLUDED.iso2, iso3 = EXCLUDED.iso3, m49 = EXCLUDED.m49`,
			[]any{pq.Array(areaCodes), pq.Array(areaNames), pq.Array(areaISO2), pq.Array(areaISO3), pq.Array(areaM49)}},
		{"agencies", `
			INSERT INTO agency (code, name, short_name, kind)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name, kind = EXCLUDED.kind`,
			[]any{pq.Array(agCodes), pq.Array(agNames), pq.Array(agShort), pq.Array(agKinds)}},
		// Parents in a second pass: a parent may be listed after its child.
		{"agency parents", `
			UPDATE agency a SET parent_id = p.id
			FROM unnest($1::text[], $2::text[]) AS x(code, parent)
			LEFT JOIN agency p ON p.code = x.parent
			WHERE a.code = x.code`,
			[]any{pq.Array(agCodes), pq.Array(agParents)}},
		{"dimensions", `
			INSERT INTO dimension (code, name, description, sort_order)
			SELECT c, n, d, o FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(c, n, d, o)
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, sort_order = EXCLUDED.sort_order`,
			[]any{pq.Array(dimCodes), pq.Array(dimNames), pq.Array(dimDescs)}},
		{"dimension members", `
			INSERT INTO dimension_member (dimension_id, code, name, description, iso2, iso3, m49, sort_order)
			SELECT d.id, x.c, x.n, x.descr, NULLIF(x.i2, ''), NULLIF(x.i3, ''), NULLIF(x.m, ''), x.o
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])
			     AS x(dim, c, n, descr, i2, i3, m, o)
			JOIN dimension d ON d.code = x.dim
			ON CONFLICT (dimension_id, code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
			    iso2 = EXCLUDED.iso2, iso3 = EXCLUDED.iso3, m49 = EXCLUDED.m49, sort_order = EXCLUDED.sort_order`,
			[]any{pq.Array(memDims), pq.Array(memCodes), pq.Array(memNames), pq.Array(memDescs),
				pq.Array(memISO2), pq.Array(memISO3), pq.Array(memM49), pq.Array(memOrder)}},
		{"indicators", `
			INSERT INTO indicator (code, name, description, unit_id, theme, restricted, sort_order)
			SELECT x.c, x.n, x.d, u.id, x.t, x.r, x.o
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[]) WITH ORDINALITY AS x(c, n, d, unit, t, r, o)
			JOIN unit u ON u.code = x.unit
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
			    unit_id = EXCLUDED.unit_id, theme = EXCLUDED.theme, restricted = EXCLUDED.restricted,
			    sort_order = EXCLUDED.sort_order`,
			[]any{pq.Array(indCodes), pq.Array(indNames), pq.Array(indDescs), pq.Array(indUnits), pq.Array(indThemes),
				pq.Array(indRestricted)}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("write %s: %w", st.what, err)
		}
	}
	return nil
}

func upsertRelease(ctx context.Context, tx *sqlx.Tx, r dataset.Release) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO release (code, title, publisher_id, reference_year, published_on, source_name, checksum, loaded_at)
		-- clock_timestamp, not now(): the time the load took its lock, so a
		-- later load's revision is later (see newRevision).
		VALUES ($1, $2, (SELECT id FROM agency WHERE code = $3), $4, NULLIF($5, '')::date, $6, $7, clock_timestamp())
		ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, publisher_id = EXCLUDED.publisher_id,
		    reference_year = EXCLUDED.reference_year, published_on = EXCLUDED.published_on,
		    source_name = EXCLUDED.source_name, checksum = EXCLUDED.checksum, loaded_at = EXCLUDED.loaded_at
		RETURNING id`,
		r.Code, r.Title, r.Publisher, r.ReferenceYear, r.Published, r.Source, r.Checksum)
	if err != nil {
		return 0, fmt.Errorf("write release: %w", err)
	}
	return id, nil
}

// codeIDs resolves the codes the observations use to surrogate keys once, so
// the rows can be streamed with COPY instead of joined row by row.
type codeIDs struct {
	indicators, areas, units, agencies map[string]int64
	dimensions                         map[string]int64
	members                            map[[2]string]int64 // {dimension, member}
}

func loadCodeIDs(ctx context.Context, tx *sqlx.Tx) (codeIDs, error) {
	ids := codeIDs{members: map[[2]string]int64{}}
	for _, t := range []struct {
		table string
		into  *map[string]int64
	}{
		{"indicator", &ids.indicators}, {"ref_area", &ids.areas}, {"unit", &ids.units},
		{"agency", &ids.agencies}, {"dimension", &ids.dimensions},
	} {
		var rows []struct {
			Code string
			ID   int64
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT code, id FROM `+t.table); err != nil {
			return ids, fmt.Errorf("read %s ids: %w", t.table, err)
		}
		*t.into = make(map[string]int64, len(rows))
		for _, r := range rows {
			(*t.into)[r.Code] = r.ID
		}
	}
	var members []struct {
		Dimension string
		Code      string
		ID        int64
	}
	if err := tx.SelectContext(ctx, &members, `
		SELECT d.code AS dimension, m.code, m.id FROM dimension_member m JOIN dimension d ON d.id = m.dimension_id`); err != nil {
		return ids, fmt.Errorf("read member ids: %w", err)
	}
	for _, m := range members {
		ids.members[[2]string{m.Dimension, m.Code}] = m.ID
	}
	return ids, nil
}

// observationTables are where insertObservations writes: the live tables,
// or the staging tables a replace compares with them.
type observationTables struct{ observations, coordinates, alsoStated string }

var (
	liveTables    = observationTables{"observation", "observation_coordinate", "observation_also_stated"}
	stagingTables = observationTables{"incoming_observation", "incoming_coordinate", "incoming_also_stated"}
)

func insertObservations(ctx context.Context, tx *sqlx.Tx, t observationTables, releaseID, revision int64, obs []dataset.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	ids, err := loadCodeIDs(ctx, tx)
	if err != nil {
		return err
	}
	var rowIDs []int64
	if err := tx.SelectContext(ctx, &rowIDs, `
		SELECT nextval(pg_get_serial_sequence('observation', 'id')) FROM generate_series(1, $1)`, len(obs)); err != nil {
		return fmt.Errorf("reserve observation ids: %w", err)
	}

	err = copyRows(ctx, tx, t.observations, strings.Split(copiedColumns, ", "), func(emit func(...any) error) error {
		for i, o := range obs {
			var derivedFrom, change any
			if o.DerivedFrom >= 0 {
				derivedFrom = rowIDs[o.DerivedFrom]
			}
			if o.Change != nil {
				change = dataset.FormatValue(*o.Change)
			}
			if err := emit(rowIDs[i], releaseID, ids.indicators[o.Indicator], ids.areas[o.RefArea],
				o.Period.Start, o.Period.End, dataset.FormatValue(o.Value), ids.units[o.Unit],
				string(o.Qualifier), string(o.Status), derivedFrom, change, ids.agencies[o.Agency],
				o.Source.Section, o.Source.Quote, o.Note, dataset.CoordinateKey(o.Coordinates), o.Line, revision, o.Restricted,
				o.Indicator, o.RefArea); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = copyRows(ctx, tx, t.coordinates, []string{"observation_id", "dimension_id", "member_id"},
		func(emit func(...any) error) error {
			for i, o := range obs {
				for _, c := range o.Coordinates {
					if err := emit(rowIDs[i], ids.dimensions[c.Dimension], ids.members[[2]string{c.Dimension, c.Member}]); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	return copyRows(ctx, tx, t.alsoStated, []string{"observation_id", "ordinal", "source_section", "source_quote"},
		func(emit func(...any) error) error {
			for i, o := range obs {
				for n, src := range o.AlsoStated {
					if err := emit(rowIDs[i], n+1, src.Section, src.Quote); err != nil {
						return err
					}
				}
			}
			return nil
		})
}

// copyRows streams rows into table with COPY: at millions of observations a
// statement per row would dominate the load.
func copyRows(ctx context.Context, tx *sqlx.Tx, table string, columns []string, rows func(emit func(...any) error) error) error {
	// lib/pq streams a prepared COPY ... FROM STDIN; table and columns are
	// this package's constants, never input.
	stmt, err := tx.PrepareContext(ctx, "COPY "+table+" ("+strings.Join(columns, ", ")+") FROM STDIN")
	if err != nil {
		return fmt.Errorf("start copy into %s: %w", table, err)
	}
	defer stmt.Close()
	emit := func(values ...any) error {
		_, err := stmt.ExecContext(ctx, values...)
		return err
	}
	if err := rows(emit); err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("finish copy into %s: %w", table, err)
	}
	return nil
}
