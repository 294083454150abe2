package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/testdb"
)

// release makes a copy of the fixture under another release code and
// reference year, with the 2024 total ("91 (unchanged)") rewritten.
func release(t *testing.T, code string, year int, total string) *dataset.Dataset {
	t.Helper()
	return parseFixture(t, func(s string) string {
		s = strings.Replace(s, "code: fixture-2024", "code: "+code, 1)
		s = strings.Replace(s, "reference_year: 2024", "reference_year: "+strconv.Itoa(year), 1)
		return strings.Replace(s, "period: 2024\n    value: 91\n    change: unchanged", total, 1)
	})
}

// TestCurrentCells follows the current observation of two cells through a
// sequence of loads: the precedence rule (reported over derived, then the
// newer release by reference year, then code) decided by the load, and
// decided again when a release is replaced.
func TestCurrentCells(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	cell2024 := dataset.Cell{Indicator: "victims_identified", RefArea: "AZE", Period: dataset.Period{Start: 2024, End: 2024}}
	cell2023 := cell2024
	cell2023.Period = dataset.Period{Start: 2023, End: 2023}
	type want struct {
		release string
		value   int64
		status  dataset.Status
	}
	steps := []struct {
		name       string
		load       *dataset.Dataset
		want2024   want
		want2023   want
		wantAbsent bool // 2023 has no observation
	}{
		{"first release: its figures and the value it derives",
			release(t, "r-2024", 2024, "period: 2024\n    value: 91\n    change: unchanged"),
			want{"r-2024", 91, dataset.Reported}, want{"r-2024", 91, dataset.Derived}, false},
		{"a newer release deriving 2024 does not displace the reported figure",
			release(t, "r-2025", 2025, "period: 2025\n    value: 100\n    change: \"+9\""),
			want{"r-2024", 91, dataset.Reported}, want{"r-2024", 91, dataset.Derived}, false},
		{"a newer release stating 2024 wins it",
			release(t, "r-2025b", 2025, "period: 2024\n    value: 92\n    change: \"+2\""),
			want{"r-2025b", 92, dataset.Reported}, want{"r-2025b", 90, dataset.Derived}, false},
		{"same reference year: the later release code wins",
			release(t, "r-2025c", 2025, "period: 2024\n    value: 93\n    change: \"+3\""),
			want{"r-2025c", 93, dataset.Reported}, want{"r-2025c", 90, dataset.Derived}, false},
		{"replacing the winner with an older edition hands the cells back",
			release(t, "r-2025c", 2023, "period: 2024\n    value: 93\n    change: \"+3\""),
			want{"r-2025b", 92, dataset.Reported}, want{"r-2025b", 90, dataset.Derived}, false},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			if _, err := s.Load(ctx, []*dataset.Dataset{step.load}, false); err != nil {
				t.Fatal(err)
			}
			got, err := s.CurrentObservations(ctx, []dataset.Cell{cell2024, cell2023})
			if err != nil {
				t.Fatal(err)
			}
			for cell, w := range map[dataset.Cell]want{cell2024: step.want2024, cell2023: step.want2023} {
				o, ok := got[cell]
				if !ok || o.Release != w.release || !o.Value.Equal(decimal.NewFromInt(w.value)) || o.Status != w.status {
					t.Errorf("current %s %s = %s %v %s, want %s %v %s", cell.Indicator, cell.Period, o.Release, o.Value, o.Status, w.release, w.value, w.status)
				}
			}
			if n := count(t, s, `SELECT count(*) FROM (
				SELECT count(*) FILTER (WHERE is_current) AS c FROM observation
				GROUP BY indicator_id, ref_area_id, period_start, period_end, coordinate_key) x WHERE c <> 1`); n != 0 {
				t.Errorf("%d cells do not have exactly one current observation", n)
			}
		})
	}
}
