package report

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
)

// The classification measure: how often a draft files a figure under the
// indicator, and the indicator and breakdown, an answer key gives it. The
// 2024 text's key is the curated data file; the variant editions under
// testdata/editions were written by hand from it the way next year's report
// may differ (reworded, reordered and new list items, numbers in words, new
// members, bounds, chart legends), each with a key written by hand.

// keyAnswer is one acceptable classification of a figure.
type keyAnswer struct {
	indicator string            // "new": a proposed indicator
	by        map[string]string // member "new": a proposed member of that dimension
}

// keyEntry is what the key expects of one number of the text.
type keyEntry struct {
	number    int
	kind      string // "figure", "also" (folded into main's observation), "ignored"
	value     string
	qualifier dataset.Qualifier
	period    string
	answers   []keyAnswer
	main      int // for "also": the number whose observation must state it
	unit      string
	theme     dataset.Theme
	agency    string // the curated file's; the hand-written keys give none
	line      int    // of the key file, or the curated observation
}

// accuracy is the outcome of measuring one draft against its key.
type accuracy struct {
	figures, indicator, both, valuePeriod int
	bounds, boundsRight                   int
	folds, foldsRight                     int
	spurious, forced                      int
	wrongFlagged, rightFlagged            int // figures with doubt >= Doubtful among the wrong and the right (right proposals aside)
	agencies, agencyRight                 int
	misses                                []string
}

func (a accuracy) String() string {
	pct := func(n, d int) float64 {
		if d == 0 {
			return 100
		}
		return 100 * float64(n) / float64(d)
	}
	return fmt.Sprintf("%d figures: indicator %.1f%%, indicator+breakdown %.1f%%, value+period+qualifier %.1f%%; bounds ignored %d/%d, restatements folded %d/%d; %d spurious, %d forced into another unit or theme; doubtful: %d of the %d misfiled, %d of the %d right",
		a.figures, pct(a.indicator, a.figures), pct(a.both, a.figures), pct(a.valuePeriod, a.figures),
		a.boundsRight, a.bounds, a.foldsRight, a.folds, a.spurious, a.forced,
		a.wrongFlagged, a.figures-a.both, a.rightFlagged, a.both) + agencyShare(a)
}

func agencyShare(a accuracy) string {
	if a.agencies == 0 {
		return ""
	}
	return fmt.Sprintf("; agency right for %d of %d", a.agencyRight, a.agencies)
}

// readKey reads an answer key (format: testdata/editions/a.key).
func readKey(t *testing.T, text *Text, codes *dataset.Dataset, path string) []keyEntry {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	locate := func(line int, value, snippet string) int {
		occ := text.occurrences(snippet)
		if len(occ) == 0 {
			t.Fatalf("%s:%d: snippet %q not in the text", path, line, snippet)
		}
		for _, i := range text.numbersIn(occ[0]) {
			if dataset.FormatValue(text.numbers[i].Value) == value && !text.numbers[i].Change {
				return i
			}
		}
		t.Fatalf("%s:%d: no number %s in %q", path, line, value, snippet)
		return -1
	}
	units := map[string]dataset.Indicator{}
	for _, ind := range codes.Indicators {
		units[ind.Code] = ind
	}
	var out []keyEntry
	for k, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "|")
		for c := range cols {
			cols[c] = strings.TrimSpace(cols[c])
		}
		if len(cols) != 4 {
			t.Fatalf("%s:%d: want 4 columns: %q", path, k+1, line)
		}
		e := keyEntry{kind: "figure", qualifier: dataset.Exact, period: cols[1], line: k + 1}
		e.value = cols[0]
		if q, v, ok := strings.Cut(cols[0], " "); ok {
			e.qualifier, e.value = dataset.Qualifier(q), v
		}
		e.number = locate(k+1, e.value, cols[2])
		switch cols[1] {
		case "ignored":
			e.kind = "ignored"
		case "also":
			e.kind = "also"
			e.main = locate(k+1, e.value, cols[3])
		default:
			code, by, _ := strings.Cut(cols[3], " ")
			a := keyAnswer{indicator: code, by: map[string]string{}}
			for _, pair := range strings.Split(strings.Trim(by, "{}"), ", ") {
				if d, m, ok := strings.Cut(pair, ": "); ok {
					a.by[d] = m
				}
			}
			if ind, ok := units[code]; ok {
				e.unit, e.theme = ind.Unit, ind.Theme
			} else if code != "new" {
				t.Fatalf("%s:%d: unknown indicator %q", path, k+1, code)
			}
			e.answers = []keyAnswer{a}
		}
		out = append(out, e)
	}
	return out
}

