package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// sumRelation is a sum relation over the fixture's cells, for the store:
// whether the figures satisfy it is `check`'s business, not the load's.
const sumRelation = `  - name: Victims, as women and the cumulative figure
    kind: sum
    whole: {indicator: victims_identified, period: 2024}
    parts:
      - {indicator: victims_identified, period: 2024, by: {SEX: F}}
      - {indicator: victims_identified, period: 2005-2024}
`

// withSum adds sumRelation to the fixture's relations.
func withSum(s string) string { return s + sumRelation }

// splitWithRelations adds the fixture's relations and sumRelation to the
// split fixture, whose observations stream from its CSV file.
func splitWithRelations(s string) string {
	return s + `relations:
  - name: Women among the victims
    kind: part_of
    whole: {indicator: victims_identified, period: 2024}
    parts:
      - {indicator: victims_identified, period: 2024, by: {SEX: F}}
` + sumRelation
}

// stored renders relations as the store gives them back: without CellLines,
// which the database does not keep, and with their release.
func stored(release string, rels []dataset.Relation) []dataset.Relation {
	out := make([]dataset.Relation, len(rels))
	for i, r := range rels {
		r.CellLines, r.Release = nil, release
		out[i] = r
	}
	return out
}

// TestLoadStoresRelations: a load keeps the data file's relations, from a
// YAML file or beside an observations file, and the store reads them back
// as the parser read them: the domain relations suppression decides with.
func TestLoadStoresRelations(t *testing.T) {
	tests := []struct {
		name string
		ds   func(t *testing.T) *dataset.Dataset
	}{
		{"YAML file", func(t *testing.T) *dataset.Dataset { return parseFixture(t, withSum) }},
		{"observations file", func(t *testing.T) *dataset.Dataset { return splitFixture(t, splitWithRelations, nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testdb.New(t)
			ctx := context.Background()
			ds := tc.ds(t)
			if len(ds.Relations) != 2 {
				t.Fatalf("the file has %d relations, want 2", len(ds.Relations))
			}
			if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
				t.Fatal(err)
			}
			got, err := s.Relations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := stored("fixture-2024", ds.Relations); !reflect.DeepEqual(got, want) {
				t.Errorf("relations read back:\n%+v\nwant:\n%+v", got, want)
			}
			if n := count(t, s, `SELECT count(*) FROM relation_cell`); n != 5 {
				t.Errorf("relation cells: %d, want 2 + 3", n)
			}
		})
	}
}

