package dataset_test

import (
	"testing"

	"indicators/internal/dataset"
)

func TestSplitBy(t *testing.T) {
	ds := bundled(t)
	victims2024 := func() []dataset.Observation {
		var out []dataset.Observation
		for _, o := range ds.Observations {
			if o.Indicator == "victims_identified" && o.Period == (dataset.Period{Start: 2024, End: 2024}) {
				out = append(out, o)
			}
		}
		return out
	}()
	tests := []struct {
		name     string
		dim      string
		want     map[string]string
		total    string
		complete bool
		sum      string
		// unallocated is the total minus the sum: "0" when consistent.
		unallocated string
	}{
		{"age: as stated, one short", "AGE", map[string]string{"Y18T25": "12", "Y25T35": "49", "Y_GT35": "29"}, "91", true, "90", "1"},
		{"sex", "SEX", map[string]string{"F": "90", "M": "1"}, "91", true, "91", "0"},
		{"country: finer cells added up per country", "COUNTRY_OF_EXPLOITATION", map[string]string{"TUR": "53", "ARE": "35", "QAT": "2", "AZE": "1"}, "91", true, "91", "0"},
		{"form: finer cells added up per form", "FORM_OF_EXPLOITATION", map[string]string{"SEXUAL": "90", "LABOUR": "1"}, "91", false, "91", "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dim, _ := ds.Dimension(tc.dim)
			split, ok := dataset.SplitBy(victims2024, dim)
			if !ok {
				t.Fatal("no split")
			}
			got := map[string]string{}
			for _, m := range split.Members {
				got[m.Member] = dataset.FormatValue(*m.Value)
			}
			if len(got) != len(tc.want) {
				t.Errorf("members = %v, want %v", got, tc.want)
			}
			for m, v := range tc.want {
				if got[m] != v {
					t.Errorf("%s = %v, want %v", m, got[m], v)
				}
			}
			if split.Total == nil || dataset.FormatValue(split.Total.Value) != tc.total || split.Complete != tc.complete {
				t.Fatalf("total %v complete %v", split.Total, split.Complete)
			}
			if got := dataset.FormatValue(*split.Sum); got != tc.sum {
				t.Errorf("sum = %s, want %s", got, tc.sum)
			}
			if u := dataset.FormatValue(*split.Unallocated); u != tc.unallocated || *split.Consistent != (tc.unallocated == "0") {
				t.Errorf("unallocated = %s consistent %v, want %s", u, *split.Consistent, tc.unallocated)
			}
			for _, m := range split.Members {
				if want, _ := dataset.Ratio(*m.Value, split.Total.Value); m.Share == nil || !m.Share.Equal(want) {
					t.Errorf("share of %s = %v, want %s", m.Member, m.Share, want)
				}
			}
		})
	}
	if _, ok := dataset.SplitBy(victims2024, dataset.Dimension{Code: "TRAINING_AUDIENCE"}); ok {
		t.Error("split by a dimension the indicator is not broken down by")
	}
}

// TestSplitBySuppressed: masked for a client without a key at threshold 5,
// the 1 man among the 91 victims is suppressed, and so is what would tell
// it: the women's 90 (its complement), the sum, the unallocated part,
// whether the members add up, and every share.
func TestSplitBySuppressed(t *testing.T) {
	ds := bundled(t)
	sup := dataset.Suppress(ds.Observations, ds.Dimensions, ds.Relations, 5)
	var victims []dataset.Observation
	for _, o := range ds.Observations {
		if o.Indicator == "victims_identified" && o.Period == (dataset.Period{Start: 2024, End: 2024}) {
			sup.Mask(&o)
			victims = append(victims, o)
		}
	}
	dim, _ := ds.Dimension("SEX")
	split, ok := dataset.SplitBy(victims, dim)
	if !ok {
		t.Fatal("no split")
	}
	if split.Sum != nil || split.Unallocated != nil || split.Consistent != nil {
		t.Errorf("sum %v unallocated %v consistent %v, want all withheld", split.Sum, split.Unallocated, split.Consistent)
	}
	for _, m := range split.Members {
		if m.Value != nil || m.Share != nil {
			t.Errorf("%s: value %v share %v, want withheld", m.Member, m.Value, m.Share)
		}
		for _, o := range m.Observations {
			if o.Suppressed == "" || !o.Value.IsZero() {
				t.Errorf("%s: observation not masked: %+v", m.Member, o)
			}
		}
	}
}
