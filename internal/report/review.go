package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

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

// Imbalance is a breakdown whose parts do not add up to the total stated
// beside it: a misfiled part, or a report's own discrepancy to note.
type Imbalance struct {
	File      string
	Line      int // the total's
	Indicator string
	Period    dataset.Period
	Dimension string
	Total     decimal.Decimal
	Sum       decimal.Decimal
	Parts     int
}

func (b Imbalance) String() string {
	return fmt.Sprintf("%s:%d: %s %s: %d %s parts add up to %s, the total is %s", b.File, b.Line, b.Indicator, b.Period,
		b.Parts, b.Dimension, dataset.FormatValue(b.Sum), dataset.FormatValue(b.Total))
}

// Imbalances lists, for each total of an indicator and period, the
// dimensions whose one-coordinate parts (two at least) sum to another value.
func Imbalances(files []DataFile) []Imbalance {
	var out []Imbalance
	for _, f := range files {
		type cell struct {
			indicator string
			period    dataset.Period
		}
		totals := map[cell]dataset.Observation{}
		parts := map[cell]map[string][]decimal.Decimal{}
		var order []cell
		for _, o := range f.Dataset.Observations {
			if o.Status != dataset.Reported {
				continue
			}
			c := cell{o.Indicator, o.Period}
			switch len(o.Coordinates) {
			case 0:
				if _, seen := totals[c]; !seen {
					totals[c] = o
					order = append(order, c)
				}
			case 1:
				if parts[c] == nil {
					parts[c] = map[string][]decimal.Decimal{}
				}
				d := o.Coordinates[0].Dimension
				parts[c][d] = append(parts[c][d], o.Value)
			}
		}
		for _, c := range order {
			t := totals[c]
			dims := make([]string, 0, len(parts[c]))
			for d := range parts[c] {
				dims = append(dims, d)
			}
			sort.Strings(dims)
			for _, d := range dims {
				values := parts[c][d]
				if len(values) < 2 {
					continue
				}
				sum := decimal.Sum(values[0], values[1:]...)
				if !sum.Equal(t.Value) {
					out = append(out, Imbalance{File: f.Name, Line: t.Line, Indicator: c.indicator, Period: c.period,
						Dimension: d, Total: t.Value, Sum: sum, Parts: len(values)})
				}
			}
		}
	}
	return out
}
