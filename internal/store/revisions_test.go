package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// Releases for the revision tests: r-2024 is the fixture; r-2025 restates
// every figure of it, changes the 2024 total (91 to 92) and adds a 2025
// figure; its corrected file drops that figure again and changes the women
// (90 to 89).
const addedFigure = `  - indicator: hotline_calls
    period: 2025
    value: 11000
    agency: MIA
    section: Criminal Prosecution and Work with Victims
    quote: 11,000 calls
ignored:`

func releases(t *testing.T) (r2024, r2025, r2025corrected *dataset.Dataset) {
	t.Helper()
	newer := func(s string) string {
		s = strings.Replace(s, "code: fixture-2024", "code: r-2025", 1)
		s = strings.Replace(s, "reference_year: 2024", "reference_year: 2025", 1)
		return strings.Replace(s, "period: 2024\n    value: 91\n    change: unchanged", "period: 2024\n    value: 92\n    change: \"+1\"", 1)
	}
	r2024 = parseFixture(t, func(s string) string { return strings.Replace(s, "code: fixture-2024", "code: r-2024", 1) })
	r2025 = parseFixture(t, func(s string) string { return strings.Replace(newer(s), "ignored:", addedFigure, 1) })
	r2025corrected = parseFixture(t, func(s string) string { return strings.Replace(newer(s), "value: 90\n", "value: 89\n", 1) })
	return r2024, r2025, r2025corrected
}