// curatedKey is the key of the 2024 text: its curated observations, each
// at the numbers its first quote states, its also places folded into it.
func curatedKey(text *Text, curated *dataset.Dataset) []keyEntry {
	units := map[string]dataset.Indicator{}
	for _, ind := range curated.Indicators {
		units[ind.Code] = ind
	}
	byNumber := map[int]int{}
	var out []keyEntry
	for _, o := range curated.Observations {
		if o.Status != dataset.Reported {
			continue
		}
		a := keyAnswer{indicator: o.Indicator, by: map[string]string{}}
		for _, c := range o.Coordinates {
			a.by[c.Dimension] = c.Member
		}
		srcs := sources(o)
		main := -1
		for _, i := range text.matching(text.locate(srcs[0]), false, o.Value) {
			main = i
			if k, ok := byNumber[i]; ok {
				out[k].answers = append(out[k].answers, a)
				break
			}
			byNumber[i] = len(out)
			out = append(out, keyEntry{number: i, kind: "figure", value: dataset.FormatValue(o.Value), qualifier: o.Qualifier,
				period: o.Period.String(), answers: []keyAnswer{a}, unit: units[o.Indicator].Unit, theme: units[o.Indicator].Theme, agency: o.Agency, line: o.Line})
			break
		}
		for _, src := range srcs[1:] {
			for _, i := range text.matching(text.locate(src), false, o.Value) {
				out = append(out, keyEntry{number: i, kind: "also", value: dataset.FormatValue(o.Value), main: main, line: o.Line})
			}
		}
	}
	return out
}

// score scores a draft (as written and parsed back) against a key.
func score(text *Text, key []keyEntry, d *dataset.Dataset) accuracy {
	indicators := map[string]dataset.Indicator{}
	for _, ind := range d.Indicators {
		indicators[ind.Code] = ind
	}
	states := map[int]int{} // number → draft observation stating it as its value
	folded := map[int]int{} // number → draft observation stating it under also:
	for k, o := range d.Observations {
		if o.Status != dataset.Reported {
			continue
		}
		for s, src := range sources(o) {
			for _, i := range text.matching(text.locate(src), false, o.Value) {
				if s == 0 {
					states[i] = k
				} else {
					folded[i] = k
				}
			}
		}
	}
	keyed := map[int]bool{}
	var a accuracy
	for _, e := range key {
		keyed[e.number] = true
		switch e.kind {
		case "ignored":
			a.bounds++
			if _, ok := states[e.number]; !ok {
				a.boundsRight++
			} else {
				a.misses = append(a.misses, fmt.Sprintf("key line %d: bound %s drafted as a figure", e.line, e.value))
			}
			continue
		case "also":
			a.folds++
			if k, ok := folded[e.number]; ok && states[e.main] == k {
				a.foldsRight++
			} else {
				a.misses = append(a.misses, fmt.Sprintf("key line %d: restatement %s not folded into its figure's observation", e.line, e.value))
			}
			continue
		}
		a.figures++
		k, ok := states[e.number]
		if !ok {
			a.misses = append(a.misses, fmt.Sprintf("key line %d: %s not drafted", e.line, e.value))
			continue
		}
		o := d.Observations[k]
		if e.agency != "" {
			a.agencies++
			if o.Agency == e.agency {
				a.agencyRight++
			}
		}
		if dataset.FormatValue(o.Value) == e.value && o.Period.String() == e.period && o.Qualifier == e.qualifier {
			a.valuePeriod++
		} else {
			a.misses = append(a.misses, fmt.Sprintf("key line %d: %s %s %s drafted as %s %s %s", e.line, e.qualifier, e.value, e.period, o.Qualifier, dataset.FormatValue(o.Value), o.Period))
		}
		indRight, bothRight := false, false
		for _, ans := range e.answers {
			if ans.indicator == o.Indicator || ans.indicator == "new" && isProposed(o.Indicator) {
				indRight = true
				if sameBreakdown(ans.by, o.Coordinates) {
					bothRight = true
				}
			}
		}
		if indRight {
			a.indicator++
		}
		doubt, _, _ := noteDoubt(o.Note)
		if bothRight && doubt >= Doubtful && !proposes(o) {
			// A right proposal is doubtful by design: the reviewer names the
			// new indicator or member, so it is a line to read, not noise.
			a.rightFlagged++
		} else if !bothRight && doubt >= Doubtful {
			a.wrongFlagged++
		}
		got := indicators[o.Indicator]
		forced := !indRight && !isProposed(o.Indicator) && (e.unit == "" || got.Unit != e.unit || got.Theme != e.theme)
		if forced {
			a.forced++
		}
		if bothRight {
			a.both++
		} else {
			mark := ""
			if forced {
				mark = " (forced: another unit or theme)"
			}
			a.misses = append(a.misses, fmt.Sprintf("key line %d: %s want %s %v, drafted %s {%s}%s", e.line, e.value, e.answers[0].indicator, e.answers[0].by, o.Indicator, dataset.CoordinateKey(o.Coordinates), mark))
		}
	}
	for k, o := range d.Observations {
		stated := false
		for i, j := range states {
			if j == k && keyed[i] {
				stated = true
			}
		}
		if o.Status == dataset.Reported && !stated {
			a.spurious++
			a.misses = append(a.misses, fmt.Sprintf("spurious: %s %s %q", o.Indicator, dataset.FormatValue(o.Value), o.Source.Quote))
		}
	}
	return a
}

