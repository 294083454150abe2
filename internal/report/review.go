package report

import (
	"fmt"
	"sort"
	"strings"

	"indicators/internal/dataset"
)

// ReviewLine is an entry of a data file still marked for review, with the
// doubt extract gave it (0 for an entry written without one).
type ReviewLine struct {
	File  string
	Line  int
	Doubt float64
	Why   string // the reasons for the doubt, as extract wrote them
	What  string // the entry: indicator, breakdown and value, or the ignored quote
}

func (r ReviewLine) String() string {
	s := fmt.Sprintf("%s:%d: doubt %.2f %s", r.File, r.Line, r.Doubt, r.What)
	if r.Why != "" {
		s += " (" + r.Why + ")"
	}
	return s
}

// Review lists the entries of the files whose note or reason still starts
// with "REVIEW:", most doubtful first (in file order among equals), so the
// reviewer reads the doubtful lines before the sure ones.
func Review(files []DataFile) []ReviewLine {
	var out []ReviewLine
	for _, f := range files {
		for _, o := range f.Dataset.Observations {
			if o.Status != dataset.Reported || !strings.HasPrefix(o.Note, reviewPrefix) {
				continue
			}
			what := o.Indicator
			if len(o.Coordinates) > 0 {
				what += " {" + dataset.CoordinateKey(o.Coordinates) + "}"
			}
			r := ReviewLine{File: f.Name, Line: o.Line, What: what + " = " + dataset.FormatValue(o.Value)}
			r.Doubt, r.Why, _ = noteDoubt(o.Note)
			out = append(out, r)
		}
		for _, ig := range f.Dataset.Ignored {
			if strings.HasPrefix(ig.Reason, reviewPrefix) {
				out = append(out, ReviewLine{File: f.Name, Line: ig.Line, What: fmt.Sprintf("ignored %q", ig.Quote)})
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Doubt > out[b].Doubt })
	return out
}

// Imbalance is a breakdown of a data file that does not add up (see
// dataset.Breakdown.Inconsistent): a misfiled part, or a report's own
// discrepancy to note.
type Imbalance struct {
	File string
	dataset.Breakdown
}

func (b Imbalance) String() string {
	return fmt.Sprintf("%s:%d: %s", b.File, b.Total.Line, b.Breakdown)
}

// Imbalances lists the breakdowns of the files that do not add up, as
// "indicators check" finds them.
func Imbalances(files []DataFile) []Imbalance {
	var out []Imbalance
	for _, f := range files {
		for _, b := range dataset.Breakdowns(f.Dataset.Observations, f.Dataset.Dimensions) {
			if b.Inconsistent() {
				out = append(out, Imbalance{File: f.Name, Breakdown: b})
			}
		}
	}
	return out
}
