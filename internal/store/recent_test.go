package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// loadedBundled is a store holding the bundled dataset, and the fixture
// release restating some of its cells when overlap is set.
func loadedBundled(t *testing.T, overlap bool) *store.Store {
	t.Helper()
	ds, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	sets := []*dataset.Dataset{ds}
	if overlap {
		sets = append(sets, parseFixture(t, nil))
	}
	s := testdb.New(t)
	if _, err := s.Load(context.Background(), sets, false); err != nil {
		t.Fatal(err)
	}
	return s
}

// brief renders observations as "indicator period=value (release)", in the
// order given.
func brief(obs []dataset.Observation) string {
	parts := make([]string, len(obs))
	for i, o := range obs {
		parts[i] = fmt.Sprintf("%s %s %s=%s (%s)", o.Indicator, dataset.CoordinateKey(o.Coordinates), o.Period, dataset.FormatValue(o.Value), o.Release)
	}
	return strings.Join(parts, "; ")
}

// TestPeriodAndRecencyFilters: exact periods, period length and the most
// recent N periods of each series, alone, together and with Current, on
// the bundled data (victims identified: 91 in 2024, 91 derived for 2023,
// 1,441 for 2005-2024).
func TestPeriodAndRecencyFilters(t *testing.T) {
	victims := dataset.Filter{Indicators: []string{"victims_identified"}, ExactlyBy: []string{}}
	with := func(edit func(*dataset.Filter)) dataset.Filter {
		f := victims
		edit(&f)
		return f
	}
	p := func(labels ...string) []dataset.Period {
		var out []dataset.Period
		for _, l := range labels {
			pp, err := dataset.ParsePeriod(l)
			if err != nil {
				panic(err)
			}
			out = append(out, pp)
		}
		return out
	}
	tests := []struct {
		name    string
		overlap bool
		filter  dataset.Filter
		want    string // in key order: indicator, area, period, coordinates
	}{
		{"the totals", false, victims,
			"victims_identified  2005-2024=1441 (az-2024); victims_identified  2023=91 (az-2024); victims_identified  2024=91 (az-2024)"},
		{"one multi-year period alone", false, dataset.Filter{Periods: p("2005-2024")},
			"traffickers_prosecuted  2005-2024=650 (az-2024); victims_identified  2005-2024=1441 (az-2024)"},
		{"a year is that year, not the periods within it", false, with(func(f *dataset.Filter) { f.Periods = p("2024") }),
			"victims_identified  2024=91 (az-2024)"},
		{"several periods OR", false, with(func(f *dataset.Filter) { f.Periods = p("2005-2024", "2023") }),
			"victims_identified  2005-2024=1441 (az-2024); victims_identified  2023=91 (az-2024)"},
		{"a period with the same start but another end", false, with(func(f *dataset.Filter) { f.Periods = p("2005-2023") }), ""},
		{"yearly figures", false, with(func(f *dataset.Filter) { f.PeriodLength = ptr(1) }),
			"victims_identified  2023=91 (az-2024); victims_identified  2024=91 (az-2024)"},
		{"twenty-year figures", false, dataset.Filter{PeriodLength: ptr(20)},
			"traffickers_prosecuted  2005-2024=650 (az-2024); victims_identified  2005-2024=1441 (az-2024)"},
		{"four-year figures", false, dataset.Filter{PeriodLength: ptr(4)},
			"forced_labour_victims_change_pct  2019-2022=47 (az-2024)"},
		{"the latest period: yearly before cumulative on the same end year", false, with(func(f *dataset.Filter) { f.LastN = ptr(1) }),
			"victims_identified  2024=91 (az-2024)"},
		{"the two latest periods", false, with(func(f *dataset.Filter) { f.LastN = ptr(2) }),
			"victims_identified  2005-2024=1441 (az-2024); victims_identified  2024=91 (az-2024)"},
		{"the two latest yearly periods", false, with(func(f *dataset.Filter) { f.LastN, f.PeriodLength = ptr(2), ptr(1) }),
			"victims_identified  2023=91 (az-2024); victims_identified  2024=91 (az-2024)"},
		{"the latest within a period range", false, with(func(f *dataset.Filter) { f.LastN, f.PeriodTo = ptr(1), 2023 }),
			"victims_identified  2023=91 (az-2024)"},
		{"lastN per series, each cell of a breakdown its own series", false,
			dataset.Filter{Indicators: []string{"offences_detected"}, LastN: ptr(1)},
			"offences_detected OFFENCE_TYPE=DOCUMENTS 2024=44 (az-2024); offences_detected OFFENCE_TYPE=FORCED_LABOUR 2024=1 (az-2024); offences_detected OFFENCE_TYPE=TIP 2024=161 (az-2024)"},
		{"lastN with a member filter", false,
			dataset.Filter{Indicators: []string{"offences_detected"}, LastN: ptr(1), Members: []dataset.MemberFilter{{Dimension: "OFFENCE_TYPE", Members: []string{"TIP"}}}},
			"offences_detected OFFENCE_TYPE=TIP 2024=161 (az-2024)"},
		{"lastN 2 with a member filter, totals over another dimension", false,
			dataset.Filter{Indicators: []string{"offences_detected"}, LastN: ptr(2), TotalOver: []string{"SEX"},
				Members: []dataset.MemberFilter{{Dimension: "OFFENCE_TYPE", Members: []string{"TIP", "DOCUMENTS"}}}},
			"offences_detected OFFENCE_TYPE=DOCUMENTS 2023=44 (az-2024); offences_detected OFFENCE_TYPE=TIP 2023=159 (az-2024); offences_detected OFFENCE_TYPE=DOCUMENTS 2024=44 (az-2024); offences_detected OFFENCE_TYPE=TIP 2024=161 (az-2024)"},
		{"exact periods and lastN", false, with(func(f *dataset.Filter) { f.Periods, f.LastN = p("2005-2024", "2023"), ptr(1) }),
			"victims_identified  2005-2024=1441 (az-2024)"},
		{"two releases: lastN keeps the latest period of each", true, with(func(f *dataset.Filter) { f.LastN = ptr(1) }),
			"victims_identified  2024=91 (az-2024); victims_identified  2024=91 (fixture-2024)"},
		{"two releases, current cells: lastN keeps one", true, with(func(f *dataset.Filter) { f.LastN, f.Current = ptr(1), true }),
			"victims_identified  2024=91 (fixture-2024)"},
		{"two releases, current cells, exact period", true, with(func(f *dataset.Filter) { f.Periods, f.Current = p("2005-2024"), true }),
			"victims_identified  2005-2024=1441 (fixture-2024)"},
		{"one release named: read as it stands", true, with(func(f *dataset.Filter) {
			f.LastN, f.Current, f.Releases, f.PeriodLength = ptr(2), true, []string{"az-2024"}, ptr(1)
		}), "victims_identified  2023=91 (az-2024); victims_identified  2024=91 (az-2024)"},
	}
	stores := map[bool]*store.Store{false: loadedBundled(t, false), true: loadedBundled(t, true)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.filter.Validate(); err != nil {
				t.Fatal(err)
			}
			s := stores[tc.overlap]
			page, err := s.Observations(context.Background(), tc.filter, dataset.PageRequest{Order: dataset.OrderByKey, First: 100, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := brief(page.Observations); got != tc.want {
				t.Errorf("observations:\n got %s\nwant %s", got, tc.want)
			}
			if n := len(page.Observations); page.TotalCount != n {
				t.Errorf("totalCount %d, rows %d", page.TotalCount, n)
			}
			var streamed []dataset.Observation
			if err := s.EachObservation(context.Background(), tc.filter, func(o dataset.Observation) error {
				streamed = append(streamed, o)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if got := brief(streamed); got != tc.want {
				t.Errorf("streamed (exports):\n got %s\nwant %s", got, tc.want)
			}
		})
	}
	t.Run("lastN 1 over every current cell is one row per series", func(t *testing.T) {
		s := stores[false]
		page, err := s.Observations(context.Background(), dataset.Filter{Current: true, LastN: ptr(1)}, dataset.PageRequest{Order: dataset.OrderByKey, First: 1, Count: true})
		if err != nil {
			t.Fatal(err)
		}
		want := count(t, s, `SELECT count(DISTINCT (indicator_id, ref_area_id, coordinate_key)) FROM observation WHERE is_current`)
		if page.TotalCount != want {
			t.Errorf("totalCount %d, want %d series", page.TotalCount, want)
		}
	})
}

func TestFilterValidateRecency(t *testing.T) {
	tests := []struct {
		name   string
		filter dataset.Filter
		want   string // "" for valid
	}{
		{"exact periods", dataset.Filter{Periods: []dataset.Period{{Start: 2005, End: 2024}, {Start: 2024, End: 2024}}}, ""},
		{"yearly, latest three", dataset.Filter{PeriodLength: ptr(1), LastN: ptr(3)}, ""},
		{"a period outside the years", dataset.Filter{Periods: []dataset.Period{{Start: 1800, End: 2024}}}, "periods: period 1800-2024: year 1800 is not between 1900 and 2200"},
		{"a backwards period", dataset.Filter{Periods: []dataset.Period{{Start: 2024, End: 2005}}}, "periods: period 2024-2005 ends before it starts"},
		{"period length 0", dataset.Filter{PeriodLength: ptr(0)}, "periodLength: 0 is not a number of years between 1 and 301"},
		{"period length too long", dataset.Filter{PeriodLength: ptr(302)}, "periodLength: 302 is not"},
		{"lastN 0", dataset.Filter{LastN: ptr(0)}, "lastN: 0; give at least 1"},
		{"lastN negative", dataset.Filter{LastN: ptr(-2)}, "lastN: -2; give at least 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.filter.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if dataset.CodeOf(err) != dataset.ErrBadInput || !strings.Contains(dataset.MessageOf(err), tc.want) {
				t.Errorf("Validate = %v (%s), want BAD_USER_INPUT %q", err, dataset.CodeOf(err), tc.want)
			}
		})
	}
}

