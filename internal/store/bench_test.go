package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/synth"
	"indicators/internal/testdb"
)

// Benchmarks for the load and the queries the API and exports run, on the
// bundled report and on a synthetic dataset shaped like the target: many
// countries x twenty years x every breakdown (internal/synth). Run with
//
//	go test ./internal/store -run '^$' -bench . -benchtime 20x
//
// and set BENCH_OBSERVATIONS (default 200000) for the synthetic size.

func BenchmarkLoadBundled(b *testing.B) {
	s := testdb.New(b)
	ds, err := dataset.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// A new checksum each round makes every load a full replace.
		ds.Release.Checksum = fmt.Sprintf("%064x", i)
		if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ds.Observations)), "observations/load")
}

// synthetic parses a synthetic world dataset of about n observations, the
// file `indicators synth` writes.
func synthetic(b *testing.B, n int) *dataset.Dataset {
	b.Helper()
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Options{Observations: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	ds, err := dataset.Parse("synthetic.yaml", buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	return ds
}

func benchObservations() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_OBSERVATIONS")); err == nil && v > 0 {
		return v
	}
	return 200_000
}

func BenchmarkScale(b *testing.B) {
	s := testdb.New(b)
	ctx := context.Background()
	ds := synthetic(b, benchObservations())
	// Codes the queries name: indicators broken down by sex and age, and
	// the first countries.
	const indicator, other = "victims_identified", "offences_detected"
	areas := []string{"AFG", "AGO", "ALB"}
	// The queries below need the data whichever sub-benchmarks -bench selects.
	if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
		b.Fatal(err)
	}
	// A corrected file stating everything again keeps every row; one
	// restating every figure differently moves every row to history.
	b.Run("replace", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			ds.Release.Checksum = fmt.Sprintf("%064x", i+1)
			if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(ds.Observations)), "observations/load")
	})
	b.Run("replace changing every figure", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			for j := range ds.Observations {
				ds.Observations[j].Value = ds.Observations[j].Value.Add(decimal.NewFromInt(1))
			}
			ds.Release.Checksum = fmt.Sprintf("%064x", 1<<30+i)
			if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(ds.Observations)), "observations/load")
	})
	if _, err := s.AdminDB().ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	queries := []struct {
		name   string
		filter dataset.Filter
		order  dataset.Order
	}{
		{"one cell series", dataset.Filter{Indicators: []string{indicator}, RefAreas: []string{areas[1]}, ExactlyBy: []string{}}, dataset.OrderByKey},
		{"one indicator by sex, a year", dataset.Filter{Indicators: []string{indicator}, PeriodFrom: 2020, PeriodTo: 2020,
			Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}, dataset.OrderByKey},
		{"everything, first page", dataset.Filter{}, dataset.OrderByKey},
		{"everything, largest first", dataset.Filter{}, dataset.OrderByValueDesc},
		{"totals over age of one country", dataset.Filter{RefAreas: []string{areas[2]}, TotalOver: []string{"AGE"}}, dataset.OrderByPeriodDesc},
		{"latest 3 years of one indicator by sex", dataset.Filter{Current: true, Indicators: []string{indicator}, LastN: ptr(3),
			Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}, dataset.OrderByKey},
		{"latest period of every series", dataset.Filter{Current: true, LastN: ptr(1)}, dataset.OrderByKey},
		{"exact periods", dataset.Filter{Periods: []dataset.Period{{Start: 2010, End: 2010}, {Start: 2020, End: 2020}}, RefAreas: []string{areas[1]}}, dataset.OrderByKey},
	}
	for _, q := range queries {
		b.Run("page of 100: "+q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Observations(ctx, q.filter, dataset.PageRequest{Order: q.order, First: 100, Count: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("first pages of 10 indicators", func(b *testing.B) {
		codes := make([]string, 10)
		for i := range codes {
			codes[i] = ds.Indicators[i].Code
		}
		for b.Loop() {
			if _, err := s.FirstPages(ctx, dataset.ByIndicator, codes, dataset.Filter{RefAreas: []string{areas[1]}}, dataset.PageRequest{Order: dataset.OrderByKey, First: 20, Count: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("latest of 10 indicators in 10 countries", func(b *testing.B) {
		var keys []dataset.LatestKey
		for _, ind := range ds.Indicators[:10] {
			for _, area := range ds.RefAreas[1:11] { // after WLD
				keys = append(keys, dataset.LatestKey{Indicator: ind.Code, RefArea: area.Code})
			}
		}
		for b.Loop() {
			if _, err := s.Latest(ctx, keys); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A correction of one figure: the nightly pull's question, and the
	// dataset read as it stood before it.
	before, err := s.DatasetVersion(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ds.Observations[len(ds.Observations)/2].Value = ds.Observations[len(ds.Observations)/2].Value.Add(decimal.NewFromInt(1))
	ds.Release.Checksum = fmt.Sprintf("%064x", 1<<40)
	if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
		b.Fatal(err)
	}
	since := int(before.Revision)
	b.Run("changes since the revision before a one-figure correction", func(b *testing.B) {
		for b.Loop() {
			page, err := s.Changes(ctx, dataset.ChangeRequest{Since: dataset.Vintage{Revision: &since}, Kinds: dataset.ChangeKinds, First: 100, Count: true})
			if err != nil || page.TotalCount != 1 {
				b.Fatalf("%d changes, %v; want 1", page.TotalCount, err)
			}
		}
	})
	for _, q := range []struct {
		name   string
		filter dataset.Filter
	}{
		{"one indicator by sex, a year", dataset.Filter{Indicators: []string{indicator}, PeriodFrom: 2020, PeriodTo: 2020,
			Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}},
		{"everything", dataset.Filter{}},
	} {
		b.Run("page of 100 as of the revision before: "+q.name, func(b *testing.B) {
			f := q.filter
			f.Current, f.AsOf = true, &dataset.Vintage{Revision: &since}
			for b.Loop() {
				if _, err := s.Observations(ctx, f, dataset.PageRequest{Order: dataset.OrderByKey, First: 100}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("stream one indicator", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := s.EachObservation(ctx, dataset.Filter{Indicators: []string{other}}, func(dataset.Observation) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func ptr(n int) *int { return &n }
