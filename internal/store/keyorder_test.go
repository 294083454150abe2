package store_test

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/synth"
	"indicators/internal/testdb"
)

// keyOrderFixtures are the datasets TestKeyOrderIsTheCodesOrder pages
// through: the bundled report and a synthetic world-shaped file.
func keyOrderFixtures(t *testing.T) map[string][]*dataset.Dataset {
	t.Helper()
	b, err := os.ReadFile("../dataset/data/az-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bundled, err := dataset.Parse("az-2024.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Options{Observations: 1500, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	world, err := dataset.Parse("synthetic.yaml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]*dataset.Dataset{"bundled": {bundled}, "synthetic": {world}}
}

// forEachLoadedFixture runs fn as a subtest per fixture of
// keyOrderFixtures, each loaded into a database of its own.
func forEachLoadedFixture(t *testing.T, fn func(t *testing.T, s *store.Store, sets []*dataset.Dataset)) {
	t.Helper()
	for name, sets := range keyOrderFixtures(t) {
		t.Run(name, func(t *testing.T) {
			s := testdb.New(t)
			if _, err := s.Load(context.Background(), sets, false); err != nil {
				t.Fatal(err)
			}
			fn(t, s, sets)
		})
	}
}

// TestKeyOrderIsTheCodesOrder pages through observations in the key order,
// end to end by cursor, and requires the rows and cursors of the order by
// the joined codes (indicator, area, period, coordinates, id) the API had
// before migration 0012 gave each row its codes: the same rows in the same
// order, and cursors of the same text, so cursors handed out before keep
// their place. Read as it stood at the only revision (asOf), the same
// filter sorts by the joined codes still, and must page identically.
func TestKeyOrderIsTheCodesOrder(t *testing.T) {
	forEachLoadedFixture(t, func(t *testing.T, s *store.Store, sets []*dataset.Dataset) {
		var first struct{ Indicator, Area, Other string }
		if err := s.AdminDB().QueryRow(`SELECT (SELECT min(code) FROM indicator WHERE id IN (SELECT indicator_id FROM observation)),
			(SELECT max(a.code) FROM ref_area a WHERE id IN (SELECT ref_area_id FROM observation)),
			(SELECT max(code) FROM indicator WHERE id IN (SELECT indicator_id FROM observation))`).Scan(
			&first.Indicator, &first.Area, &first.Other); err != nil {
			t.Fatal(err)
		}
		release := sets[0].Release.Code
		cases := []struct {
			name  string
			f     dataset.Filter
			where string
			args  []any
		}{
			{"every observation", dataset.Filter{}, `TRUE`, nil},
			{"current cells", dataset.Filter{Current: true}, `o.is_current`, nil},
			{"one indicator", dataset.Filter{Indicators: []string{first.Other}}, `i.code = $1`, []any{first.Other}},
			{"two indicators", dataset.Filter{Indicators: []string{first.Other, first.Indicator}}, `i.code IN ($1, $2)`, []any{first.Other, first.Indicator}},
			{"one area, current", dataset.Filter{Current: true, RefAreas: []string{first.Area}}, `o.is_current AND a.code = $1`, []any{first.Area}},
			{"one release, yearly", dataset.Filter{Releases: []string{release}, PeriodLength: new(1)},
				`r.code = $1 AND o.period_start = o.period_end`, []any{release}},
		}
		for _, c := range cases {
			var want []string
			if err := s.AdminDB().Select(&want, `
				SELECT concat_ws(E'\x1f', i.code, a.code, o.period_start, o.period_end, o.coordinate_key, o.id)
				FROM observation o JOIN indicator i ON i.id = o.indicator_id JOIN ref_area a ON a.id = o.ref_area_id
				JOIN release r ON r.id = o.release_id
				WHERE `+c.where+` ORDER BY i.code, a.code, o.period_start, o.period_end, o.coordinate_key, o.id`, c.args...); err != nil {
				t.Fatal(err)
			}
			if len(want) < 2 {
				t.Fatalf("%s: %d rows; the case orders nothing", c.name, len(want))
			}
			asOf := c.f
			asOf.AsOf = &dataset.Vintage{Revision: new(1)}
			for _, f := range []struct {
				name string
				f    dataset.Filter
			}{{"now", c.f}, {"as of revision 1", asOf}} {
				got := pageThrough(t, s, partner, f.f, 61)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s, %s: %d rows in key order, want %d; first difference at %d", c.name, f.name, len(got), len(want), firstDifference(got, want))
				}
			}
		}
	})
}

// pageThrough reads every page of f in the key order, each after the last
// cursor of the one before, and returns each row's cursor, checking that
// it names its row.
func pageThrough(t *testing.T, s *store.Store, ctx context.Context, f dataset.Filter, size int) []string {
	t.Helper()
	var cursors []string
	after := ""
	for {
		p, err := s.Observations(ctx, f, dataset.PageRequest{First: size, After: after, Order: dataset.OrderByKey})
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range p.Observations {
			if !strings.HasSuffix(p.Cursors[i], "\x1f"+strconv.FormatInt(o.ID, 10)) {
				t.Fatalf("cursor %q is not of observation %d", p.Cursors[i], o.ID)
			}
		}
		cursors = append(cursors, p.Cursors...)
		if !p.HasNextPage {
			return cursors
		}
		after = p.Cursors[len(p.Cursors)-1]
	}
}

func firstDifference(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestFirstPagesAreEachParentsPage requires FirstPages, which answers the
// nested connections of many parents in one statement, to give each parent
// the page Observations gives for it alone: the same rows, cursors, next
// page and count. Indicators in the key order over the live table take the
// key order's index and the tally; any other parent, order or revision a
// window over the parents' rows. An unknown code gets an empty page.
func TestFirstPagesAreEachParentsPage(t *testing.T) {
	forEachLoadedFixture(t, func(t *testing.T, s *store.Store, sets []*dataset.Dataset) {
		var indicators, agencies []string
		if err := s.AdminDB().Select(&indicators, `SELECT code FROM indicator WHERE id IN (SELECT indicator_id FROM observation) ORDER BY code`); err != nil {
			t.Fatal(err)
		}
		if err := s.AdminDB().Select(&agencies, `SELECT code FROM agency WHERE id IN (SELECT agency_id FROM observation) ORDER BY code`); err != nil {
			t.Fatal(err)
		}
		var area string
		if err := s.AdminDB().Get(&area, `SELECT a.code FROM observation o JOIN ref_area a ON a.id = o.ref_area_id GROUP BY a.code ORDER BY count(*) DESC, a.code LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			parent dataset.Parent
			f      dataset.Filter
			order  dataset.Order
		}{
			{"indicators, everything", dataset.ByIndicator, dataset.Filter{}, dataset.OrderByKey},
			{"indicators, current (tallied)", dataset.ByIndicator, dataset.Filter{Current: true}, dataset.OrderByKey},
			{"indicators, one area (counted)", dataset.ByIndicator, dataset.Filter{RefAreas: []string{area}}, dataset.OrderByKey},
			{"indicators, totals from 2020", dataset.ByIndicator, dataset.Filter{ExactlyBy: []string{}, PeriodFrom: 2020}, dataset.OrderByKey},
			{"indicators, as of revision 1", dataset.ByIndicator, dataset.Filter{AsOf: &dataset.Vintage{Revision: new(1)}}, dataset.OrderByKey},
			{"indicators, newest first", dataset.ByIndicator, dataset.Filter{Current: true}, dataset.OrderByPeriodDesc},
			{"indicators, largest first", dataset.ByIndicator, dataset.Filter{}, dataset.OrderByValueDesc},
			{"agencies, everything", dataset.ByAgency, dataset.Filter{}, dataset.OrderByKey},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				codes := indicators
				if c.parent == dataset.ByAgency {
					codes = agencies
				}
				codes = append(slices.Clone(codes), "no_such_code")
				for _, first := range []int{1, 7} {
					p := dataset.PageRequest{First: first, Order: c.order, Count: true}
					pages, err := s.FirstPages(partner, c.parent, codes, c.f, p)
					if err != nil {
						t.Fatal(err)
					}
					nonEmpty := 0
					for _, code := range codes {
						f := c.f
						if c.parent == dataset.ByAgency {
							f.Agencies = []string{code}
						} else {
							f.Indicators = []string{code}
						}
						want, err := s.Observations(partner, f, p)
						if err != nil {
							t.Fatal(err)
						}
						got := pages[code]
						if got.TotalCount != want.TotalCount || got.HasNextPage != want.HasNextPage ||
							!slices.Equal(got.Cursors, want.Cursors) || len(got.Observations) != len(want.Observations) {
							t.Errorf("first %d of %s: %d rows of %d (next %v), want %d of %d (next %v); cursors %q, want %q", first, code,
								len(got.Observations), got.TotalCount, got.HasNextPage, len(want.Observations), want.TotalCount, want.HasNextPage,
								got.Cursors, want.Cursors)
						}
						if len(want.Observations) > 0 {
							nonEmpty++
						}
					}
					if nonEmpty < 2 {
						t.Fatalf("%d parents with rows: the case compares nothing", nonEmpty)
					}
				}
			})
		}
	})
}

// TestSlicesHoldWhatSplitByReads requires Slices, which reads a breakdown's
// cells, to keep every row dataset.SplitBy reads: for each current cell
// (indicator, area, period) of the fixtures and each dimension, the split of
// what Slices returns is the split of every current observation of the
// cell. It also requires Slices to leave rows out, which is what it is for.
func TestSlicesHoldWhatSplitByReads(t *testing.T) {
	ctx := context.Background()
	forEachLoadedFixture(t, func(t *testing.T, s *store.Store, sets []*dataset.Dataset) {
		codes, err := s.CodeLists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for who, viewer := range map[string]context.Context{"anonymous": ctx, "partner": partner} {
			type cell struct {
				indicator, area string
				period          dataset.Period
			}
			cells := map[cell][]dataset.Observation{}
			for after := ""; ; {
				p, err := s.Observations(viewer, dataset.Filter{Current: true}, dataset.PageRequest{First: 500, After: after, Order: dataset.OrderByKey})
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range p.Observations {
					c := cell{o.Indicator, o.RefArea, o.Period}
					cells[c] = append(cells[c], o)
				}
				if !p.HasNextPage {
					break
				}
				after = p.Cursors[len(p.Cursors)-1]
			}
			var keys []dataset.SliceKey
			want := map[dataset.SliceKey]dataset.Split{}
			for c, obs := range cells {
				for _, dim := range codes.Dimensions {
					if split, ok := dataset.SplitBy(obs, dim); ok {
						k := dataset.SliceKey{Indicator: c.indicator, RefArea: c.area, Dimension: dim.Code, Period: c.period}
						keys = append(keys, k)
						want[k] = split
					}
				}
			}
			got, err := s.Slices(viewer, keys)
			if err != nil {
				t.Fatal(err)
			}
			fewer := 0
			for _, k := range keys {
				dim, _ := codes.Dimension(k.Dimension)
				split, ok := dataset.SplitBy(got[k], dim)
				if !ok || !reflect.DeepEqual(split, want[k]) {
					t.Errorf("%s: %+v: the split of the slice's %d rows differs from the cell's (%d rows)", who, k, len(got[k]), len(cells[cell{k.Indicator, k.RefArea, k.Period}]))
				}
				if len(got[k]) < len(cells[cell{k.Indicator, k.RefArea, k.Period}]) {
					fewer++
				}
			}
			if len(keys) < 10 || fewer == 0 {
				t.Fatalf("%s: %d breakdowns, %d of them read fewer rows than their cell: the test compares too little", who, len(keys), fewer)
			}
			t.Logf("%s: %d breakdowns, %d read fewer rows than their cell", who, len(keys), fewer)
		}
	})
}

// TestCountsAreTheRowsCounted requires totalCount, a sum over the tally for
// the filters it can answer and a count of rows for the others, to be the
// number of rows paging through the filter reads, for anonymous viewers
// (restricted rows left out) and partners.
func TestCountsAreTheRowsCounted(t *testing.T) {
	ctx := context.Background()
	forEachLoadedFixture(t, func(t *testing.T, s *store.Store, sets []*dataset.Dataset) {
		var first struct{ Indicator, Agency, Area string }
		if err := s.AdminDB().QueryRow(`SELECT i.code, ag.code, a.code FROM observation o JOIN indicator i ON i.id = o.indicator_id
			JOIN agency ag ON ag.id = o.agency_id JOIN ref_area a ON a.id = o.ref_area_id
			GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 1, 2, 3 LIMIT 1`).Scan(&first.Indicator, &first.Agency, &first.Area); err != nil {
			t.Fatal(err)
		}
		year := sets[0].Observations[len(sets[0].Observations)/2].Period
		var brokenDownBy string
		if err := s.AdminDB().Get(&brokenDownBy, `SELECT coordinate_dimensions(coordinate_key) FROM observation o
			JOIN indicator i ON i.id = o.indicator_id WHERE i.code = $1 AND coordinate_key <> ''
			GROUP BY 1 ORDER BY count(*), 1 LIMIT 1`, first.Indicator); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			f    dataset.Filter
			none bool
		}{
			{"exactly by dimensions the indicator has", dataset.Filter{Indicators: []string{first.Indicator}, ExactlyBy: strings.Split(brokenDownBy, ";")}, false},
			{"exactly by dimensions it has not", dataset.Filter{Indicators: []string{first.Indicator}, ExactlyBy: []string{"NO_SUCH_DIMENSION"}}, true},
			{"everything", dataset.Filter{}, false},
			{"current", dataset.Filter{Current: true}, false},
			{"one indicator", dataset.Filter{Indicators: []string{first.Indicator}}, false},
			{"one agency, current", dataset.Filter{Current: true, Agencies: []string{first.Agency}}, false},
			{"from a year", dataset.Filter{PeriodFrom: year.Start}, false},
			{"up to a year, one indicator", dataset.Filter{PeriodTo: year.End, Indicators: []string{first.Indicator}}, false},
			{"one period", dataset.Filter{Periods: []dataset.Period{year}}, false},
			{"yearly, current", dataset.Filter{Current: true, PeriodLength: new(1)}, false},
			{"one indicator and area", dataset.Filter{Indicators: []string{first.Indicator}, RefAreas: []string{first.Area}}, false},
			{"totals of one indicator and area", dataset.Filter{Indicators: []string{first.Indicator}, RefAreas: []string{first.Area}, ExactlyBy: []string{}}, false},
		}
		for _, c := range cases {
			for who, viewer := range map[string]context.Context{"anonymous": ctx, "partner": partner} {
				p, err := s.Observations(viewer, c.f, dataset.PageRequest{First: 1, Order: dataset.OrderByKey, Count: true})
				if err != nil {
					t.Fatal(err)
				}
				rows := len(pageThrough(t, s, viewer, c.f, 500))
				if p.TotalCount != rows {
					t.Errorf("%s, %s: totalCount %d, %d rows", c.name, who, p.TotalCount, rows)
				}
				if (rows == 0) != c.none {
					t.Errorf("%s, %s: %d rows; the case counts nothing", c.name, who, rows)
				}
			}
		}
	})
}
