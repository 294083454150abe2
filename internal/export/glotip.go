package export

import (
	"context"
	"io"
	"strconv"

	"indicators/internal/dataset"
	"indicators/internal/framework"
)

// The UNODC Global Report on Trafficking in Persons (GLOTIP) data layout, as
// UNODC's data portal publishes it: one count a row, with the indicator, the
// dimension it is broken down by, the category, sex and age (the cell's
// labels in internal/framework).

// glotipRegions is UNODC's regional grouping of the Global Report (not the
// UN M49 regions): the 2018 and 2022 editions put Azerbaijan in the region
// Europe and Central Asia, subregion Eastern Europe and Central Asia. A
// country not listed gets empty region columns.
var glotipRegions = map[string][2]string{
	"AZE": {"Europe and Central Asia", "Eastern Europe and Central Asia"},
}

// writeGLOTIP writes the cells the dataset can fill exactly.
func writeGLOTIP(ctx context.Context, w io.Writer, in Input) error {
	header := []string{"iso3", "country", "region", "subregion", "indicator", "dimension", "category",
		"sex", "age", "year", "unit", "txtVALUE", "source"}
	return writeFilled(ctx, w, in, framework.GLOTIP, header, func(c framework.Evaluated) []string {
		region := glotipRegions[c.Area.ISO3]
		row := append([]string{c.Area.ISO3, c.Area.Name, region[0], region[1]}, c.Labels...)
		return append(row, strconv.Itoa(c.Year), "Counts", dataset.FormatValue(c.Value), sourceDetail(in, c.Figure))
	})
}