// TestLoadRelationsDryRun: a dry run writes relations as it writes rows,
// and rolls them back with the rest.
func TestLoadRelationsDryRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		ds   func(t *testing.T) *dataset.Dataset
	}{
		{"new release", func(t *testing.T) *dataset.Dataset { return parseFixture(t, withSum) }},
		{"replaced release", func(t *testing.T) *dataset.Dataset {
			return parseFixture(t, func(s string) string { return strings.Replace(withSum(s), "value: 10254", "value: 10255", 1) })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testdb.New(t)
			ctx := context.Background()
			if tc.name == "replaced release" {
				if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, s)
			res, err := s.Load(ctx, []*dataset.Dataset{tc.ds(t)}, true)
			if err != nil || res[0].Action == store.Unchanged {
				t.Fatalf("dry run: %+v, %v", res, err)
			}
			if after := snapshot(t, s); after != before {
				t.Errorf("dry run changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// TestReplaceRelations: a corrected file replaces its release's relations
// as a diff. The one it states unchanged keeps its row and revision (and
// moves to its new line), the one it changes is withdrawn in the new
// revision and kept, read back with the others since earlier revisions
// satisfied it, and the new ones come in with the revision; another
// release's relations are not touched.
func TestReplaceRelations(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	other := parseFixture(t, func(s string) string { return strings.Replace(withSum(s), "code: fixture-2024", "code: other-2024", 1) })
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, withSum), other}, false); err != nil {
		t.Fatal(err)
	}
	relations := func(release string) string {
		t.Helper()
		var rows []string
		if err := s.DB().Select(&rows, `
			SELECT concat_ws(' | ', l.name, l.kind, l.source_line, l.revision_id, l.replaced_in,
			       (SELECT string_agg(c.period_start || '-' || c.period_end || ' ' || c.coordinate_key, ', ' ORDER BY c.ordinal)
			        FROM relation_cell c WHERE c.relation_id = l.id))
			FROM relation l JOIN release r ON r.id = l.release_id WHERE r.code = $1 ORDER BY l.id`, release); err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows, "\n")
	}
	otherBefore := relations("other-2024")
	corrected := parseFixture(t, func(s string) string {
		s = strings.Replace(s, "relations:\n", "relations:\n  # a comment moves the relations a line down\n", 1)
		s = withSum(s)
		// The sum's cumulative part becomes the women in Türkiye.
		s = strings.Replace(s, "      - {indicator: victims_identified, period: 2005-2024}\n",
			"      - {indicator: victims_identified, period: 2024, by: {SEX: F, COUNTRY_OF_EXPLOITATION: TUR}}\n", 1)
		return s + `  - name: Calls
    kind: part_of
    whole: {indicator: hotline_calls, period: 2024}
    parts:
      - {indicator: hotline_calls, period: 2023}
`
	})
	res, err := s.Load(ctx, []*dataset.Dataset{corrected}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Action != store.Replaced || res[0].Revision != 3 {
		t.Fatalf("result %+v, want replaced in revision 3", res[0])
	}
	// The file's lines: the kept relation moved from 91 to 92, the withdrawn
	// one keeps the line it had.
	want := strings.Join([]string{
		"Women among the victims | part_of | 92 | 1 | 2024-2024 , 2024-2024 SEX=F",
		"Victims, as women and the cumulative figure | sum | 96 | 1 | 3 | 2024-2024 , 2024-2024 SEX=F, 2005-2024 ",
		"Victims, as women and the cumulative figure | sum | 97 | 3 | 2024-2024 , 2024-2024 SEX=F, 2024-2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F",
		"Calls | part_of | 103 | 3 | 2024-2024 , 2023-2023 ",
	}, "\n")
	if got := relations("fixture-2024"); got != want {
		t.Errorf("relations after the replace:\n%s\nwant:\n%s", got, want)
	}
	if got := relations("other-2024"); got != otherBefore {
		t.Errorf("the other release's relations changed:\n%s\nwant:\n%s", got, otherBefore)
	}
	read, err := s.Relations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range read {
		names = append(names, r.Release+": "+r.Name+" ("+strings.Join(r.Parts, ", ")+")")
	}
	wantNames := []string{
		"fixture-2024: Victims, as women and the cumulative figure (victims_identified AZE 2024 SEX=F, victims_identified AZE 2005-2024 )",
		"fixture-2024: Women among the victims (victims_identified AZE 2024 SEX=F)",
		"fixture-2024: Victims, as women and the cumulative figure (victims_identified AZE 2024 SEX=F, victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F)",
		"fixture-2024: Calls (hotline_calls AZE 2023 )",
		"other-2024: Women among the victims (victims_identified AZE 2024 SEX=F)",
		"other-2024: Victims, as women and the cumulative figure (victims_identified AZE 2024 SEX=F, victims_identified AZE 2005-2024 )",
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("Relations:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(wantNames, "\n"))
	}
	again, err := s.Load(ctx, []*dataset.Dataset{corrected}, false)
	if err != nil || again[0].Action != store.Unchanged {
		t.Errorf("the corrected file again: %+v, %v; want unchanged", again, err)
	}
}

// TestStreamedRelations: the cells a streamed file's relations name are
// checked against its staged rows (a derived row's cell is one), and a
// reference to a cell no row fills is reported at the data file's line,
// worded as for a YAML file, and loads nothing, with or without dry run,
// not even the valid release beside it.
func TestStreamedRelations(t *testing.T) {
	withPart := func(part string) func(string) string {
		return func(s string) string {
			return s + "relations:\n  - name: R\n    kind: sum\n    whole: {indicator: victims_identified, period: 2024}\n    parts:\n      - " + part + "\n"
		}
	}
	t.Run("a derived cell", func(t *testing.T) {
		s := testdb.New(t)
		if _, err := s.Load(context.Background(), []*dataset.Dataset{splitFixture(t, withPart("{indicator: hotline_calls, period: 2023}"), nil)}, false); err != nil {
			t.Fatalf("load: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM relation_cell c JOIN relation r ON r.id = c.relation_id
			WHERE r.kind = 'sum' AND c.period_start = 2023`); n != 1 {
			t.Errorf("relation cells of 2023: %d, want 1", n)
		}
	})
	tests := []struct {
		name    string
		part    string
		problem string
	}{
		{"a cell no row fills", "{indicator: victims_identified, period: 2024, by: {SEX: M}}",
			"relation: no observation victims_identified AZE 2024 SEX=M in this file"},
		{"another area", "{indicator: victims_identified, period: 2024, area: WLD}",
			"relation: no observation victims_identified WLD 2024  in this file"},
	}
	for _, tc := range tests {
		for _, dryRun := range []bool{false, true} {
			name := tc.name
			if dryRun {
				name += ", dry run"
			}
			t.Run(name, func(t *testing.T) {
				good := parseFixture(t, func(s string) string { return strings.Replace(withSum(s), "code: fixture-2024", "code: other-2024", 1) })
				bad := splitFixture(t, withPart(tc.part), nil)
				if !strings.HasSuffix(bad.File, "fixture-split.yaml") {
					t.Fatalf("data file %s", bad.File)
				}
				refused(t, dryRun, []*dataset.Dataset{good, bad}, dataset.Problem{File: bad.File, Line: 56, Reason: tc.problem})
			})
		}
	}
}
