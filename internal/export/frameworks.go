package export

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"indicators/internal/dataset"
	"indicators/internal/framework"
)

// The international frameworks' tables (internal/framework) as CSV: the
// UNODC and SDG layouts of the cells the dataset fills, and the coverage
// table of every cell.

// writeFilled writes the cells of a framework the dataset fills as CSV, one
// row each as row makes it; row returns nil for a cell the layout cannot
// hold. A cell the dataset lacks is absent, never a zero: a zero would claim
// there were none.
func writeFilled(ctx context.Context, w io.Writer, in Input, fw framework.Framework, header []string, row func(framework.Evaluated) []string) error {
	cells, err := fw.Evaluate(ctx, in.CodeLists, in.Query, in.Filter)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	for _, c := range cells {
		if !c.Found {
			continue
		}
		if r := row(c); r != nil {
			if err := cw.Write(r); err != nil {
				return fmt.Errorf("write row: %w", err)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// sourceDetail names the releases and agencies behind a value.
func sourceDetail(in Input, f framework.Figure) string {
	titles := map[string]string{}
	for _, r := range in.Releases {
		titles[r.Code] = r.Title
	}
	agencies := map[string]string{}
	for _, a := range in.CodeLists.Agencies {
		agencies[a.Code] = a.Name
	}
	var parts []string
	for _, o := range f.Sources {
		p := fmt.Sprintf("%s (%s)", cmp.Or(titles[o.Release], o.Release), cmp.Or(agencies[o.Agency], o.Agency))
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// NotAvailable is what a coverage table says of a cell the dataset cannot fill.
const NotAvailable = "not available in the dataset"

func writeCoverage(ctx context.Context, w io.Writer, in Input, fw framework.Framework) error {
	cells, err := fw.Coverage(ctx, in.CodeLists, in.Query, in.Filter)
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