// TestLatest: an indicator's headline value, for many indicators in one
// statement.
func TestLatest(t *testing.T) {
	s := loadedBundled(t, false)
	tests := []struct {
		name string
		key  dataset.LatestKey
		want string // kind and observation; "" for none
	}{
		{"the yearly total, not the cumulative one ending the same year", dataset.LatestKey{Indicator: "victims_identified"},
			"total victims_identified  2024=91 (az-2024)"},
		{"the cumulative total when asked by period length", dataset.LatestKey{Indicator: "victims_identified", PeriodLength: 20},
			"total victims_identified  2005-2024=1441 (az-2024)"},
		{"only a cumulative total stated", dataset.LatestKey{Indicator: "traffickers_prosecuted"},
			"total traffickers_prosecuted  2005-2024=650 (az-2024)"},
		{"no yearly total of it", dataset.LatestKey{Indicator: "traffickers_prosecuted", PeriodLength: 1}, ""},
		{"no total: the declared headline cell", dataset.LatestKey{Indicator: "offences_detected"},
			"headline_cell offences_detected OFFENCE_TYPE=TIP 2024=161 (az-2024)"},
		{"no total, no headline cell", dataset.LatestKey{Indicator: "labour_inspections"}, ""},
		{"its main area", dataset.LatestKey{Indicator: "forced_labour_victims_change_pct"},
			"total forced_labour_victims_change_pct  2019-2022=47 (az-2024)"},
		{"an area named", dataset.LatestKey{Indicator: "glotip_countries_covered", RefArea: "WLD"},
			"total glotip_countries_covered  2024=156 (az-2024)"},
		{"an area without it", dataset.LatestKey{Indicator: "victims_identified", RefArea: "WLD"}, ""},
	}
	keys := make([]dataset.LatestKey, len(tests))
	for i, tc := range tests {
		keys[i] = tc.key
	}
	got, err := s.Latest(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := got[tc.key]
			s := ""
			if ok {
				s = string(h.Kind) + " " + brief([]dataset.Observation{h.Observation})
			}
			if s != tc.want {
				t.Errorf("latest = %q, want %q", s, tc.want)
			}
		})
	}
}

