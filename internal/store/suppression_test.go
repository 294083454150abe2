package store_test

import (
	"context"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// TestSuppressionFollowsLoads: the suppression is held between reads, and
// a row a later load wrote is never masked by a decision that has not seen
// it, even before the load's notification arrives: the corrected file adds
// the 1 man, and the same read then hides him and the 90 women his
// complement, ordered and cursored as suppressed; a partner still reads
// both.
func TestSuppressionFollowsLoads(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t, store.WithSuppressBelow(5))
	store.HoldSuppression(s)
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
		t.Fatal(err)
	}
	f := dataset.Filter{Current: true, Indicators: []string{"victims_identified"}, Periods: []dataset.Period{{Start: 2024, End: 2024}}, ExactlyBy: []string{"SEX"}}
	read := func(ctx context.Context) map[string]string {
		t.Helper()
		page, err := s.Observations(ctx, f, dataset.PageRequest{Order: dataset.OrderByValueDesc, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for i, o := range page.Observations {
			v := dataset.FormatValue(o.Value)
			if o.Suppressed != "" {
				v = string(o.Suppressed)
				// Ordered by the decision that has seen the load: the
				// cursor carries no value.
				if !strings.HasPrefix(page.Cursors[i], "-Infinity\x1f") {
					t.Errorf("%s: cursor %q", o.Key(), page.Cursors[i])
				}
			}
			out[dataset.CoordinateKey(o.Coordinates)] = v
		}
		return out
	}
	if got := read(ctx); len(got) != 1 || got["SEX=F"] != "90" {
		t.Fatalf("before: %v, want the 90 women published", got)
	}
	corrected := parseFixture(t, func(text string) string {
		return strings.Replace(text, "    quote: (90 women, 1 man)\n", `    quote: (90 women, 1 man)
  - indicator: victims_identified
    period: 2024
    value: 1
    agency: MIA_DCTHB
    by: {SEX: M}
    section: Criminal Prosecution and Work with Victims
    quote: (90 women, 1 man)
`, 1)
	})
	if _, err := s.Load(ctx, []*dataset.Dataset{corrected}, false); err != nil {
		t.Fatal(err)
	}
	if got := read(ctx); len(got) != 2 || got["SEX=M"] != string(dataset.SuppressedSmall) || got["SEX=F"] != string(dataset.SuppressedComplement) {
		t.Errorf("after the load, anonymous: %v, want both suppressed", got)
	}
	if got := read(partner); got["SEX=M"] != "1" || got["SEX=F"] != "90" {
		t.Errorf("partner: %v, want 1 and 90", got)
	}
}
