package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
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

// Coverage lists every cell of framework (see CoverageFrameworks) for each
// country and year the input's observations have figures for.
func Coverage(ctx context.Context, in Input, framework string) ([]CoverageCell, error) {
	fw, ok := frameworks[framework]
	if !ok {
		return nil, fmt.Errorf("unknown coverage framework %q (one of %s)", framework, strings.Join(CoverageFrameworks(), ", "))
	}
	cells, err := evaluate(ctx, in, fw)
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", framework, err)
	}
	out := make([]CoverageCell, len(cells))
	for i, c := range cells {
		cc := CoverageCell{Framework: fw.Name, Statistic: c.Statistic, Breakdown: c.Breakdown, RefArea: c.Area.Code, Year: c.Year,
			Available: c.Found, Value: c.Value, Qualifier: c.Qualifier, Derivation: c.How, Note: c.figure.Note}
		if c.cell.Note != "" {
			cc.Note = strings.TrimSpace(cc.Note + " Mapping: " + c.cell.Note + ".")
		}
		for _, o := range c.Sources {
			cc.Sources = append(cc.Sources, CoverageSource{Indicator: o.Indicator, Coordinates: o.Coordinates, Value: o.Value,
				Release: o.Release, Agency: o.Agency, Section: o.Source.Section, Quote: o.Source.Quote})
		}
		out[i] = cc
	}
	return out, nil
}

// NotAvailable is what a coverage table says of a cell the dataset cannot fill.
const NotAvailable = "not available in the dataset"

func writeCoverage(ctx context.Context, w io.Writer, in Input, framework string) error {
	cells, err := Coverage(ctx, in, framework)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"framework", "statistic", "breakdown", "ref_area", "year", "availability", "value",
		"qualifier", "derivation", "indicator", "release", "agency", "source_section", "source_quote", "note"}); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	for _, c := range cells {
		availability, value := NotAvailable, ""
		if c.Available {
			availability, value = "available", dataset.FormatValue(c.Value)
		}
		// A sum or a rate rests on several figures: their fields are
		// joined in the same order, " | " apart.
		var sources [5][]string
		for _, s := range c.Sources {
			ind := s.Indicator
			if len(s.Coordinates) > 0 {
				ind += " [" + dataset.CoordinateKey(s.Coordinates) + "] = " + dataset.FormatValue(s.Value)
			}
			for i, v := range []string{ind, s.Release, s.Agency, s.Section, s.Quote} {
				sources[i] = append(sources[i], v)
			}
		}
		row := []string{c.Framework, c.Statistic, c.Breakdown, c.RefArea, strconv.Itoa(c.Year), availability, value,
			string(c.Qualifier), c.Derivation}
		for _, s := range sources {
			row = append(row, strings.Join(s, " | "))
		}
		if err := cw.Write(append(row, c.Note)); err != nil {
			return fmt.Errorf("write row: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
