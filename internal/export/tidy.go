package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"indicators/internal/dataset"
)

// writeTidyCSV writes one observation a row. Values are written exactly as
// stored, never rounded; the qualifier column says when a value is a bound
// ("more than 11,000") rather than an exact count.
func writeTidyCSV(ctx context.Context, w io.Writer, in Input) error {
	cw := csv.NewWriter(w)
	header := []string{"indicator", "indicator_name", "ref_area", "period", "value", "unit", "qualifier", "status", "change", "agency"}
	if in.Lang != "" {
		// Asked for a language, the file says which each name is in: English
		// where the data file has no translation.
		header = slices.Insert(header, 2, "indicator_name_lang")
	}
	for _, d := range in.CodeLists.Dimensions {
		header = append(header, strings.ToLower(d.Code))
	}
	header = append(header, "release", "source_section", "source_quote", "note")
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	names := make(map[string]dataset.Localized, len(in.CodeLists.Indicators))
	for _, i := range in.CodeLists.Indicators {
		names[i.Code] = dataset.Localize(i.Name, i.Names, dataset.StandardCodes{}, in.Lang)
	}
	dimColumn := make(map[string]int, len(in.CodeLists.Dimensions))
	for i, d := range in.CodeLists.Dimensions {
		dimColumn[d.Code] = i
	}
	err := in.Each(ctx, func(o dataset.Observation) error {
		change := ""
		if o.Change != nil {
			change = dataset.FormatValue(*o.Change)
		}
		name := names[o.Indicator]
		value := dataset.FormatValue(o.Value)
		if o.Suppressed != "" {
			value = ""
		}
		row := []string{o.Indicator, name.Text, o.RefArea, o.Period.String(), value,
			o.Unit, string(o.Qualifier), string(o.Status), change, o.Agency}
		if in.Lang != "" {
			row = slices.Insert(row, 2, name.Language)
		}
		members := make([]string, len(in.CodeLists.Dimensions))
		for _, c := range o.Coordinates {
			members[dimColumn[c.Dimension]] = c.Member
		}
		row = append(row, members...)
		row = append(row, o.Release, o.Source.Section, o.Source.Quote, noteOf(o))
		return cw.Write(row)
	})
	if err != nil {
		return fmt.Errorf("write observations: %w", err)
	}
	cw.Flush()
	return cw.Error()
}
