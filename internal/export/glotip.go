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
// UN M49 regions). A country not listed gets empty region columns. What
// was checked, and where:
//   - the subregion: the Global Report's section "Eastern Europe and
//     Central Asia" states "The following countries are covered in this
//     section: Armenia, Azerbaijan, Belarus, Georgia, Kazakhstan,
//     Kyrgyzstan, the Republic of Moldova, the Russian Federation,
//     Tajikistan, Turkmenistan, Uzbekistan and Ukraine" (a UNODC country
//     profile, p. 205, with figures to 2006: the 2009 Global Report on
//     Trafficking in Persons by its content; read in the transcript at https://vdocuments.us/armenia-united-nations-office-on-drugs-and-crime-armenia-institutional-framework.html);
//     UN.GIFT's page of that section, https://ungift.org/about/eastern-europe,
//     lists the same "Countries and territories covered";
//   - the region: the 2018 edition groups its countries into four regions,
//     one "Europe and Central Asia", whose three subregions are "Western
//     and Southern Europe, Central and South-Eastern Europe, and Eastern
//     Europe and Central Asia" (as summarised at
//     https://asiaplustj.info/en/news/tajikistan/society/20190109/in-central-asia-trafficking-for-forced-labor-and-for-sexual-exploitation-detected-in-near-equal-proportions,
//     not UNODC's own text).
//
// UNODC's own text of the 2018 or 2022 edition naming Azerbaijan's
// subregion was not found; check it there (www.unodc.org/glotip) before
// relying on the 2022 grouping.
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
