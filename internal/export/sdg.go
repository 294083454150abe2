package export

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"indicators/internal/dataset"
)

// SDG indicator 16.2.2: detected victims of human trafficking, by sex, age
// and form of exploitation, as counts and per 100,000 population. The
// columns are those of the SDG global database's SDMX data structure, in its
// order, less its dimensions that are always _T here: a row loads into it
// with only those added.
// sdgSeries are the count series and their per-100,000 twins; Form is the
// FORM_OF_EXPLOITATION member, "" for every form.
var sdgSeries = []struct{ Count, Rate, Form string }{
	{"VC_HTF_DETV", "VC_HTF_DETVR", ""},
	{"VC_HTF_DETVSX", "VC_HTF_DETVSXR", "SEXUAL"},
	{"VC_HTF_DETVFL", "VC_HTF_DETVFLR", "LABOUR"},
	{"VC_HTF_DETVOP", "VC_HTF_DETVOPR", "CRIMINAL_BEGGING_OTHER"},
}

// SDG code list values.
const (
	sdgNumber = "NUMBER"
	sdgRate   = "PER_100000_POP"
	// NATURE: C is country data as the country states it; CA is country data
	// adjusted, here summed from stated parts or turned into a rate.
	sdgCountryData     = "C"
	sdgCountryAdjusted = "CA"
)

func sdgCells(cl *dataset.CodeLists, _ dataset.RefArea) []cell {
	children, adults := ageGroups(cl)
	sexes := []struct{ Code, Member string }{{totalCode, ""}, {"F", "F"}, {"M", "M"}}
	ages := []struct {
		Code    string
		Members []string
	}{{totalCode, nil}, {"Y0T17", children}, {"Y_GE18", adults}}
	var cells []cell
	for _, s := range sdgSeries {
		for _, sex := range sexes {
			for _, age := range ages {
				var group target // the population group the rate is per
				if sex.Member != "" {
					group = group.with(dimSex, members(cl, dimSex, sex.Member))
				}
				if age.Code != totalCode {
					group = group.with(dimAge, age.Members)
				}
				count := target{Indicator: victimsIndicator, Members: group.Members}
				if s.Form != "" {
					count = count.with(dimForm, members(cl, dimForm, s.Form))
				}
				population := target{Indicator: populationIndicator, Members: group.Members}
				breakdown := fmt.Sprintf("SEX %s, AGE %s", sex.Code, age.Code)
				cells = append(cells,
					cell{Statistic: s.Count, Breakdown: breakdown, Target: count, Labels: []string{s.Count, sex.Code, age.Code, sdgNumber}},
					cell{Statistic: s.Rate, Breakdown: breakdown, Target: count, Rate: &population, Labels: []string{s.Rate, sex.Code, age.Code, sdgRate}})
			}
		}
	}
	return cells
}

// writeSDG writes the cells the dataset fills exactly; a rate only where a
// population of the same group is loaded.
func writeSDG(ctx context.Context, w io.Writer, in Input) error {
	header := []string{"FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "TIME_PERIOD",
		"OBS_VALUE", "OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE", "NATURE", "COMMENT_OBS", "SOURCE_DETAIL"}
	return writeFilled(ctx, w, in, "sdg-16-2-2", header, func(c evaluated) []string {
		if c.Area.M49 == "" {
			return nil
		}
		nature := sdgCountryData
		if c.How != howStated {
			nature = sdgCountryAdjusted
		}
		series, sex, age, unit := c.Labels[0], c.Labels[1], c.Labels[2], c.Labels[3]
		// Annual (A), national (N) data; status A: the framework is
		// ExactOnly, so no bound or approximation reaches here.
		return []string{"A", "N", series, c.Area.M49, sex, age, strconv.Itoa(c.Year), dataset.FormatValue(c.Value), statusNormal,
			"0", unit, nature, provenance(c.figure), sourceDetail(in, c.figure)}
	})
}
