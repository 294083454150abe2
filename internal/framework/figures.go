package framework

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// The international tables (UNODC, SDG, GRETA) ask for cells the report may
// state directly ("90 women"), may state only in pieces (victims by country
// AND form of exploitation, never by form alone), or may not give at all.
// figures answers one such cell from the observations, and says how.

// Figure is what the dataset holds for a Target.
type Figure struct {
	Found     bool
	Value     decimal.Decimal
	Qualifier dataset.Qualifier
	// How says how the value came about: one of the How constants.
	How     string
	Sources []dataset.Observation
	// Note explains a computed value, or why there is none.
	Note string
}

// How a figure came about.
const (
	HowStated  = "stated"
	HowDerived = "derived from a stated change"
	HowSum     = "sum of stated figures"
	HowRate    = "rate computed from stated figures"
)

// cellKey groups the observations a target is answered from.
type cellKey struct {
	Indicator string
	Area      string
	Year      int
}

// figures holds the current single-year observations of some indicators.
type figures struct {
	cells map[cellKey][]dataset.Observation
}

// load reads the current single-year observations of indicators that match
// f. The indicators narrow the query itself, so a framework reads its few
// indicators, not the whole selection. Multi-year figures are left out:
// every framework here reports per year.
func (fs *figures) load(ctx context.Context, q Query, f dataset.Filter, indicators []string) error {
	if fs.cells == nil {
		fs.cells = map[cellKey][]dataset.Observation{}
	}
	wanted := indicators
	if len(f.Indicators) > 0 {
		wanted = slices.DeleteFunc(slices.Clone(indicators), func(i string) bool { return !slices.Contains(f.Indicators, i) })
	}
	if len(wanted) == 0 {
		return nil
	}
	f.Indicators = wanted
	f.Current = true
	return q(ctx, f, func(o dataset.Observation) error {
		if o.Period.Start != o.Period.End {
			return nil
		}
		k := cellKey{o.Indicator, o.RefArea, o.Period.Start}
		fs.cells[k] = append(fs.cells[k], o)
		return nil
	})
}

// resolve answers t for an area and year. With exactOnly, a bound or an
// approximation ("more than 100") does not count as the value: the UNODC
// and SDG tables take counts.
func (fs *figures) resolve(area string, year int, t Target, exactOnly bool) Figure {
	obs := fs.cells[cellKey{t.Indicator, area, year}]
	if len(obs) == 0 {
		return Figure{Note: fmt.Sprintf("no figure for %s in %d", t.Indicator, year)}
	}
	dims := make([]string, 0, len(t.Members))
	for d := range t.Members {
		dims = append(dims, d)
	}
	slices.Sort(dims)
	if f, ok := stated(obs, t, dims, exactOnly); ok {
		return f
	}
	f := summed(obs, t, dims)
	for _, d := range dims {
		if len(t.Members[d]) == 0 && !f.Found {
			f.Note += fmt.Sprintf("; no member of the %s code list is in this category", d)
		}
	}
	return f
}

// stated finds the observation that is the target itself.
func stated(obs []dataset.Observation, t Target, dims []string, exactOnly bool) (Figure, bool) {
	want := make([]dataset.Coordinate, 0, len(dims))
	for _, d := range dims {
		if len(t.Members[d]) != 1 {
			return Figure{}, false
		}
		want = append(want, dataset.Coordinate{Dimension: d, Member: t.Members[d][0]})
	}
	key := dataset.CoordinateKey(want)
	for _, o := range obs {
		if dataset.CoordinateKey(o.Coordinates) != key {
			continue
		}
		if o.Suppressed != "" {
			return Figure{Note: "the figure is " + o.Suppressed.Explain()}, true
		}
		if exactOnly && o.Qualifier != dataset.Exact {
			return Figure{Note: fmt.Sprintf("the report gives only a bound or an approximation (%s %s)",
				strings.ReplaceAll(string(o.Qualifier), "_", " "), dataset.FormatValue(o.Value))}, true
		}
		how := HowStated
		if o.Status == dataset.Derived {
			how = HowDerived
		}
		return Figure{Found: true, Value: o.Value, Qualifier: o.Qualifier, How: how, Sources: []dataset.Observation{o}, Note: o.Note}, true
	}
	return Figure{}, false
}

