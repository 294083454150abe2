package export

import (
	"context"
	"io"
	"strconv"
	"strings"

	"indicators/internal/dataset"
	"indicators/internal/framework"
)

// SDG indicator 16.2.2: detected victims of human trafficking, by sex, age
// and form of exploitation, as counts and per 100,000 population, as
// SDMX-CSV 1.0 of the SDG global database's harmonised dataflow: its
// columns in its order (as UN data serves DF_SDG_GLH), the breakdowns this
// indicator has no use for at _T, the attributes it does not need empty.
// TestSDGFileAgainstGlobalDSD reads it against the global SDG data structure
// itself (IAEG-SDGs:SDG 1.14, in testdata/global-structures): every column
// a component in its role, every code in the code list the DSD names.

// sdgDataflow is the global SDG dataflow the rows belong to.
const sdgDataflow = "IAEG-SDGs:DF_SDG_GLH(1.24)"

// sdgHeader is DF_SDG_GLH's SDMX-CSV header: DATAFLOW, its 15 dimensions,
// TIME_PERIOD, OBS_VALUE and its attributes.
var sdgHeader = []string{"DATAFLOW", "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
	"INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN", "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS",
	"ACTIVITY", "PRODUCT", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE", "BASE_PER", "NATURE",
	"TIME_DETAIL", "COMMENT_OBS", "TIME_COVERAGE", "UPPER_BOUND", "LOWER_BOUND", "SOURCE_DETAIL", "COMMENT_TS",
	"GEO_INFO_URL", "GEO_INFO_TYPE", "CUST_BREAKDOWN_LB", "DATA_LAST_UPDATE"}

// SDG code list values.
const (
	// NATURE: C is country data as the country states it; CA is country data
	// adjusted, here summed from stated parts or turned into a rate.
	sdgCountryData     = "C"
	sdgCountryAdjusted = "CA"
	// REPORTING_TYPE N: national data, as the country reports it.
	sdgNational = "N"
)

// writeSDG writes the cells the dataset fills exactly; a rate only where a
// population of the same group is loaded.
func writeSDG(ctx context.Context, w io.Writer, in Input) error {
	updated := in.Prepared.UTC().Format("2006-01-02T15:04:05")
	return writeFilled(ctx, w, in, framework.SDG1622, sdgHeader, func(c framework.Evaluated) []string {
		if c.Area.M49 == "" {
			return nil
		}
		nature := sdgCountryData
		if c.How != framework.HowStated {
			nature = sdgCountryAdjusted
		}
		series, sex, age, unit := c.Labels[0], c.Labels[1], c.Labels[2], c.Labels[3]
		year := strconv.Itoa(c.Year)
		// UN data writes M49 codes as numbers: 31 for Azerbaijan's 031.
		area := strings.TrimLeft(c.Area.M49, "0")
		// Annual (A) data; status A: the framework is ExactOnly, so no bound
		// or approximation reaches here.
		return []string{sdgDataflow, "A", sdgNational, series, area, sex, age,
			totalCode, totalCode, totalCode, totalCode, totalCode, totalCode, totalCode, totalCode, totalCode,
			year, dataset.FormatValue(c.Value), statusNormal, unitMultiplier, unit, "", nature,
			year, c.Provenance(), "", "", "", sourceDetail(in, c.Figure), "", "", "", "", updated}
	})
}
