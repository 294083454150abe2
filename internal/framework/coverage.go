package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// CoverageCell is one statistic an international framework asks for, for one
// country and year, and what the dataset holds for it: the value with where
// it comes from, or why there is none. A reporting officer sees at once what
// can be filled in and what is missing.
type CoverageCell struct {
	Framework string // greta, glotip or sdg-16-2-2
	Statistic string // what is asked ("Identified victims", "VC_HTF_DETV")
	Breakdown string // which part of it ("sex: female"); empty for the total
	RefArea   string
	Year      int
	Available bool
	Value     decimal.Decimal // when Available
	Qualifier dataset.Qualifier
	// Derivation says how the value came about: stated, derived from a
	// stated change, sum of stated figures, or rate computed from stated
	// figures.
	Derivation string
	Sources    []CoverageSource
	// Note explains a computed value or a caveat of the mapping, or why the
	// cell is not available.
	Note string
}

// CoverageSource is a figure of the dataset a cell's value rests on.
type CoverageSource struct {
	Indicator   string
	Coordinates []dataset.Coordinate
	Value       decimal.Decimal
	Release     string
	Agency      string
	Section     string
	Quote       string
}

// Coverage lists every cell of fw for each country and year the current
// observations matching f have figures for (see Evaluate).
func (fw Framework) Coverage(ctx context.Context, cl *dataset.CodeLists, q Query, f dataset.Filter) ([]CoverageCell, error) {
	cells, err := fw.Evaluate(ctx, cl, q, f)
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", fw.Name, err)
	}
	out := make([]CoverageCell, len(cells))
	for i, c := range cells {
		cc := CoverageCell{Framework: fw.Name, Statistic: c.Statistic, Breakdown: c.Breakdown, RefArea: c.Area.Code, Year: c.Year,
			Available: c.Found, Value: c.Value, Qualifier: c.Qualifier, Derivation: c.How, Note: c.Figure.Note}
		if c.Cell.Note != "" {
			cc.Note = strings.TrimSpace(cc.Note + " Mapping: " + c.Cell.Note + ".")
		}
		for _, o := range c.Sources {
			cc.Sources = append(cc.Sources, CoverageSource{Indicator: o.Indicator, Coordinates: o.Coordinates, Value: o.Value,
				Release: o.Release, Agency: o.Agency, Section: o.Source.Section, Quote: o.Source.Quote})
		}
		out[i] = cc
	}
	return out, nil
}
