package framework

import (
	"fmt"

	"indicators/internal/dataset"
)

// The UNODC Global Report on Trafficking in Persons (GLOTIP) asks for counts
// by indicator, the dimension it is broken down by, the category, sex and
// age: a cell's Labels, as UNODC's data portal publishes them.

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
	Target  Target
	Persons bool // broken down by sex; offences are not
	Victims bool // broken down by age, form and citizenship too
	Missing string
}{
	{Name: "Detected trafficking victims", Target: Target{Indicator: victimsIndicator}, Persons: true, Victims: true},
	{Name: "Offences of trafficking in persons", Target: Target{Indicator: "offences_detected",
		Members: map[string][]string{"OFFENCE_TYPE": {"TIP"}}}},
	{Name: "Persons brought into formal contact", Target: Target{Indicator: "suspects_accused_of_trafficking"}, Persons: true},
	{Name: "Persons prosecuted", Target: Target{Indicator: "traffickers_indicted"}, Persons: true},
	{Name: "Persons convicted", Persons: true, Missing: "the report gives no court figures on convictions"},
}

const glotipTotal = "Total"

func glotipCells(cl *dataset.CodeLists, _ dataset.RefArea) []Cell {
	children, adults := ageGroups(cl)
	sexes := []struct {
		Label   string
		Members []string
	}{{glotipTotal, nil}, {"Female", members(cl, dimSex, "F")}, {"Male", members(cl, dimSex, "M")}}
	ages := []struct {
		Label   string
		Members []string
	}{{glotipTotal, nil}, {"Adult", adults}, {"Child", children}}
	var cells []Cell
	add := func(ind string, t Target, missing, dimension, category, sex, age string) {
		cells = append(cells, Cell{Statistic: ind, Target: t, Missing: missing,
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
