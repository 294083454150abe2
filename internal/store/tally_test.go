package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// tallyDrift is every group where observation_tally (migration 0012),
// observation_key_tally (0015) or observation_area_tally (0017) disagrees
// with the live observations counted afresh: empty when the triggers kept
// them.
func tallyDrift(t *testing.T, s *store.Store) string {
	t.Helper()
	var drift []string
	if err := s.AdminDB().Select(&drift, `
		WITH counted AS (
		    SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
		           regexp_replace(coordinate_key, '=[^;]*', '', 'g') AS dimensions, count(*) AS n
		    FROM observation GROUP BY 1, 2, 3, 4, 5, 6, 7),
		kept AS (SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions, n FROM observation_tally),
		keys_counted AS (
		    SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end, coordinate_key, count(*) AS n
		    FROM observation GROUP BY 1, 2, 3, 4, 5, 6, 7),
		keys_kept AS (SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end, coordinate_key, n FROM observation_key_tally),
		areas_counted AS (
		    SELECT ref_area_id, period_start, period_end, indicator_id, restricted, is_current, agency_id, count(*) AS n
		    FROM observation GROUP BY 1, 2, 3, 4, 5, 6, 7),
		areas_kept AS (SELECT ref_area_id, period_start, period_end, indicator_id, restricted, is_current, agency_id, n FROM observation_area_tally)
		SELECT 'counted ' || c::text FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) c
		UNION ALL
		SELECT 'kept ' || k::text FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) k
		UNION ALL
		SELECT 'counted by key ' || c::text FROM (SELECT * FROM keys_counted EXCEPT SELECT * FROM keys_kept) c
		UNION ALL
		SELECT 'kept by key ' || k::text FROM (SELECT * FROM keys_kept EXCEPT SELECT * FROM keys_counted) k
		UNION ALL
		SELECT 'counted by area ' || c::text FROM (SELECT * FROM areas_counted EXCEPT SELECT * FROM areas_kept) c
		UNION ALL
		SELECT 'kept by area ' || k::text FROM (SELECT * FROM areas_kept EXCEPT SELECT * FROM areas_counted) k
		ORDER BY 1`); err != nil {
		t.Fatalf("compare the tallies: %v", err)
	}
	return strings.Join(drift, "\n")
}

// facetsAfresh are the indicators' facets grouped from the observations
// themselves, as FacetsOfIndicators read them before the tally, for the
// viewer: restricted ones only for a partner.
func facetsAfresh(t *testing.T, s *store.Store, partner bool) string {
	t.Helper()
	var rows []string
	if err := s.AdminDB().Select(&rows, `
		SELECT i.code || ' ' || array_to_string(array_agg(DISTINCT ag.code ORDER BY ag.code), ',') || ' ' ||
		       array_to_string(array_agg(DISTINCT o.period_start || '-' || o.period_end ORDER BY o.period_start || '-' || o.period_end), ',') || ' ' ||
		       COALESCE(array_to_string(array_agg(DISTINCT split_part(k.pair, '=', 1) ORDER BY split_part(k.pair, '=', 1))
		                FILTER (WHERE k.pair IS NOT NULL), ','), '')
		FROM observation o JOIN indicator i ON i.id = o.indicator_id JOIN agency ag ON ag.id = o.agency_id
		LEFT JOIN LATERAL unnest(string_to_array(NULLIF(o.coordinate_key, ''), ';')) AS k(pair) ON true
		WHERE $1 OR NOT o.restricted
		GROUP BY i.code ORDER BY 1`, partner); err != nil {
		t.Fatalf("group the facets afresh: %v", err)
	}
	return strings.Join(rows, "\n")
}

func renderFacets(facets map[string]dataset.IndicatorFacets) string {
	var rows []string
	for code, f := range facets {
		periods := make([]string, len(f.Periods))
		for i, p := range f.Periods {
			periods[i] = fmt.Sprintf("%d-%d", p.Start, p.End)
		}
		rows = append(rows, code+" "+pqText(f.Agencies)+" "+pqText(periods)+" "+pqText(f.Dimensions))
	}
	return strings.Join(sortedStrings(rows), "\n")
}

func pqText(v []string) string {
	return strings.Join(sortedStrings(append([]string(nil), v...)), ",")
}