// TestSeriesPeriods: a series holds periods of one length, within a range.
func TestSeriesPeriods(t *testing.T) {
	s := loadedBundled(t, false)
	victims := dataset.SeriesKey{Indicator: "victims_identified"}
	tests := []struct {
		name string
		key  dataset.SeriesKey
		want string
	}{
		{"yearly by default", victims, "victims_identified  2023=91 (az-2024); victims_identified  2024=91 (az-2024)"},
		{"cumulative when asked", dataset.SeriesKey{Indicator: "victims_identified", PeriodLength: 20}, "victims_identified  2005-2024=1441 (az-2024)"},
		{"from", dataset.SeriesKey{Indicator: "victims_identified", From: 2024}, "victims_identified  2024=91 (az-2024)"},
		{"to", dataset.SeriesKey{Indicator: "victims_identified", To: 2023}, "victims_identified  2023=91 (az-2024)"},
		{"only cumulative figures: their length", dataset.SeriesKey{Indicator: "traffickers_prosecuted"}, "traffickers_prosecuted  2005-2024=650 (az-2024)"},
		{"a range holding none", dataset.SeriesKey{Indicator: "traffickers_prosecuted", From: 2024}, ""},
		{"a cell", dataset.SeriesKey{Indicator: "offences_detected", CoordinateKey: "OFFENCE_TYPE=TIP"},
			"offences_detected OFFENCE_TYPE=TIP 2023=159 (az-2024); offences_detected OFFENCE_TYPE=TIP 2024=161 (az-2024)"},
	}
	keys := make([]dataset.SeriesKey, len(tests))
	for i, tc := range tests {
		keys[i] = tc.key
	}
	got, err := s.Series(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if g := brief(got[tc.key]); g != tc.want {
				t.Errorf("series:\n got %s\nwant %s", g, tc.want)
			}
		})
	}
	if !slices.IsSortedFunc(got[victims], func(a, b dataset.Observation) int { return a.Period.Start - b.Period.Start }) {
		t.Errorf("series not oldest first: %s", brief(got[victims]))
	}
}