// proposes reports whether a drafted observation files its figure under a
// proposed indicator or member.
func proposes(o dataset.Observation) bool {
	return isProposed(o.Indicator) || slices.ContainsFunc(o.Coordinates, func(c dataset.Coordinate) bool { return isProposed(c.Member) })
}

func sameBreakdown(want map[string]string, got []dataset.Coordinate) bool {
	if len(want) != len(got) {
		return false
	}
	for _, c := range got {
		m, ok := want[c.Dimension]
		if !ok || m != c.Member && !(m == "new" && isProposed(c.Member)) {
			return false
		}
	}
	return true
}

// TestClassificationAccuracy drafts the 2024 text and each variant edition
// with the curated 2024 file as codes, as next year's compilers will, and
// reports the share of figures filed right. It fails when a measure falls
// below its floor (the floors are what the classifier reached when they
// were set, so a change that loses ground shows) and when any figure is
// forced into an indicator of another unit or theme than the key's. Run
// with -v for the numbers, and ACCURACY_MISSES=1 for every miss.
func TestClassificationAccuracy(t *testing.T) {
	codes := bundled(t)
	type floor struct{ indicator, both float64 }
	editions := []struct {
		name  string
		text  string
		key   string // "" for the curated file
		floor floor
	}{
		{name: "2024 text", text: dataset.BundledReport, floor: floor{0.99, 0.97}},
		{name: "variant a", text: "a", floor: floor{1.00, 1.00}},
		{name: "variant b", text: "b", floor: floor{1.00, 0.98}},
		{name: "variant c", text: "c", floor: floor{1.00, 1.00}},
		{name: "variant d", text: "d", floor: floor{0.99, 0.97}},
		{name: "variant e", text: "e", floor: floor{0.95, 0.91}},
		// f was written unseen and scored 72.3% / 52.8% with 10 forced.
		{name: "variant f", text: "f", floor: floor{0.97, 0.94}},
		// g was written unseen (by another hand, in another order) and scored
		// 83.0% / 73.9% with 7 forced.
		{name: "variant g", text: "g", floor: floor{0.95, 0.92}},
		// h was written unseen (passive voice, figures before their labels,
		// "N, of which: …" tables, a closing "year in figures") and scored
		// 88.2% / 82.9% with 4 forced.
		{name: "variant h", text: "h", floor: floor{0.97, 0.94}},
	}
	var wrong, wrongFlagged, right, rightFlagged int
	for _, ed := range editions {
		t.Run(ed.name, func(t *testing.T) {
			raw := ed.text
			var text *Text
			var key []keyEntry
			if ed.name == "2024 text" {
				text = NewText(raw)
				key = curatedKey(text, codes)
			} else {
				b, err := os.ReadFile(filepath.Join("testdata", "editions", ed.text+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				text = NewText(string(b))
				key = readKey(t, text, codes, filepath.Join("testdata", "editions", ed.text+".key"))
			}
			_, d := draft(t, text, codes, ExtractOptions{})
			a := score(text, key, d)
			t.Logf("%s: %s", ed.name, a)
			if os.Getenv("ACCURACY_MISSES") != "" {
				slices.Sort(a.misses)
				for _, m := range a.misses {
					t.Log("  " + m)
				}
			}
			share := func(n int) float64 { return float64(n) / float64(max(a.figures, 1)) }
			if share(a.indicator) < ed.floor.indicator || share(a.both) < ed.floor.both {
				t.Errorf("below the floor (indicator %.0f%%, indicator+breakdown %.0f%%)", 100*ed.floor.indicator, 100*ed.floor.both)
			}
			if a.forced > 0 {
				// A figure filed under an unrelated indicator is worse than
				// one proposed as new: the reviewer has no cue to look.
				t.Errorf("%d figure(s) forced into an indicator of another unit or theme than the key's", a.forced)
			}
			wrong, wrongFlagged = wrong+a.figures-a.both, wrongFlagged+a.wrongFlagged
			right, rightFlagged = right+a.both, rightFlagged+a.rightFlagged
		})
	}
	// The doubt score is worth reading only if the misfiled lines are among
	// the doubtful ones and the doubtful ones are few.
	t.Logf("doubtful (>= %.1f): %d of %d misfiled figures, %d of %d right ones", Doubtful, wrongFlagged, wrong, rightFlagged, right)
	if 4*wrongFlagged < 3*wrong || 10*rightFlagged > right {
		t.Errorf("the doubt score flags %d of %d misfiled figures (want 3/4) and %d of %d right ones (want at most 1/10)", wrongFlagged, wrong, rightFlagged, right)
	}
}
