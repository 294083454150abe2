package framework

import (
	"fmt"

	"indicators/internal/dataset"
)

// SDG indicator 16.2.2: detected victims of human trafficking, by sex, age
// and form of exploitation, as counts and per 100,000 population. A cell's
// Labels are its SERIES, SEX, AGE and UNIT_MEASURE in the SDG global
// database's code lists.

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
	sdgTotal  = "_T"
	sdgNumber = "NUMBER"
	sdgRate   = "PER_100000_POP"
)

func sdgCells(cl *dataset.CodeLists, _ dataset.RefArea) []Cell {
	children, adults := ageGroups(cl)
	sexes := []struct{ Code, Member string }{{sdgTotal, ""}, {"F", "F"}, {"M", "M"}}
	ages := []struct {
		Code    string
		Members []string
	}{{sdgTotal, nil}, {"Y0T17", children}, {"Y_GE18", adults}}
	var cells []Cell
	for _, s := range sdgSeries {
		for _, sex := range sexes {
			for _, age := range ages {
				var group Target // the population group the rate is per
				if sex.Member != "" {
					group = group.with(dimSex, members(cl, dimSex, sex.Member))
				}
				if age.Code != sdgTotal {
					group = group.with(dimAge, age.Members)
				}
				count := Target{Indicator: victimsIndicator, Members: group.Members}
				if s.Form != "" {
					count = count.with(dimForm, members(cl, dimForm, s.Form))
				}
				population := Target{Indicator: populationIndicator, Members: group.Members}
				breakdown := fmt.Sprintf("SEX %s, AGE %s", sex.Code, age.Code)
				cells = append(cells,
					Cell{Statistic: s.Count, Breakdown: breakdown, Target: count, Labels: []string{s.Count, sex.Code, age.Code, sdgNumber}},
					Cell{Statistic: s.Rate, Breakdown: breakdown, Target: count, Rate: &population, Labels: []string{s.Rate, sex.Code, age.Code, sdgRate}})
			}
		}
	}
	return cells
}