// TestHeadlineDeclarationsFollowTheirRelease: a headline cell belongs to the
// release that declares it. A later edition saying nothing keeps it; the
// declaring file, corrected without it, withdraws it.
func TestHeadlineDeclarationsFollowTheirRelease(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	// hotline_calls broken down by sex, without a total.
	edition := func(code string, year int, declare bool) *dataset.Dataset {
		return parseFixture(t, func(text string) string {
			text = strings.Replace(text, "code: fixture-2024", "code: "+code, 1)
			text = strings.Replace(text, "reference_year: 2024", fmt.Sprintf("reference_year: %d", year), 1)
			text = strings.Replace(text, "    qualifier: exact\n", "    qualifier: exact\n    by: {SEX: F}\n", 1)
			if declare {
				text = strings.Replace(text, "    theme: protection\nobservations:", "    theme: protection\n    headline: {by: {SEX: F}}\nobservations:", 1)
			}
			return text
		})
	}
	key := dataset.LatestKey{Indicator: "hotline_calls"}
	steps := []struct {
		name     string
		load     *dataset.Dataset
		want     string
		headline string // Indicator.Headline read back
	}{
		{"the edition declaring it", edition("e-2024", 2024, true), "headline_cell hotline_calls SEX=F 2024=10254 (e-2024)", "SEX=F"},
		{"a later edition restating the cell without a declaration", edition("e-2025", 2025, false), "headline_cell hotline_calls SEX=F 2024=10254 (e-2025)", "SEX=F"},
		{"the declaring file corrected without it", edition("e-2024", 2024, false), "", ""},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			if _, err := s.Load(ctx, []*dataset.Dataset{step.load}, false); err != nil {
				t.Fatal(err)
			}
			got, err := s.Latest(ctx, []dataset.LatestKey{key})
			if err != nil {
				t.Fatal(err)
			}
			g := ""
			if h, ok := got[key]; ok {
				g = string(h.Kind) + " " + brief([]dataset.Observation{h.Observation})
			}
			if g != step.want {
				t.Errorf("latest = %q, want %q", g, step.want)
			}
			lists, err := s.CodeLists(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ind := range lists.Indicators {
				if ind.Code == "hotline_calls" && dataset.CoordinateKey(ind.Headline) != step.headline {
					t.Errorf("headline read back %v, want {%s}", ind.Headline, step.headline)
				}
			}
		})
	}
}

