package synth_test

import (
	"bytes"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/synth"
)

func write(t *testing.T, o synth.Options) ([]byte, synth.Stats) {
	t.Helper()
	var b bytes.Buffer
	st, err := synth.Write(&b, o)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), st
}

func TestDeterministicFromSeed(t *testing.T) {
	a, _ := write(t, synth.Options{Observations: 3000, Seed: 7})
	b, _ := write(t, synth.Options{Observations: 3000, Seed: 7})
	c, _ := write(t, synth.Options{Observations: 3000, Seed: 8})
	if !bytes.Equal(a, b) {
		t.Error("the same seed and size wrote different files")
	}
	if bytes.Equal(a, c) {
		t.Error("two seeds wrote the same file")
	}
}

// TestShape checks that a generated file is a valid data file shaped like
// the world: the report's indicators, countries with their ISO and M49
// codes, twenty years, totals whose breakdowns add up, qualifiers and
// derived values.
func TestShape(t *testing.T) {
	cases := []struct {
		name      string
		size      int
		areas     int
		years     int
		yearsFrom int
		// Breakdowns compares every total with every group: too slow for
		// tens of thousands.
		checkSums bool
	}{
		{"small: one country, a few years", 2000, 1, 2, 2023, true},
		{"several countries, twenty years", 30_000, 2, 20, 2005, false},
	}
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, st := write(t, synth.Options{Observations: tc.size, Seed: 1})
			ds, err := dataset.Parse("synthetic.yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			if st.Areas != tc.areas || st.Years != tc.years {
				t.Errorf("%s; want %d countries, %d years", st, tc.areas, tc.years)
			}
			if got := len(ds.Observations); got != st.Reported+st.Derived || got < tc.size {
				t.Errorf("%d observations parsed; stats %s, asked for %d", got, st, tc.size)
			}
			if len(ds.Indicators) != len(bundled.Indicators) {
				t.Errorf("%d indicators, the report has %d", len(ds.Indicators), len(bundled.Indicators))
			}
			areas, qualified, derived := map[string]bool{}, 0, 0
			minYear := 9999
			for _, o := range ds.Observations {
				areas[o.RefArea] = true
				minYear = min(minYear, o.Period.Start)
				if o.Qualifier != dataset.Exact {
					qualified++
				}
				if o.Status == dataset.Derived {
					derived++
				}
			}
			if len(areas) != tc.areas || minYear > tc.yearsFrom {
				t.Errorf("%d areas from %d; want %d from %d", len(areas), minYear, tc.areas, tc.yearsFrom)
			}
			if derived != st.Derived || derived == 0 || qualified == 0 {
				t.Errorf("%d derived (stats %d), %d qualified: want some of each", derived, st.Derived, qualified)
			}
			for _, a := range ds.RefAreas {
				if a.Code != "WLD" && (a.ISO2 == "" || a.ISO3 != a.Code || len(a.M49) != 3) {
					t.Errorf("area %+v lacks its ISO 3166 or M49 codes", a)
				}
			}
			if !tc.checkSums {
				return
			}
			inconsistent := 0
			for _, b := range dataset.Breakdowns(ds.Observations, ds.Dimensions) {
				if b.Inconsistent() {
					inconsistent++
				}
			}
			if inconsistent != 0 {
				t.Errorf("%d breakdowns do not add up to their totals", inconsistent)
			}
		})
	}
}

func TestWorldSize(t *testing.T) {
	// The default size fits in the world: 193 countries x 20 years.
	var n countingWriter
	st, err := synth.Write(&n, synth.Options{Observations: synth.WorldObservations, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Areas > 193 || st.Years != 20 || st.Reported+st.Derived < synth.WorldObservations {
		t.Errorf("world: %s; want at least %d observations", st, synth.WorldObservations)
	}
}

type countingWriter int

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
