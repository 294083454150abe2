package export

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"indicators/internal/dataset"
)

// The UNODC Global Report on Trafficking in Persons (GLOTIP) data layout, as
// UNODC's data portal publishes it: one count a row, with the indicator, the
// dimension it is broken down by, the category, sex and age.
// glotipIndicators maps UNODC's indicators to the dataset's. UNODC counts
// persons for the offence of trafficking in persons, so the
// trafficking-specific figures are used, not those that mix in related
// offences:
//   - persons brought into formal contact (suspected, arrested, cautioned):
//     the suspects accused of human trafficking;
//   - persons prosecuted: the traffickers against whom indictments were
//     issued (the case goes to court);
//   - persons convicted: the report has no court figures.
var glotipIndicators = []struct {
	Name    string
	Target  target
	Persons bool // broken down by sex; offences are not
	Victims bool // broken down by age, form and citizenship too
	Missing string
}{
	{Name: "Detected trafficking victims", Target: target{Indicator: victimsIndicator}, Persons: true, Victims: true},
	{Name: "Offences of trafficking in persons", Target: target{Indicator: "offences_detected",
		Members: map[string][]string{"OFFENCE_TYPE": {"TIP"}}}},
	{Name: "Persons brought into formal contact", Target: target{Indicator: "suspects_accused_of_trafficking"}, Persons: true},
	{Name: "Persons prosecuted", Target: target{Indicator: "traffickers_indicted"}, Persons: true},
	{Name: "Persons convicted", Persons: true, Missing: "the report gives no court figures on convictions"},
}

// glotipRegions is UNODC's regional grouping of the Global Report (not the
// UN M49 regions): the 2018 and 2022 editions put Azerbaijan in the region
// Europe and Central Asia, subregion Eastern Europe and Central Asia. A
// country not listed gets empty region columns.
var glotipRegions = map[string][2]string{
	"AZE": {"Europe and Central Asia", "Eastern Europe and Central Asia"},
}

const glotipTotal = "Total"

func glotipCells(cl *dataset.CodeLists, _ dataset.RefArea) []cell {
	children, adults := ageGroups(cl)
	sexes := []struct {
		Label   string
		Members []string
	}{{glotipTotal, nil}, {"Female", members(cl, dimSex, "F")}, {"Male", members(cl, dimSex, "M")}}
	ages := []struct {
		Label   string
		Members []string
	}{{glotipTotal, nil}, {"Adult", adults}, {"Child", children}}
	var cells []cell
	add := func(ind string, t target, missing, dimension, category, sex, age string) {
		cells = append(cells, cell{Statistic: ind, Target: t, Missing: missing,
			Breakdown: fmt.Sprintf("%s: %s; sex: %s; age: %s", dimension, category, sex, age),
			Labels:    []string{ind, dimension, category, sex, age}})
	}
	for _, g := range glotipIndicators {
		sexList := sexes[:1]
		if g.Persons {
			sexList = sexes
		}
		for _, s := range sexList {
			ageList := ages[:1]
			if g.Victims {
				ageList = ages
			}
			for _, a := range ageList {
				t := g.Target
				if s.Label != glotipTotal {
					t = t.with(dimSex, s.Members)
				}
				if a.Label != glotipTotal {
					t = t.with(dimAge, a.Members)
				}
				add(g.Name, t, g.Missing, glotipTotal, glotipTotal, s.Label, a.Label)
			}
		}
		if !g.Victims {
			continue
		}
		for _, f := range exploitationForms {
			for _, s := range sexes {
				t := g.Target.with(dimForm, members(cl, dimForm, f.Member))
				if s.Label != glotipTotal {
					t = t.with(dimSex, s.Members)
				}
				add(g.Name, t, "", "by form of exploitation", f.Label, s.Label, glotipTotal)
			}
		}
		d, _ := cl.Dimension(dimCitizenship)
		for _, m := range d.Members {
			add(g.Name, g.Target.with(dimCitizenship, []string{m.Code}), "", "by citizenship", m.Name, glotipTotal, glotipTotal)
		}
	}
	return cells
}

// writeGLOTIP writes the cells the dataset can fill exactly.
func writeGLOTIP(ctx context.Context, w io.Writer, in Input) error {
	header := []string{"iso3", "country", "region", "subregion", "indicator", "dimension", "category",
		"sex", "age", "year", "unit", "txtVALUE", "source"}
	return writeFilled(ctx, w, in, "glotip", header, func(c evaluated) []string {
		region := glotipRegions[c.Area.ISO3]
		row := append([]string{c.Area.ISO3, c.Area.Name, region[0], region[1]}, c.Labels...)
		return append(row, strconv.Itoa(c.Year), "Counts", dataset.FormatValue(c.Value), sourceDetail(in, c.figure))
	})
}