// summed adds up the matching cells of a breakdown, but only of a breakdown
// known to be complete: its cells are exact and add up to the stated exact
// total, so every unit counted is in exactly one cell. Of several complete
// breakdowns the coarsest is used. An incomplete breakdown (the report's age
// bands cover 90 of 91 victims) is never summed: the note says why.
func summed(obs []dataset.Observation, t Target, dims []string) Figure {
	var total *dataset.Observation
	breakdowns := map[string][]dataset.Observation{}
	for _, o := range obs {
		if len(o.Coordinates) == 0 {
			total = &o
			continue
		}
		var ds []string
		for _, c := range o.Coordinates {
			ds = append(ds, c.Dimension)
		}
		k := strings.Join(ds, " × ")
		breakdowns[k] = append(breakdowns[k], o)
	}
	names := make([]string, 0, len(breakdowns))
	for k, cells := range breakdowns {
		if covers(cells[0], dims) {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return Figure{Note: fmt.Sprintf("the report gives no figure for %s by %s", t.Indicator, strings.Join(dims, " × "))}
	}
	slices.SortFunc(names, func(a, b string) int {
		if na, nb := strings.Count(a, "×"), strings.Count(b, "×"); na != nb {
			return na - nb
		}
		return strings.Compare(a, b)
	})
	var why []string
	for _, name := range names {
		cells := breakdowns[name]
		var sum decimal.Decimal
		exact := true
		for _, c := range cells {
			sum = sum.Add(c.Value)
			exact = exact && c.Qualifier == dataset.Exact
		}
		switch {
		case slices.ContainsFunc(append(slices.Clone(cells), ptrOr(total)...), func(o dataset.Observation) bool { return o.Suppressed != "" }):
			// Neither the sum nor the check against the total may be
			// computed from a suppressed figure, nor the note name it.
			why = append(why, fmt.Sprintf("the %s breakdown or its total is suppressed for clients without a key", name))
			continue
		case !exact:
			why = append(why, fmt.Sprintf("the %s breakdown has approximate figures", name))
			continue
		case total == nil || total.Qualifier != dataset.Exact:
			why = append(why, fmt.Sprintf("there is no exact total to check the %s breakdown against", name))
			continue
		case !sum.Equal(total.Value):
			why = append(why, fmt.Sprintf("the %s breakdown adds up to %s, not the total %s, so its parts cannot be summed",
				name, dataset.FormatValue(sum), dataset.FormatValue(total.Value)))
			continue
		}
		var parts []dataset.Observation
		var values []string
		var value decimal.Decimal
		for _, c := range cells {
			if matches(c, t) {
				parts = append(parts, c)
				values = append(values, dataset.FormatValue(c.Value))
				value = value.Add(c.Value)
			}
		}
		if len(parts) == 0 {
			return Figure{Note: fmt.Sprintf("the %s breakdown adds up to the total %s and has no cell for this category; the report states no count for it",
				name, dataset.FormatValue(total.Value))}
		}
		note := fmt.Sprintf("%s = %s, summed from the report's figures by %s, which add up to its stated total of %s",
			strings.Join(values, " + "), dataset.FormatValue(value), readable(name), dataset.FormatValue(total.Value))
		if len(parts) == 1 {
			note = fmt.Sprintf("the report's only figure for this category by %s (a breakdown that adds up to its stated total of %s)",
				readable(name), dataset.FormatValue(total.Value))
		}
		return Figure{Found: true, Value: value, Qualifier: dataset.Exact, How: HowSum, Sources: parts, Note: note}
	}
	return Figure{Note: strings.Join(why, "; ")}
}

// ptrOr is the pointed-to value alone, or nothing for nil.
func ptrOr[T any](p *T) []T {
	if p == nil {
		return nil
	}
	return []T{*p}
}

// readable writes a breakdown's dimensions ("COUNTRY_OF_EXPLOITATION ×
// FORM_OF_EXPLOITATION") as the reader of a file says them: "country of
// exploitation and form of exploitation".
func readable(breakdown string) string {
	return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(breakdown, " × ", " and "), "_", " "))
}

// covers reports whether o is broken down by every dimension in dims.
func covers(o dataset.Observation, dims []string) bool {
	for _, d := range dims {
		if !slices.ContainsFunc(o.Coordinates, func(c dataset.Coordinate) bool { return c.Dimension == d }) {
			return false
		}
	}
	return true
}

// matches reports whether o's coordinates are among the target's members on
// every dimension the target names.
func matches(o dataset.Observation, t Target) bool {
	for _, c := range o.Coordinates {
		if members, ok := t.Members[c.Dimension]; ok && !slices.Contains(members, c.Member) {
			return false
		}
	}
	return true
}
