package dataset_test

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/synth"
)

// TestSuppressMatchesReference: the incremental elimination decides what the
// rule it replaced decided (dataset.SuppressReference, kept in the package's
// tests: the whole reduction redone for every hidden cell), cell for cell,
// reason for reason and text for text, on the bundled report, on the
// property test's random datasets, on random systems of several indicators,
// areas and years linked by stated changes and sum relations, and on small
// world-shaped synth files.
func TestSuppressMatchesReference(t *testing.T) {
	type system struct {
		obs  []dataset.Observation
		dims []dataset.Dimension
		rels []dataset.Relation
	}
	cases := map[string]system{}
	var names []string
	add := func(name string, s system) {
		names = append(names, name)
		cases[name] = s
	}
	ds, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	add("bundled", system{ds.Observations, ds.Dimensions, ds.Relations})
	for seed := range uint64(150) {
		r := rand.New(rand.NewPCG(seed, 11))
		obs, dims := randomDataset(r)
		for i := range obs {
			obs[i].Restricted = r.IntN(10) == 0
		}
		add(fmt.Sprint("random-dataset-", seed), system{obs, dims, nil})
	}
	for seed := range uint64(150) {
		obs, dims, rels := randomSystem(rand.New(rand.NewPCG(seed, 12)))
		add(fmt.Sprint("random-system-", seed), system{obs, dims, rels})
	}
	// The smallest world-shaped file is one country in two years (2,714
	// observations), which the reference takes a minute or more to decide
	// (TestSuppressRecorded compares it whole, with recorded answers):
	// here its cells of one dimension, and of AGE by another.
	world := syntheticWorld(t, 1)
	for _, part := range []struct {
		name string
		keep func(o dataset.Observation) bool
	}{
		{"one-dimension", func(o dataset.Observation) bool { return len(o.Coordinates) <= 1 }},
		{"age-crossed", func(o dataset.Observation) bool {
			return len(o.Coordinates) <= 1 || o.Coordinates[0].Dimension == "AGE"
		}},
	} {
		var obs []dataset.Observation
		for _, o := range world.Observations {
			if part.keep(o) {
				obs = append(obs, o)
			}
		}
		add("synthetic-"+part.name, system{obs, world.Dimensions, world.Relations})
	}
	suppressed := 0
	for _, name := range names {
		sys := cases[name]
		t.Run(name, func(t *testing.T) {
			for _, threshold := range []int64{0, 2, 3, 5, 8, 12} {
				got := dataset.Suppress(sys.obs, sys.dims, sys.rels, threshold)
				want := dataset.SuppressReference(sys.obs, sys.dims, sys.rels, threshold)
				if diff := dataset.SuppressionDiff(want, got); diff != "" {
					t.Errorf("threshold %d: reference, incremental: %s", threshold, diff)
				}
				for _, o := range sys.obs {
					if r, _ := got.Cell(o); r == dataset.SuppressedComplement {
						suppressed++
					}
				}
			}
		})
	}
	if suppressed == 0 {
		t.Error("no complement chosen in any case: the comparison tests nothing")
	}
}

// randomSystem draws one to three indicators over one to three areas and
// two to four consecutive years, each series broken down as randomDataset's
// are, some cells stating their change on the previous year, sum relations
// between the indicators' totals, cells restricted, in one release or two.
func randomSystem(r *rand.Rand) ([]dataset.Observation, []dataset.Dimension, []dataset.Relation) {
	d1, d2 := randomDimension("d1", 2+r.IntN(2)), randomDimension("d2", 2+r.IntN(2))
	indicators := 1 + r.IntN(3)
	areas, years := 1+r.IntN(3), 2+r.IntN(3)
	var obs []dataset.Observation
	values := map[string]decimal.Decimal{} // the last value of each cell
	for ind := range indicators {
		var dims []dataset.Dimension
		switch r.IntN(4) {
		case 0:
		case 1:
			dims = []dataset.Dimension{d1}
		case 2:
			dims = []dataset.Dimension{d2}
		default:
			dims = []dataset.Dimension{d1, d2}
		}
		cross := len(dims) == 2 && r.IntN(2) == 0
		for a := range areas {
			for y := range years {
				for _, rel := range []string{"a", "b"} {
					if rel == "b" && r.IntN(3) > 0 {
						continue
					}
					var cells []dataset.Observation
					if len(dims) == 0 {
						cells = []dataset.Observation{{Release: rel, Value: decimal.NewFromInt(int64(r.IntN(12))), Status: dataset.Reported}}
					} else {
						cells = seriesCells(r, rel, 0, dims, cross)
					}
					for i := range cells {
						o := &cells[i]
						o.Indicator, o.RefArea = fmt.Sprint("i", ind), fmt.Sprint("A", a)
						o.Period = dataset.Period{Start: 2020 + y, End: 2020 + y}
						prev := *o
						prev.Period = o.Period.Previous()
						if v, ok := values[prev.Key()]; ok && r.IntN(2) == 0 {
							change := o.Value.Sub(v)
							o.Change = &change
						}
						o.Restricted = r.IntN(12) == 0
						values[o.Key()] = o.Value
					}
					obs = append(obs, cells...)
				}
			}
		}
	}
	var rels []dataset.Relation
	if indicators == 3 {
		for a := range areas {
			for y := range years {
				if r.IntN(2) == 0 {
					continue
				}
				key := func(ind int) string {
					return dataset.Observation{Indicator: fmt.Sprint("i", ind), RefArea: fmt.Sprint("A", a),
						Period: dataset.Period{Start: 2020 + y, End: 2020 + y}}.Key()
				}
				rels = append(rels, dataset.Relation{Kind: dataset.SumOf, Whole: key(0), Parts: []string{key(1), key(2)}})
			}
		}
	}
	return obs, []dataset.Dimension{d1, d2}, rels
}

