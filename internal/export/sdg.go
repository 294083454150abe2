package export

import (
	"context"
	"io"
	"strconv"

	"indicators/internal/dataset"
	"indicators/internal/framework"
)

// SDG indicator 16.2.2: detected victims of human trafficking, by sex, age
// and form of exploitation, as counts and per 100,000 population. The
// columns are those of the SDG global database's SDMX data structure, in its
// order, less its dimensions that are always _T here: a row loads into it
// with only those added.

// SDG code list values.
const (
	// NATURE: C is country data as the country states it; CA is country data
	// adjusted, here summed from stated parts or turned into a rate.
	sdgCountryData     = "C"
	sdgCountryAdjusted = "CA"
)

// writeSDG writes the cells the dataset fills exactly; a rate only where a
// population of the same group is loaded.
func writeSDG(ctx context.Context, w io.Writer, in Input) error {
	header := []string{"FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "TIME_PERIOD",
		"OBS_VALUE", "OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE", "NATURE", "COMMENT_OBS", "SOURCE_DETAIL"}
	return writeFilled(ctx, w, in, framework.SDG1622, header, func(c framework.Evaluated) []string {
		if c.Area.M49 == "" {
			return nil
		}
		nature := sdgCountryData
		if c.How != framework.HowStated {
			nature = sdgCountryAdjusted
		}
		series, sex, age, unit := c.Labels[0], c.Labels[1], c.Labels[2], c.Labels[3]
		// Annual (A), national (N) data; status A: the framework is
		// ExactOnly, so no bound or approximation reaches here.
		return []string{"A", "N", series, c.Area.M49, sex, age, strconv.Itoa(c.Year), dataset.FormatValue(c.Value), statusNormal,
			"0", unit, nature, c.Provenance(), sourceDetail(in, c.Figure)}
	})
}
