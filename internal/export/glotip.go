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

// glotipRegions is the region and subregion UNODC's GLOTIP data file
// (data_glotip.xlsx on dataunodc.un.org, the file whose columns this layout
// copies) gives each country: the UN M49 region and subregion, not the
// Global Report's own analytical grouping ("Eastern Europe and Central
// Asia" and the like), which that file does not use. A country not listed
// gets empty region columns. Checked in the file's edition of 14/04/2025
// (every Azerbaijan row: Region "Asia", Subregion "Western Asia"; the
// edition of 2023 agrees); TestGLOTIPAgainstUNODCDataFile holds the export
// to it, and testdata/global-structures/README.md says where the file was
// read.
var glotipRegions = map[string][2]string{
	"AZE": {"Asia", "Western Asia"},
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