// TestSuppressPaths names the ways the incremental elimination can go, each
// against what a client could compute and against the reference rule.
func TestSuppressPaths(t *testing.T) {
	in := func(o dataset.Observation, area string, year int) dataset.Observation {
		o.RefArea, o.Period = area, dataset.Period{Start: year, End: year}
		return o
	}
	changed := func(o dataset.Observation, by int64) dataset.Observation {
		c := decimal.NewFromInt(by)
		o.Change = &c
		return o
	}
	restricted := func(o dataset.Observation) dataset.Observation {
		o.Restricted = true
		return o
	}
	ind := func(code string, v int64) dataset.Observation { return indicator(cell("a", v), code) }
	key := func(code string) string { return ind(code, 0).Key() }
	tests := []struct {
		name string
		obs  []dataset.Observation
		rels []dataset.Relation
		want map[string]dataset.SuppressionReason
	}{
		{
			name: "several components, each decided alone",
			obs: []dataset.Observation{
				in(cell("a", 10), "AZE", 2024), in(cell("a", 2, "sex=F"), "AZE", 2024), in(cell("a", 8, "sex=M"), "AZE", 2024),
				in(cell("a", 30), "GEO", 2024), in(cell("a", 28, "sex=F"), "GEO", 2024), in(cell("a", 2, "sex=M"), "GEO", 2024),
				in(cell("a", 9), "ARM", 2024), in(cell("a", 5, "sex=F"), "ARM", 2024), in(cell("a", 4, "sex=M"), "ARM", 2024),
			},
			want: map[string]dataset.SuppressionReason{
				"victims AZE 2024 sex=F": dataset.SuppressedSmall, "victims AZE 2024 sex=M": dataset.SuppressedComplement,
				"victims GEO 2024 sex=M": dataset.SuppressedSmall, "victims GEO 2024 sex=F": dataset.SuppressedComplement,
			},
		},
		{
			name: "a component that needs secondary suppression beside one that does not",
			obs: []dataset.Observation{
				in(cell("a", 10), "AZE", 2024), in(cell("a", 2, "sex=F"), "AZE", 2024), in(cell("a", 8, "sex=M"), "AZE", 2024),
				in(cell("a", 10), "GEO", 2024), in(cell("a", 2, "age=child"), "GEO", 2024),
			},
			want: map[string]dataset.SuppressionReason{
				"victims AZE 2024 sex=F": dataset.SuppressedSmall, "victims AZE 2024 sex=M": dataset.SuppressedComplement,
				"victims GEO 2024 age=child": dataset.SuppressedSmall,
			},
		},
		{
			// x = T − r and r = S − w: neither equation alone gives x.
			name: "a cell recoverable only through two equations",
			obs:  []dataset.Observation{ind("T", 12), ind("x", 2), restricted(ind("r", 10)), ind("S", 15), ind("w", 5)},
			rels: []dataset.Relation{
				{Kind: dataset.SumOf, Whole: key("T"), Parts: []string{key("x"), key("r")}},
				{Kind: dataset.SumOf, Whole: key("S"), Parts: []string{key("r"), key("w")}},
			},
			want: map[string]dataset.SuppressionReason{"x AZE 2024 ": dataset.SuppressedSmall, "T AZE 2024 ": dataset.SuppressedComplement},
		},
		{
			// x + y = p, y + z = q, x + z = u with y and z restricted: each
			// equation has two unknowns, the three give x = (p − q + u)/2.
			name: "a cell recoverable only through three equations with two unknowns each",
			obs:  []dataset.Observation{ind("p", 7), ind("q", 14), ind("u", 11), ind("x", 2), restricted(ind("y", 5)), restricted(ind("z", 9))},
			rels: []dataset.Relation{
				{Kind: dataset.SumOf, Whole: key("p"), Parts: []string{key("x"), key("y")}},
				{Kind: dataset.SumOf, Whole: key("q"), Parts: []string{key("y"), key("z")}},
				{Kind: dataset.SumOf, Whole: key("u"), Parts: []string{key("x"), key("z")}},
			},
			want: map[string]dataset.SuppressionReason{"x AZE 2024 ": dataset.SuppressedSmall, "p AZE 2024 ": dataset.SuppressedComplement},
		},
		{
			// F 2024 = F 2023 + 1: hiding F 2023 (small) withholds the
			// change; M 2023 then follows from the 2023 total and is hidden,
			// which withholds its change and reveals nothing else.
			name: "a withheld change removes its equation",
			obs: []dataset.Observation{
				in(cell("a", 11), "AZE", 2023), in(cell("a", 2, "sex=F"), "AZE", 2023), in(cell("a", 9, "sex=M"), "AZE", 2023),
				in(cell("a", 13), "AZE", 2024), changed(in(cell("a", 3+1, "sex=F"), "AZE", 2024), 2), changed(in(cell("a", 9, "sex=M"), "AZE", 2024), 0),
			},
			want: map[string]dataset.SuppressionReason{
				"victims AZE 2023 sex=F": dataset.SuppressedSmall, "victims AZE 2023 sex=M": dataset.SuppressedComplement,
			},
		},
		{
			// M 2023 is restricted, but M 2024 and its change are published:
			// the change's equation gives M 2023, and with it F 2023.
			name: "a restricted cell known through a published change",
			obs: []dataset.Observation{
				in(cell("a", 11), "AZE", 2023), in(cell("a", 2, "sex=F"), "AZE", 2023), restricted(in(cell("a", 9, "sex=M"), "AZE", 2023)),
				in(cell("a", 20), "AZE", 2024), in(cell("a", 6, "sex=F"), "AZE", 2024), changed(in(cell("a", 14, "sex=M"), "AZE", 2024), 5),
			},
			want: map[string]dataset.SuppressionReason{
				"victims AZE 2023 sex=F": dataset.SuppressedSmall, "victims AZE 2023 ": dataset.SuppressedComplement,
			},
		},
	}
	dims := []dataset.Dimension{sexDim, ageDim}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := dataset.Suppress(tc.obs, dims, tc.rels, 3)
			got := map[string]dataset.SuppressionReason{}
			for _, o := range tc.obs {
				if r, ok := s.Cell(o); ok {
					got[o.Key()] = r
				}
			}
			if tc.want != nil && !equalReasons(got, tc.want) {
				t.Errorf("suppressed %v, want %v", got, tc.want)
			}
			if diff := dataset.SuppressionDiff(dataset.SuppressReference(tc.obs, dims, tc.rels, 3), s); diff != "" {
				t.Errorf("reference, incremental: %s", diff)
			}
			if leaked := leaks(tc.obs, dims, tc.rels, s); len(leaked) > 0 {
				t.Errorf("computable from what is published: %v", leaked)
			}
		})
	}
}