// current renders what a filter reads, one line per observation.
func current(t *testing.T, s *store.Store, f dataset.Filter) []string {
	t.Helper()
	var out []string
	if err := s.EachObservation(context.Background(), f, func(o dataset.Observation) error {
		out = append(out, fmt.Sprintf("%s %s %s r%d %s", o.Key(), o.Value, o.Status, o.Revision, o.Release))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func rev(n int) *dataset.Vintage { return &dataset.Vintage{Revision: &n} }

// TestRevisions loads a release, a newer one restating its cells, and a
// corrected file replacing the newer one, and follows every revision: the
// revisions, the revision of each observation, the change feed between any
// two of them, and each revision read back as it stood.
func TestRevisions(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t)
	r2024, r2025, corrected := releases(t)

	// What was current after each revision, to read back with asOf.
	stood := map[int][]string{0: nil}
	byRelease := map[int][]string{}
	for i, ds := range []*dataset.Dataset{r2024, r2025, corrected} {
		res, err := s.Load(ctx, []*dataset.Dataset{ds}, false)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Revision != int64(i+1) {
			t.Fatalf("load %d made revision %d, want %d", i+1, res[0].Revision, i+1)
		}
		stood[i+1] = current(t, s, dataset.Filter{Current: true})
		byRelease[i+1] = current(t, s, dataset.Filter{Releases: []string{"r-2025"}})
	}
	// The same file again: no revision.
	if res, err := s.Load(ctx, []*dataset.Dataset{corrected}, false); err != nil || res[0].Revision != 0 {
		t.Fatalf("reload: revision %d, %v; want none", res[0].Revision, err)
	}

	revs, err := s.Revisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var gotRevs []string
	for i, r := range revs {
		gotRevs = append(gotRevs, fmt.Sprintf("%d %s %s", r.Number, r.Release, r.Action))
		if i > 0 && !r.LoadedAt.After(revs[i-1].LoadedAt) {
			t.Errorf("revision %d loaded at %s, not after %s", r.Number, r.LoadedAt, revs[i-1].LoadedAt)
		}
	}
	if want := []string{"1 r-2024 loaded", "2 r-2025 loaded", "3 r-2025 replaced"}; !slices.Equal(gotRevs, want) {
		t.Errorf("revisions = %q, want %q", gotRevs, want)
	}
	v, err := s.DatasetVersion(ctx)
	if err != nil || v.Revision != 3 || !v.UpdatedAt.Equal(revs[2].LoadedAt) {
		t.Errorf("version = %+v, %v; want revision 3 at %s", v, err, revs[2].LoadedAt)
	}

	t.Run("observations keep the revision that last changed them", func(t *testing.T) {
		want := []string{
			"hotline_calls AZE 2023  9626 derived r2 r-2025",
			"hotline_calls AZE 2024  10254 reported r2 r-2025",
			"victims_identified AZE 2005-2024  1441 reported r2 r-2025",
			"victims_identified AZE 2023  91 derived r2 r-2025",
			"victims_identified AZE 2024  92 reported r2 r-2025",
			"victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F 53 reported r2 r-2025",
			"victims_identified AZE 2024 SEX=F 89 reported r3 r-2025",
		}
		if got := current(t, s, dataset.Filter{Current: true}); !slices.Equal(got, want) {
			t.Errorf("current cells:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("asOf reads each revision as it stood", func(t *testing.T) {
		for r := 0; r <= 3; r++ {
			if got := current(t, s, dataset.Filter{Current: true, AsOf: rev(r)}); !slices.Equal(got, stood[r]) {
				t.Errorf("as of %d:\n%s\nwant\n%s", r, strings.Join(got, "\n"), strings.Join(stood[r], "\n"))
			}
			if r == 0 {
				continue
			}
			got := current(t, s, dataset.Filter{Releases: []string{"r-2025"}, AsOf: rev(r)})
			if !slices.Equal(got, byRelease[r]) {
				t.Errorf("r-2025 as of %d:\n%s\nwant\n%s", r, strings.Join(got, "\n"), strings.Join(byRelease[r], "\n"))
			}
		}
		// A time stands for the last revision loaded at or before it;
		// filters on coordinates read a replaced row's coordinates.
		at := revs[1].LoadedAt
		f := dataset.Filter{Current: true, AsOf: &dataset.Vintage{Time: &at},
			Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}, ExactlyBy: []string{"SEX"}}
		if got, want := current(t, s, f), []string{"victims_identified AZE 2024 SEX=F 90 reported r2 r-2025"}; !slices.Equal(got, want) {
			t.Errorf("women as of revision 2's time = %q, want %q", got, want)
		}
		page, err := s.Observations(ctx, f, dataset.PageRequest{Order: dataset.OrderByKey, First: 10, Count: true})
		if err != nil || page.TotalCount != 1 || len(page.Observations) != 1 {
			t.Errorf("page as of revision 2: %d of %d, %v; want 1 of 1", len(page.Observations), page.TotalCount, err)
		}
	})

	t.Run("lastN ranks the periods of the revision read", func(t *testing.T) {
		// Each series' most recent period among the cells as they stood,
		// not among the cells current now (2024 ranks before 2005-2024;
		// revision 2 added a 2025 figure that revision 3 dropped).
		one := 1
		for _, tc := range []struct {
			revision int
			want     []string
		}{
			{1, []string{
				"hotline_calls AZE 2024  10254 reported r1 r-2024",
				"victims_identified AZE 2024  91 reported r1 r-2024",
				"victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F 53 reported r1 r-2024",
				"victims_identified AZE 2024 SEX=F 90 reported r1 r-2024",
			}},
			{2, []string{
				"hotline_calls AZE 2025  11000 reported r2 r-2025",
				"victims_identified AZE 2024  92 reported r2 r-2025",
				"victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F 53 reported r2 r-2025",
				"victims_identified AZE 2024 SEX=F 90 reported r2 r-2025",
			}},
			{3, []string{
				"hotline_calls AZE 2024  10254 reported r2 r-2025",
				"victims_identified AZE 2024  92 reported r2 r-2025",
				"victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F 53 reported r2 r-2025",
				"victims_identified AZE 2024 SEX=F 89 reported r3 r-2025",
			}},
		} {
			if got := current(t, s, dataset.Filter{Current: true, AsOf: rev(tc.revision), LastN: &one}); !slices.Equal(got, tc.want) {
				t.Errorf("lastN 1 as of %d:\n%s\nwant\n%s", tc.revision, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		}
	})

	t.Run("updatedAfter keeps what later revisions wrote", func(t *testing.T) {
		for _, tc := range []struct {
			after int
			want  int
		}{{0, 7}, {1, 7}, {2, 1}, {3, 0}} {
			if got := current(t, s, dataset.Filter{Current: true, UpdatedAfter: rev(tc.after)}); len(got) != tc.want {
				t.Errorf("updated after %d: %d observations, want %d: %q", tc.after, len(got), tc.want, got)
			}
		}
	})

	before := revs[0].LoadedAt.Add(-time.Second)
	cases := []struct {
		name  string
		since dataset.Vintage
		kinds []dataset.ChangeKind
		want  []string
	}{
		{"since the empty dataset every cell is added", *rev(0), dataset.FigureChanges, []string{
			"added hotline_calls AZE 2023  - 9626 r2", "added hotline_calls AZE 2024  - 10254 r2",
			"added victims_identified AZE 2005-2024  - 1441 r2", "added victims_identified AZE 2023  - 91 r2",
			"added victims_identified AZE 2024  - 92 r2",
			"added victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F - 53 r2",
			"added victims_identified AZE 2024 SEX=F - 89 r3",
		}},
		{"a time before the first revision is revision 0", dataset.Vintage{Time: &before}, []dataset.ChangeKind{dataset.ChangeChanged}, nil},
		{"since the first release: the figures the second changed", *rev(1), dataset.FigureChanges, []string{
			"changed victims_identified AZE 2024  91 92 r2", "changed victims_identified AZE 2024 SEX=F 90 89 r3",
		}},
		{"restated cells on request; a figure added and removed since is none", *rev(1), dataset.ChangeKinds, []string{
			"restated hotline_calls AZE 2023  9626 9626 r2", "restated hotline_calls AZE 2024  10254 10254 r2",
			"restated victims_identified AZE 2005-2024  1441 1441 r2", "restated victims_identified AZE 2023  91 91 r2",
			"changed victims_identified AZE 2024  91 92 r2",
			"restated victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F 53 53 r2",
			"changed victims_identified AZE 2024 SEX=F 90 89 r3",
		}},
		{"since the second: what the correction changed and removed", *rev(2), dataset.ChangeKinds, []string{
			"removed hotline_calls AZE 2025  11000 - r3", "changed victims_identified AZE 2024 SEX=F 90 89 r3",
		}},
		{"the second's time is the second", dataset.Vintage{Time: &revs[1].LoadedAt}, dataset.ChangeKinds, []string{
			"removed hotline_calls AZE 2025  11000 - r3", "changed victims_identified AZE 2024 SEX=F 90 89 r3",
		}},
		{"since the latest nothing", *rev(3), dataset.ChangeKinds, nil},
		{"one kind", *rev(2), []dataset.ChangeKind{dataset.ChangeRemoved}, []string{"removed hotline_calls AZE 2025  11000 - r3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// One change a page: the cursors walk the whole feed.
			var got []string
			after := ""
			for {
				page, err := s.Changes(ctx, dataset.ChangeRequest{Since: tc.since, Kinds: tc.kinds, First: 1, After: after, Count: true})
				if err != nil {
					t.Fatal(err)
				}
				if page.TotalCount != len(tc.want) {
					t.Errorf("totalCount = %d, want %d", page.TotalCount, len(tc.want))
				}
				for _, c := range page.Changes {
					got = append(got, describeChange(c))
				}
				if !page.HasNextPage {
					break
				}
				after = page.Cursors[len(page.Cursors)-1]
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func describeChange(c dataset.Change) string {
	value := func(o *dataset.Observation) string {
		if o == nil {
			return "-"
		}
		return o.Value.String()
	}
	cell := dataset.Observation{Indicator: c.Indicator, RefArea: c.RefArea, Period: c.Period, Coordinates: c.Coordinates}
	return fmt.Sprintf("%s %s %s %s r%d", c.Kind, cell.Key(), value(c.Before), value(c.After), c.Revision)
}

// TestMigrationGivesExistingRowsRevisions: a database loaded before
// revisions existed gets one revision per release, in load order, and each
// observation its release's.
func TestMigrationGivesExistingRowsRevisions(t *testing.T) {
	ctx := context.Background()
	r2024, r2025, _ := releases(t)
	s, dsn := loadedDatabase(t, []*dataset.Dataset{r2025}, []*dataset.Dataset{r2024})
	before := current(t, s, dataset.Filter{})
	if err := store.MigrateTo(ctx, dsn, 4); err != nil {
		t.Fatalf("down to 4: %v", err)
	}
	if err := store.Migrate(ctx, dsn); err != nil {
		t.Fatalf("up again: %v", err)
	}
	revs, err := s.Revisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Release != "r-2025" || revs[1].Release != "r-2024" {
		t.Errorf("revisions after migration = %+v, want r-2025 then r-2024", revs)
	}
	if after := current(t, s, dataset.Filter{}); !slices.Equal(after, before) {
		t.Errorf("observations after migration:\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}

// TestReplaceKeepsUnchangedRows: a corrected file that moves every line
// and changes one figure replaces only that figure and the value derived
// from it; the rest keep their ids and revision, with their new lines.
func TestReplaceKeepsUnchangedRows(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t)
	type row struct {
		ID       int64
		Line     int
		Revision int64
	}
	rows := func() map[string]row {
		t.Helper()
		out := map[string]row{}
		if err := s.EachObservation(ctx, dataset.Filter{}, func(o dataset.Observation) error {
			out[o.Key()+" "+string(o.Status)] = row{o.ID, o.Line, o.Revision}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
		t.Fatal(err)
	}
	before := rows()
	corrected := parseFixture(t, func(s string) string {
		s = strings.Replace(s, "format: indicators/v1\n", "format: indicators/v1\n# Corrected: the hotline figure.\n", 1)
		return strings.Replace(s, "value: 10254", "value: 10255", 1)
	})
	res, err := s.Load(ctx, []*dataset.Dataset{corrected}, false)
	if err != nil || res[0].Action != store.Replaced || res[0].Revision != 2 {
		t.Fatalf("load = %+v, %v; want replaced as revision 2", res, err)
	}
	after := rows()
	changed := map[string]bool{"hotline_calls AZE 2024  reported": true, "hotline_calls AZE 2023  derived": true}
	for key, old := range before {
		now, ok := after[key]
		switch {
		case !ok:
			t.Errorf("%s: gone", key)
		case changed[key] && (now.ID == old.ID || now.Revision != 2):
			t.Errorf("%s: id %d revision %d, want a new row of revision 2", key, now.ID, now.Revision)
		case !changed[key] && (now.ID != old.ID || now.Revision != 1 || now.Line != old.Line+1):
			t.Errorf("%s: %+v, want the row %+v kept, one line down", key, now, old)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM observation_history WHERE revision_id = 1 AND replaced_in = 2`); n != len(changed) {
		t.Errorf("history rows replaced in revision 2: %d, want %d", n, len(changed))
	}
	got := current(t, s, dataset.Filter{Current: true, AsOf: rev(1), Indicators: []string{"hotline_calls"}})
	if want := []string{"hotline_calls AZE 2023  9626 derived r1 fixture-2024", "hotline_calls AZE 2024  10254 reported r1 fixture-2024"}; !slices.Equal(got, want) {
		t.Errorf("hotline as of revision 1 = %q, want %q", got, want)
	}
}

// TestAsOfKeepsThePrecedenceOfItsTime: a corrected file that makes its
// release older hands the cells back to the other release from then on,
// and an earlier revision still reads the winner of its time.
func TestAsOfKeepsThePrecedenceOfItsTime(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	older := release(t, "r-2025", 2023, "period: 2024\n    value: 92\n    change: \"+1\"")
	for _, ds := range []*dataset.Dataset{
		release(t, "r-2024", 2024, "period: 2024\n    value: 91\n    change: unchanged"),
		release(t, "r-2025", 2025, "period: 2024\n    value: 92\n    change: \"+1\""),
		older,
	} {
		if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
			t.Fatal(err)
		}
	}
	total := dataset.Filter{Current: true, Indicators: []string{"victims_identified"}, PeriodFrom: 2024, PeriodTo: 2024, ExactlyBy: []string{}}
	for _, tc := range []struct {
		revision int
		want     string
	}{
		{1, "victims_identified AZE 2024  91 reported r1 r-2024"},
		{2, "victims_identified AZE 2024  92 reported r2 r-2025"},
		{3, "victims_identified AZE 2024  91 reported r1 r-2024"},
	} {
		f := total
		f.AsOf = rev(tc.revision)
		if got := current(t, s, f); len(got) != 1 || got[0] != tc.want {
			t.Errorf("as of %d: %q, want %q", tc.revision, got, tc.want)
		}
	}
	page, err := s.Changes(ctx, dataset.ChangeRequest{Since: *rev(2), Kinds: dataset.ChangeKinds, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range page.Changes {
		got = append(got, describeChange(c))
	}
	if !slices.Contains(got, "changed victims_identified AZE 2024  92 91 r3") {
		t.Errorf("changes since 2 = %q, want the total back to 91 in revision 3", got)
	}
}
