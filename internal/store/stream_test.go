package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// splitFixture writes the dataset package's fixture-split.yaml and
// fixture.csv, each edited, to a directory, and parses and hashes them as
// `indicators load` does.
func splitFixture(t *testing.T, editYAML, editCSV func(string) string) *dataset.Dataset {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		name string
		edit func(string) string
	}{{"fixture-split.yaml", editYAML}, {"fixture.csv", editCSV}} {
		b, err := os.ReadFile(filepath.Join("../dataset/testdata", f.name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if f.edit != nil {
			text = f.edit(text)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	name := filepath.Join(dir, "fixture-split.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Parse(name, data)
	if err != nil {
		t.Fatalf("parse split fixture: %v", err)
	}
	if err := ds.HashObservationsFile(); err != nil {
		t.Fatal(err)
	}
	return ds
}

// liveRows renders the live observations by their codes, without ids, lines
// and other sources, which differ between a YAML and a CSV file stating the
// same figures.
func liveRows(t *testing.T, s *store.Store) string {
	t.Helper()
	var rows []string
	if err := s.DB().Select(&rows, `
		SELECT concat_ws(' | ', r.code, i.code, a.code, o.period_start, o.period_end, o.value, u.code, o.qualifier, o.status,
		       o.change, ag.code, o.source_section, o.source_quote, o.note, o.coordinate_key, o.is_current, o.restricted,
		       d.period_start, d.value,
		       (SELECT string_agg(dm.code || '=' || m.code, ';' ORDER BY dm.code) FROM observation_coordinate c
		        JOIN dimension dm ON dm.id = c.dimension_id JOIN dimension_member m ON m.id = c.member_id
		        WHERE c.observation_id = o.id))
		FROM observation o JOIN release r ON r.id = o.release_id JOIN indicator i ON i.id = o.indicator_id
		JOIN ref_area a ON a.id = o.ref_area_id JOIN unit u ON u.id = o.unit_id JOIN agency ag ON ag.id = o.agency_id
		LEFT JOIN observation d ON d.id = o.derived_from_id
		ORDER BY 1`); err != nil {
		t.Fatalf("read live rows: %v", err)
	}
	return strings.Join(rows, "\n")
}

// schema renders the indexes and constraints of the observation tables.
func schema(t *testing.T, s *store.Store) string {
	t.Helper()
	var defs []string
	if err := s.DB().Select(&defs, `
		SELECT pg_get_indexdef(indexrelid) FROM pg_index
		WHERE indrelid IN ('observation'::regclass, 'observation_coordinate'::regclass)
		UNION ALL
		SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid IN ('observation'::regclass, 'observation_coordinate'::regclass)
		ORDER BY 1`); err != nil {
		t.Fatalf("read the schema: %v", err)
	}
	return strings.Join(defs, "\n")
}

// TestStreamedLoadMatchesYAML: a release loaded from an observations file
// is the release its YAML twin loads, derived rows, coordinates and current
// cells included. Loaded into an empty table it takes the bulk path, which
// sets the indexes and foreign keys aside: they are all back after.
func TestStreamedLoadMatchesYAML(t *testing.T) {
	ctx := context.Background()
	yamlDB, csvDB := testdb.New(t), testdb.New(t)
	wantSchema := schema(t, csvDB)
	defer func() {
		if got := schema(t, csvDB); got != wantSchema {
			t.Errorf("indexes and constraints after a bulk load:\n%s\nwant:\n%s", got, wantSchema)
		}
	}()
	if _, err := yamlDB.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
		t.Fatal(err)
	}
	var reads []int64
	res, err := csvDB.LoadWith(ctx, []*dataset.Dataset{splitFixture(t, nil, nil)}, store.LoadOptions{
		Progress: func(release string, read, size int64) { reads = append(reads, read) },
	})
	if err != nil {
		t.Fatalf("streamed load: %v", err)
	}
	if res[0].Action != store.Loaded || res[0].Observations != 7 || res[0].Revision != 1 {
		t.Errorf("result = %+v, want loaded, 7 observations, revision 1", res[0])
	}
	if want, got := liveRows(t, yamlDB), liveRows(t, csvDB); got != want {
		t.Errorf("streamed release differs from the YAML one:\n got:\n%s\nwant:\n%s", got, want)
	}
	if len(reads) == 0 || reads[len(reads)-1] == 0 {
		t.Errorf("progress reported %v, want the bytes read at the end", reads)
	}
}

// TestStreamedLoadIsAllOrNothing: an observations file with a problem the
// row checks find, or one only the set-based checks on the staging table
// find, loads nothing (not even the valid release beside it) and is reported
// at FILE:LINE.
func TestStreamedLoadIsAllOrNothing(t *testing.T) {
	tests := []struct {
		name    string
		old     string
		new     string
		line    int
		problem string
	}{
		{"row check", "hotline_calls,", "hotline_call,", 6, `observation: unknown indicator "hotline_call"`},
		{"duplicate key", ",SEX=F,", ",,", 3, "observation: duplicate key victims_identified AZE 2024  (first at line 2)"},
		{"collides with a derived value", ",2005-2024,1441", ",2023,1441", 5, "observation: duplicate key victims_identified AZE 2023  (first at line 2)"},
		{"derived value collides", "hotline_calls,2024,10254", "victims_identified,2025,10254", 6, "observation: duplicate key victims_identified AZE 2024  (the value derived from its change) (first at line 2)"},
	}
	for _, tc := range tests {
		for _, dryRun := range []bool{false, true} {
			name := tc.name
			if dryRun {
				name += ", dry run"
			}
			t.Run(name, func(t *testing.T) {
				good := splitFixture(t, func(s string) string { return strings.Replace(s, "code: fixture-2024", "code: other-2024", 1) }, nil)
				bad := splitFixture(t, nil, func(s string) string {
					if !strings.Contains(s, tc.old) {
						t.Fatalf("fixture.csv has no %q", tc.old)
					}
					return strings.Replace(s, tc.old, tc.new, 1)
				})
				refused(t, dryRun, []*dataset.Dataset{good, bad}, dataset.Problem{File: bad.ObservationsFile, Line: tc.line, Reason: tc.problem})
			})
		}
	}
}

// refused loads sets, in a dry run or not, into a database holding an
// earlier release, and checks that the load is refused with exactly the
// problem want and changed nothing.
func refused(t *testing.T, dryRun bool, sets []*dataset.Dataset, want dataset.Problem) {
	t.Helper()
	s := testdb.New(t)
	ctx := context.Background()
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, func(s string) string {
		return strings.Replace(s, "code: fixture-2024", "code: earlier-2023", 1)
	})}, false); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s)
	_, err := s.LoadWith(ctx, sets, store.LoadOptions{DryRun: dryRun})
	var verr *dataset.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("load error = %v, want a ValidationError", err)
	}
	if len(verr.Problems) != 1 || verr.Problems[0] != want {
		t.Errorf("problems %v, want exactly %v", verr.Problems, want)
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("failed load changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestStreamedReplaceOfOneRelease: replacing a release loaded from an
// observations file diffs only that release: its unchanged rows keep their
// ids and revision, its changed ones go to history, and the other release
// filling the same cells is untouched, still current where it wins.
func TestStreamedReplaceOfOneRelease(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	a := splitFixture(t, nil, nil)
	// b states the same cells, and is current in them: its code is greater
	// (cell_precedence, same reference year).
	b := splitFixture(t, func(s string) string { return strings.Replace(s, "code: fixture-2024", "code: fixture-b", 1) }, nil)
	if _, err := s.Load(ctx, []*dataset.Dataset{a, b}, false); err != nil {
		t.Fatal(err)
	}
	ids := func(release string) string {
		t.Helper()
		var rows []string
		if err := s.DB().Select(&rows, `SELECT o.id || ':' || o.revision_id || ':' || o.is_current FROM observation o
			JOIN release r ON r.id = o.release_id WHERE r.code = $1 ORDER BY o.id`, release); err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows, " ")
	}
	bBefore := ids("fixture-b")
	corrected := splitFixture(t, nil, func(s string) string { return strings.Replace(s, ",10254,", ",10255,", 1) })
	res, err := s.Load(ctx, []*dataset.Dataset{corrected}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Action != store.Replaced || res[0].Revision != 3 || res[0].Observations != 7 {
		t.Errorf("result = %+v, want replaced, revision 3, 7 observations", res[0])
	}
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"the release's rows", `SELECT count(*) FROM observation o JOIN release r ON r.id = o.release_id WHERE r.code = 'fixture-2024'`, 7},
		{"unchanged rows kept with their revision", `SELECT count(*) FROM observation o JOIN release r ON r.id = o.release_id
			WHERE r.code = 'fixture-2024' AND o.revision_id = 1`, 5},
		{"the corrected figure and the one its change derives", `SELECT count(*) FROM observation o JOIN release r ON r.id = o.release_id
			WHERE r.code = 'fixture-2024' AND o.revision_id = 3 AND o.value IN (10255, 9627)`, 2},
		{"the replaced rows in history", `SELECT count(*) FROM observation_history WHERE replaced_in = 3 AND value IN (10254, 9626)`, 2},
		{"their coordinates live", `SELECT count(*) FROM observation_coordinate c JOIN observation o ON o.id = c.observation_id
			JOIN release r ON r.id = o.release_id WHERE r.code = 'fixture-2024'`, 3},
		{"current cells: the other release's", `SELECT count(*) FROM observation o JOIN release r ON r.id = o.release_id
			WHERE o.is_current AND r.code = 'fixture-b'`, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := count(t, s, tc.query); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	if after := ids("fixture-b"); after != bBefore {
		t.Errorf("the other release's rows changed:\nbefore %s\nafter  %s", bBefore, after)
	}
	again, err := s.Load(ctx, []*dataset.Dataset{splitFixture(t, nil, func(s string) string { return strings.Replace(s, ",10254,", ",10255,", 1) })}, false)
	if err != nil || again[0].Action != store.Unchanged {
		t.Errorf("the same files again: %+v, %v; want unchanged", again, err)
	}
}