// TestKeyedReadsNamingEveryArea: a batch whose keys all name their area is
// read by a statement without the main-area lookup (areaOfKey); its answers
// are those the same keys get in a batch that needs the lookup, an unknown
// area giving nothing.
func TestKeyedReadsNamingEveryArea(t *testing.T) {
	s := loadedBundled(t, false)
	ctx := context.Background()
	tests := []struct {
		name string
		read func(mainAreaToo bool) (map[string]string, error)
	}{
		{"latest", func(mainAreaToo bool) (map[string]string, error) {
			keys := []dataset.LatestKey{{Indicator: "victims_identified", RefArea: "AZE"}, {Indicator: "glotip_countries_covered", RefArea: "WLD"},
				{Indicator: "victims_identified", RefArea: "WLD"}, {Indicator: "victims_identified", RefArea: "NOWHERE"}}
			asked := keys
			if mainAreaToo {
				asked = append(slices.Clone(keys), dataset.LatestKey{Indicator: "victims_identified"})
			}
			got, err := s.Latest(ctx, asked)
			out := map[string]string{}
			for _, k := range keys {
				if h, ok := got[k]; ok {
					out[k.Indicator+" "+k.RefArea] = string(h.Kind) + " " + brief([]dataset.Observation{h.Observation})
				}
			}
			return out, err
		}},
		{"series", func(mainAreaToo bool) (map[string]string, error) {
			keys := []dataset.SeriesKey{{Indicator: "victims_identified", RefArea: "AZE"}, {Indicator: "offences_detected", RefArea: "AZE", CoordinateKey: "OFFENCE_TYPE=TIP"},
				{Indicator: "victims_identified", RefArea: "NOWHERE"}}
			asked := keys
			if mainAreaToo {
				asked = append(slices.Clone(keys), dataset.SeriesKey{Indicator: "victims_identified"})
			}
			got, err := s.Series(ctx, asked)
			out := map[string]string{}
			for _, k := range keys {
				out[k.Indicator+" "+k.RefArea+" "+k.CoordinateKey] = brief(got[k])
			}
			return out, err
		}},
		{"slices", func(mainAreaToo bool) (map[string]string, error) {
			y2024 := dataset.Period{Start: 2024, End: 2024}
			keys := []dataset.SliceKey{{Indicator: "victims_identified", RefArea: "AZE", Dimension: "SEX", Period: y2024},
				{Indicator: "victims_identified", RefArea: "AZE", Dimension: "AGE"}, {Indicator: "victims_identified", RefArea: "NOWHERE", Dimension: "SEX"}}
			asked := keys
			if mainAreaToo {
				asked = append(slices.Clone(keys), dataset.SliceKey{Indicator: "victims_identified", Dimension: "SEX"})
			}
			got, err := s.Slices(ctx, asked)
			out := map[string]string{}
			for _, k := range keys {
				out[k.Indicator+" "+k.RefArea+" "+k.Dimension+" "+k.Period.String()] = brief(got[k])
			}
			return out, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			named, err := tc.read(false)
			if err != nil {
				t.Fatal(err)
			}
			beside, err := tc.read(true)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(named, beside) {
				t.Errorf("keys naming every area:\n%v\nthe same beside a main-area key:\n%v", named, beside)
			}
			if nonEmpty := slices.ContainsFunc(slices.Collect(maps.Values(named)), func(v string) bool { return v != "" }); !nonEmpty {
				t.Errorf("every key read nothing: %v", named)
			}
			for k, v := range named {
				if strings.Contains(k, "NOWHERE") && v != "" {
					t.Errorf("%s: an unknown area read %s", k, v)
				}
			}
		})
	}
}
