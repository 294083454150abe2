package report

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// DataFile is a parsed data file and the name its problems are reported under.
type DataFile struct {
	Name    string
	Dataset *dataset.Dataset
}

// Verification is the outcome of checking data files against a report: which
// numbers of the text no entry accounts for, and which quotes are wrong.
type Verification struct {
	Numbers     int // numbers in the text, bracketed changes included
	Unaccounted []Unaccounted
	Problems    []dataset.Problem
}

// OK reports whether every number is accounted for and every quote is right.
func (v *Verification) OK() bool { return len(v.Unaccounted) == 0 && len(v.Problems) == 0 }

// Unaccounted is a number of the text that no observation captures and no
// ignored entry explains.
type Unaccounted struct {
	Number
	Line     int    // line of the report file
	Sentence string // the sentence it stands in, whitespace-normalised
}

// Verify accounts for every number of the text by position. An observation
// accounts for the numbers, inside the places its quotes occur, that equal
// its value (and, written as a bracketed change, its change): in "16 persons
// (-2; 13 women, 3 men)" the total's observation accounts for 16 and -2 only;
// 13 and 3 need observations of their own. A derived observation is computed
// from the change its reported observation states, so it accounts for nothing
// more. An ignored entry accounts for every number inside its quote.
//
// A quote occurring several times is taken at every place it occurs under its
// section heading (all places when none is under it, as for a chart legend
// the text puts under a neighbouring title): the same words under the same
// heading state the same figure, while a place under another heading is
// another statement that needs its own entry.
func Verify(t *Text, files []DataFile) *Verification {
	accounted := make([]bool, len(t.numbers))
	v := &Verification{Numbers: len(t.numbers)}
	for _, f := range files {
		for _, o := range f.Dataset.Observations {
			if o.Status != dataset.Reported {
				continue
			}
			for k, src := range sources(o) {
				v.check(t, f.Name, o, src, k == 0, accounted)
			}
		}
		for _, ig := range f.Dataset.Ignored {
			spans := t.occurrences(ig.Quote)
			if len(spans) == 0 {
				v.problem(f.Name, ig.Line, "ignored quote %q does not occur in the report", ig.Quote)
			}
			for _, s := range spans {
				for _, i := range t.numbersIn(s) {
					accounted[i] = true
				}
			}
		}
	}
	for i, n := range t.numbers {
		if !accounted[i] {
			s := t.sentence(n.Start)
			v.Unaccounted = append(v.Unaccounted, Unaccounted{Number: n, Line: t.line(n.Start), Sentence: t.norm[s.start:s.end]})
		}
	}
	return v
}

// sources lists the places an observation is stated: its quote, then its
// `also` quotes.
func sources(o dataset.Observation) []dataset.Source {
	return append([]dataset.Source{o.Source}, o.AlsoStated...)
}

// check marks the numbers one source of an observation accounts for and
// reports a quote that is not in the text or does not state the figure. The
// change is required of the main quote only: a figure stated again elsewhere
// may be stated without it.
func (v *Verification) check(t *Text, file string, o dataset.Observation, src dataset.Source, main bool, accounted []bool) {
	spans := t.locate(src)
	if len(spans) == 0 {
		v.problem(file, o.Line, "quote %q does not occur in the report", src.Quote)
		return
	}
	values := t.matching(spans, false, o.Value)
	if len(values) == 0 {
		v.problem(file, o.Line, "quote %q does not state the value %s (it states %s)", src.Quote, dataset.FormatValue(o.Value), t.stated(spans[0]))
	}
	for _, i := range values {
		accounted[i] = true
	}
	if o.Change == nil {
		return
	}
	changes := t.matching(spans, true, *o.Change)
	if len(changes) == 0 && main {
		v.problem(file, o.Line, "quote %q does not state the change %s", src.Quote, formatChange(*o.Change))
	}
	for _, i := range changes {
		accounted[i] = true
	}
}

func (v *Verification) problem(file string, line int, format string, args ...any) {
	v.Problems = append(v.Problems, dataset.Problem{File: file, Line: line, Reason: fmt.Sprintf(format, args...)})
}

// locate returns the places a source's quote occurs, narrowed to its section
// as Verify describes.
func (t *Text) locate(src dataset.Source) []span {
	all := t.occurrences(src.Quote)
	if len(all) < 2 {
		return all
	}
	var under []span
	for _, s := range all {
		if t.section(s.start) == src.Section {
			under = append(under, s)
		}
	}
	if len(under) == 0 {
		return all
	}
	return under
}

// matching returns the numbers inside the spans that have the value, counting
// only bracketed changes when change is set and only plain figures otherwise.
func (t *Text) matching(spans []span, change bool, value decimal.Decimal) []int {
	var out []int
	for _, s := range spans {
		for _, i := range t.numbersIn(s) {
			if n := t.numbers[i]; n.Change == change && n.Value.Equal(value) {
				out = append(out, i)
			}
		}
	}
	return out
}

// stated lists the numbers inside a span as written, for a problem report.
func (t *Text) stated(s span) string {
	var texts []string
	for _, i := range t.numbersIn(s) {
		texts = append(texts, t.numbers[i].Text)
	}
	if len(texts) == 0 {
		return "no number"
	}
	return strings.Join(texts, ", ")
}

// formatChange writes a change as the data file does: "+2", "-10",
// "unchanged".
func formatChange(c decimal.Decimal) string {
	switch {
	case c.IsZero():
		return "unchanged"
	case c.IsPositive():
		return "+" + dataset.FormatValue(c)
	default:
		return dataset.FormatValue(c)
	}
}