// syntheticWorld is the world-shaped file `indicators synth` writes for
// about n observations (whole country-years), parsed.
func syntheticWorld(tb testing.TB, n int) *dataset.Dataset {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Options{Observations: n, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	world, err := dataset.Parse("synthetic.yaml", buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return world
}

var record = flag.Bool("record", false, "TestSuppressRecorded: decide the recorded answers anew with the reference rule (minutes)")

// TestSuppressRecorded compares Suppress with the reference rule's answers
// on the smallest world-shaped file (one country, two years, 2,714
// observations, whose series are cross-classified and linked across the
// years by stated changes) at thresholds 3, 5 and 10, recorded in testdata
// because the reference takes minutes: `go test ./internal/dataset -run
// TestSuppressRecorded -record` writes them anew from the reference.
func TestSuppressRecorded(t *testing.T) {
	world := syntheticWorld(t, 1)
	for _, threshold := range []int64{3, 5, 10} {
		t.Run(fmt.Sprint(threshold), func(t *testing.T) {
			path := fmt.Sprintf("testdata/suppress-synthetic-%d.txt", threshold)
			if *record {
				ref := dataset.SuppressReference(world.Observations, world.Dimensions, world.Relations, threshold)
				if err := os.WriteFile(path, []byte(strings.Join(dataset.SuppressionLines(ref), "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := dataset.SuppressionLines(dataset.Suppress(world.Observations, world.Dimensions, world.Relations, threshold))
			wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
			if len(wantLines) < 100 {
				t.Fatalf("%s records %d lines: too few to test anything", path, len(wantLines))
			}
			if d := lineDiff(wantLines, got); d != "" {
				t.Errorf("recorded (reference), incremental:\n%s", d)
			}
		})
	}
}

// lineDiff lists the lines of want missing from got (-) and of got missing
// from want (+), at most 20 of each.
func lineDiff(want, got []string) string {
	in := func(lines []string) map[string]bool {
		m := map[string]bool{}
		for _, l := range lines {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var out []string
	for _, side := range []struct {
		sign  string
		lines []string
		other map[string]bool
	}{{"-", want, g}, {"+", got, w}} {
		n := 0
		for _, l := range side.lines {
			if !side.other[l] && n < 20 {
				out = append(out, side.sign+" "+l)
				n++
			}
		}
	}
	return strings.Join(out, "\n")
}