func sortedIDs(ids []int64) []int64 { return slices.Sorted(slices.Values(ids)) }

func sortedStrings(v []string) []string {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
	return v
}

// TestTallyFollowsLoads follows observation_tally, the counts totalCount
// sums and the groups the facets are read from, through loads that add a
// release, restate its cells, restrict some, replace a release with fewer
// figures, stream one, and remove one (the cascade from release): after
// each, the tally equals the observations counted afresh; totalCount of
// every filter it serves equals the rows the same filter reads, for an
// anonymous client and a partner; and the facets equal the ones grouped
// from the rows.
func TestTallyFollowsLoads(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	restricted := func(code string) *dataset.Dataset {
		return parseFixture(t, func(text string) string {
			text = strings.Replace(text, "code: fixture-2024", "code: "+code, 1)
			text = strings.Replace(text, "reference_year: 2024", "reference_year: 2026", 1)
			text = strings.Replace(text, "    unit: calls\n    theme: protection\n", "    unit: calls\n    theme: protection\n    restricted: true\n", 1)
			return strings.Replace(text, "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: true\n", 1)
		})
	}
	withoutHotline := func(code string) *dataset.Dataset {
		return parseFixture(t, func(text string) string {
			text = strings.Replace(text, "code: fixture-2024", "code: "+code, 1)
			text = strings.Replace(text, "reference_year: 2024", "reference_year: 2025", 1)
			start := strings.Index(text, "  - indicator: hotline_calls\n")
			end := strings.Index(text, "ignored:")
			return text[:start] + text[end:]
		})
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"first release", func() error {
			_, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false)
			return err
		}},
		{"a newer release restates every cell", func() error {
			_, err := s.Load(ctx, []*dataset.Dataset{release(t, "r-2025", 2025, "period: 2024\n    value: 92\n    change: \"+2\"")}, false)
			return err
		}},
		{"a restricted release wins cells", func() error {
			_, err := s.Load(ctx, []*dataset.Dataset{restricted("r-restricted")}, false)
			return err
		}},
		{"a replace drops a figure and changes one", func() error {
			_, err := s.Load(ctx, []*dataset.Dataset{withoutHotline("r-2025")}, false)
			return err
		}},
		{"the restricted release replaced as public", func() error {
			_, err := s.Load(ctx, []*dataset.Dataset{release(t, "r-restricted", 2026, "period: 2024\n    value: 93\n    change: \"+3\"")}, false)
			return err
		}},
		{"a streamed release replaces the first", func() error {
			_, err := s.Load(ctx, []*dataset.Dataset{splitFixture(t, nil, nil)}, false)
			return err
		}},
		{"a removed release", func() error {
			_, err := s.AdminDB().Exec(`DELETE FROM release WHERE code = 'r-2025'`)
			return err
		}},
	}
	filters := []struct {
		name string
		f    dataset.Filter
	}{
		{"every observation", dataset.Filter{}},
		{"current cells", dataset.Filter{Current: true}},
		{"one indicator", dataset.Filter{Indicators: []string{"victims_identified"}}},
		{"one indicator, current", dataset.Filter{Current: true, Indicators: []string{"hotline_calls"}}},
		{"two indicators", dataset.Filter{Indicators: []string{"victims_identified", "hotline_calls"}}},
		{"a theme, current", dataset.Filter{Current: true, Themes: []dataset.Theme{"protection"}}},
		{"one member", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}},
		{"one member of a finer cell", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "COUNTRY_OF_EXPLOITATION", Members: []string{"TUR"}}}}},
		{"members of two dimensions, current", dataset.Filter{Current: true, Indicators: []string{"victims_identified"},
			Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F", "M"}}, {Dimension: "COUNTRY_OF_EXPLOITATION", Members: []string{"TUR"}}}}},
		{"a member no cell has", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"X"}}}}},
		{"a member named with another's text", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F;COUNTRY_OF_EXPLOITATION=TUR"}}}}},
		{"a dimension no indicator has", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "FORM", Members: []string{"F"}}}}},
		{"no member listed", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "SEX"}}}},
		{"totals over a dimension", dataset.Filter{TotalOver: []string{"COUNTRY_OF_EXPLOITATION"}}},
		{"totals over two dimensions, current", dataset.Filter{Current: true, TotalOver: []string{"SEX", "COUNTRY_OF_EXPLOITATION"}}},
		{"broken down by a dimension", dataset.Filter{BrokenDownBy: []string{"SEX"}}},
		{"broken down by two, in a period", dataset.Filter{BrokenDownBy: []string{"SEX", "COUNTRY_OF_EXPLOITATION"}, PeriodFrom: 2024, PeriodTo: 2024}},
		{"broken down by one, totals over another", dataset.Filter{BrokenDownBy: []string{"SEX"}, TotalOver: []string{"COUNTRY_OF_EXPLOITATION"}}},
		{"exactly by a dimension, of one member", dataset.Filter{ExactlyBy: []string{"SEX"}, Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}},
		{"the totals", dataset.Filter{ExactlyBy: []string{}}},
		{"one area", dataset.Filter{RefAreas: []string{"AZE"}}},
		{"one area's year", dataset.Filter{RefAreas: []string{"AZE"}, PeriodFrom: 2024, PeriodTo: 2024}},
		{"one area's indicator, current", dataset.Filter{Current: true, RefAreas: []string{"AZE"}, Indicators: []string{"victims_identified"}}},
		{"two areas, a theme", dataset.Filter{RefAreas: []string{"AZE", "WLD"}, Themes: []dataset.Theme{"protection"}}},
		{"an area no cell has", dataset.Filter{RefAreas: []string{"WLD"}}},
		{"an area's totals", dataset.Filter{RefAreas: []string{"AZE"}, ExactlyBy: []string{}}},
		{"an area's cells of one member", dataset.Filter{RefAreas: []string{"AZE"}, Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}},
	}
	sawRestricted := false
	viewers := []struct {
		name    string
		ctx     context.Context
		partner bool
	}{{"anonymous", ctx, false}, {"partner", partner, true}}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var restrictedRows int
		if err := s.AdminDB().Get(&restrictedRows, `SELECT count(*) FROM observation WHERE restricted`); err != nil {
			t.Fatal(err)
		}
		sawRestricted = sawRestricted || restrictedRows > 0
		if drift := tallyDrift(t, s); drift != "" {
			t.Errorf("%s: the tally differs from the observations:\n%s", st.name, drift)
		}
		for _, v := range viewers {
			for _, f := range filters {
				p, err := s.Observations(v.ctx, f.f, dataset.PageRequest{First: 100, Order: dataset.OrderByKey, Count: true})
				if err != nil {
					t.Fatalf("%s, %s, %s: %v", st.name, v.name, f.name, err)
				}
				var rows []int64
				if err := s.EachObservation(v.ctx, f.f, func(o dataset.Observation) error { rows = append(rows, o.ID); return nil }); err != nil {
					t.Fatal(err)
				}
				if p.TotalCount != len(rows) {
					t.Errorf("%s, %s, %s: totalCount %d, rows %d", st.name, v.name, f.name, p.TotalCount, len(rows))
				}
				// The page, which the tally narrows to the indicators
				// with such cells, holds the same rows.
				var page []int64
				for _, o := range p.Observations {
					page = append(page, o.ID)
				}
				if p.HasNextPage || !slices.Equal(sortedIDs(page), sortedIDs(rows)) {
					t.Errorf("%s, %s, %s: the page holds %v (more: %v), the rows are %v", st.name, v.name, f.name, page, p.HasNextPage, rows)
				}
			}
			facets, err := s.FacetsOfIndicators(v.ctx, []string{"victims_identified", "hotline_calls"})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := renderFacets(facets), facetsAfresh(t, s, v.partner); got != want {
				t.Errorf("%s, %s: facets\n%s\nwant, from the rows:\n%s", st.name, v.name, got, want)
			}
		}
	}
	// The steps reached what they were meant to: restricted rows, rows
	// that are not current, and a release gone.
	var notCurrent, releases int
	if err := s.AdminDB().QueryRow(`SELECT count(*) FILTER (WHERE NOT is_current), (SELECT count(*) FROM release)
		FROM observation`).Scan(&notCurrent, &releases); err != nil {
		t.Fatal(err)
	}
	if !sawRestricted || notCurrent == 0 || releases != 2 {
		t.Errorf("after the steps: restricted rows seen %v, %d rows not current, %d releases; want true, some and 2",
			sawRestricted, notCurrent, releases)
	}
}
