package framework

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// Query calls fn for every observation matching f, as
// dataset.Reader.EachObservation does. The evaluation asks for current
// observations only (f.Current): a framework's table has no release in its
// keys and takes each figure once.
type Query func(ctx context.Context, f dataset.Filter, fn func(dataset.Observation) error) error

// Evaluated is a cell answered for one area and year.
type Evaluated struct {
	Cell
	Area dataset.RefArea
	Year int
	Figure
}

// Evaluate answers every cell of fw for each country (an area with an ISO
// code) and year that the current observations matching f have a figure of
// one of fw's indicators for: countries in code-list order, newest year
// first, cells in the framework's order. A rate's population is read whatever
// f selects: it is the denominator of the selected figures, from its own
// source.
func (fw Framework) Evaluate(ctx context.Context, cl *dataset.CodeLists, q Query, f dataset.Filter) ([]Evaluated, error) {
	var areas []dataset.RefArea
	for _, a := range cl.RefAreas {
		if a.ISO3 != "" {
			areas = append(areas, a)
		}
	}
	var indicators, rateIndicators []string
	for _, a := range areas {
		for _, c := range fw.Cells(cl, a) {
			if c.Target.Indicator != "" && !slices.Contains(indicators, c.Target.Indicator) {
				indicators = append(indicators, c.Target.Indicator)
			}
			if c.Rate != nil && !slices.Contains(rateIndicators, c.Rate.Indicator) {
				rateIndicators = append(rateIndicators, c.Rate.Indicator)
			}
		}
	}
	var fs figures
	if err := fs.load(ctx, q, f, indicators); err != nil {
		return nil, fmt.Errorf("read figures of %s: %w", fw.Name, err)
	}
	if len(rateIndicators) > 0 {
		// The same vintage as the figures: a rate of then over a population
		// of now would be a figure no one stated.
		if err := fs.load(ctx, q, dataset.Filter{Indicators: rateIndicators, AsOf: f.AsOf}, rateIndicators); err != nil {
			return nil, fmt.Errorf("read population for %s: %w", fw.Name, err)
		}
	}
	type areaYear struct {
		area int
		year int
	}
	seen := map[areaYear]bool{}
	var pairs []areaYear
	for k := range fs.cells {
		i := slices.IndexFunc(areas, func(a dataset.RefArea) bool { return a.Code == k.Area })
		p := areaYear{i, k.Year}
		if i >= 0 && slices.Contains(indicators, k.Indicator) && !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, func(a, b areaYear) int { return cmp.Or(a.area-b.area, b.year-a.year) })
	var out []Evaluated
	for _, p := range pairs {
		area := areas[p.area]
		for _, c := range fw.Cells(cl, area) {
			out = append(out, Evaluated{Cell: c, Area: area, Year: p.year, Figure: fs.answer(area.Code, p.year, c, fw.ExactOnly)})
		}
	}
	return out, nil
}

// answer resolves a cell: its target, and for a rate the population too.
func (fs *figures) answer(area string, year int, c Cell, exactOnly bool) Figure {
	if c.Target.Indicator == "" {
		return Figure{Note: c.Missing}
	}
	f := fs.resolve(area, year, c.Target, exactOnly)
	if c.Rate == nil || !f.Found {
		return f
	}
	pop := fs.resolve(area, year, *c.Rate, true)
	if !pop.Found || !pop.Value.IsPositive() {
		return Figure{Note: "no population figure for this group is loaded (" + pop.Note + ")"}
	}
	rate := per100000(f.Value, pop.Value)
	return Figure{Found: true, Value: rate, Qualifier: dataset.Exact, How: HowRate,
		Sources: append(slices.Clone(f.Sources), pop.Sources...),
		Note: fmt.Sprintf("%s × 100,000 / %s (population, %s) = %s, rounded to %d decimals",
			dataset.FormatValue(f.Value), dataset.FormatValue(pop.Value), pop.Sources[0].Release, rate.StringFixed(rateDecimals), rateDecimals)}
}

// rateDecimals: a detected-victim rate is a small number (about 0.9 per
// 100,000 for 91 victims in ten million people). Three decimals keep three
// significant digits there and no more precision than the population
// estimate has.
const rateDecimals = 3

// per100000 is count per 100,000 of population: the product is exact, and
// the quotient is rounded once, half away from zero, to rateDecimals places
// (0.0005 becomes 0.001), so no intermediate rounding can move the last
// digit. The value keeps no trailing zeros (0.9); the note shows all the
// places (0.900).
func per100000(count, population decimal.Decimal) decimal.Decimal {
	return count.Mul(decimal.NewFromInt(100000)).DivRound(population, rateDecimals)
}

// Provenance is the text that shows where a value comes from: the report's
// words for a stated figure, the computation for a derived one.
func (f Figure) Provenance() string {
	switch f.How {
	case HowStated:
		return f.Sources[0].Source.Quote
	case HowDerived:
		return "previous year's value, from the change stated in: " + f.Sources[0].Source.Quote
	default:
		return f.Note
	}
}
