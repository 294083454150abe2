// Package framework holds the international frameworks' tables (Council of
// Europe GRETA, UNODC's Global Report, SDG indicator 16.2.2): the cells each
// asks a country for every year, mapped to the dataset's indicators and
// members, and their evaluation over the current observations: for each
// cell, per area and year, the value with its provenance, or not available
// and why. The coverage tables (GraphQL's coverage field and the
// *-coverage.csv exports) list every cell; the UNODC and SDG exports write
// the cells the dataset fills.
package framework

import (
	"regexp"
	"strconv"

	"indicators/internal/dataset"
)

// Framework is an international body's table.
type Framework struct {
	Name  string // greta, glotip or sdg-16-2-2: the coverage formats' and GraphQL's name
	Title string
	// ExactOnly keeps bounds and approximations out: UNODC and SDG tables
	// take counts.
	ExactOnly bool
	cells     func(cl *dataset.CodeLists, area dataset.RefArea) []Cell
}

// The frameworks.
var (
	GRETA   = Framework{Name: "greta", Title: "Council of Europe GRETA", cells: gretaCells}
	GLOTIP  = Framework{Name: "glotip", Title: "UNODC Global Report on Trafficking in Persons", ExactOnly: true, cells: glotipCells}
	SDG1622 = Framework{Name: "sdg-16-2-2", Title: "SDG indicator 16.2.2", ExactOnly: true, cells: sdgCells}
)

// All lists the frameworks by name.
func All() []Framework { return []Framework{GLOTIP, GRETA, SDG1622} }

// Lookup finds a framework by name.
func Lookup(name string) (Framework, bool) {
	for _, fw := range All() {
		if fw.Name == name {
			return fw, true
		}
	}
	return Framework{}, false
}

// Cells are the statistics fw asks of a reference area, given the code lists
// the mapping picks members from.
func (fw Framework) Cells(cl *dataset.CodeLists, area dataset.RefArea) []Cell {
	return fw.cells(cl, area)
}

// Cell is one statistic a framework asks for.
type Cell struct {
	Statistic string
	Breakdown string
	Target    Target // Indicator "" when nothing in the dataset measures it
	Missing   string // why, when Target.Indicator is ""
	Note      string // a caveat on the mapping
	// Rate, when set, makes the cell Target per 100,000 of Rate (the
	// population of the same group).
	Rate *Target
	// Labels are the framework's own columns for the cell.
	Labels []string
}

// Target is what a cell asks of the dataset: an indicator and, per
// dimension, the members it accepts. A dimension not listed is the total
// over it; a listed dimension with several members asks for their sum
// ("transnational" is every country of exploitation but the reporting one).
type Target struct {
	Indicator string
	Members   map[string][]string
}

// with returns t's members plus dim = codes.
func (t Target) with(dim string, codes []string) Target {
	m := make(map[string][]string, len(t.Members)+1)
	for k, v := range t.Members {
		m[k] = v
	}
	m[dim] = codes
	return Target{Indicator: t.Indicator, Members: m}
}

// Dataset codes the mapping tables rely on. A code a later code list lacks
// makes its cells "not available" with a reason, never wrong.
const (
	victimsIndicator    = "victims_identified"
	populationIndicator = "population"
	dimSex              = "SEX"
	dimAge              = "AGE"
	dimForm             = "FORM_OF_EXPLOITATION"
	dimCitizenship      = "CITIZENSHIP"
	dimCountry          = "COUNTRY_OF_EXPLOITATION"
)

// exploitationForms maps the international bodies' three forms to the
// dataset's FORM_OF_EXPLOITATION members. The report's "criminal
// activities, forced begging or other purposes" is UNODC's and SDG's
// "other purposes".
var exploitationForms = []struct{ Label, Member string }{
	{"Sexual exploitation", "SEXUAL"},
	{"Forced labour", "LABOUR"},
	{"Other purposes", "CRIMINAL_BEGGING_OTHER"},
}

// members returns those of codes that dimension dim of cl has.
func members(cl *dataset.CodeLists, dim string, codes ...string) []string {
	d, _ := cl.Dimension(dim)
	var out []string
	for _, c := range codes {
		if _, ok := d.Member(c); ok {
			out = append(out, c)
		}
	}
	return out
}

// ageBand reads SDMX-style age codes: Y18T25, Y_GE18, Y_GT35, Y_LT18, Y_LE17.
var ageBand = regexp.MustCompile(`^Y(\d+)T(\d+)$|^Y_(GE|GT|LT|LE)(\d+)$`)

// ageGroups splits the AGE members into children (the band ends before 18)
// and adults (it starts at 18 or later), the two groups UNODC, SDG and GRETA
// ask for. A band across 18, or a code that is no band, is neither.
func ageGroups(cl *dataset.CodeLists) (children, adults []string) {
	d, _ := cl.Dimension(dimAge)
	for _, m := range d.Members {
		g := ageBand.FindStringSubmatch(m.Code)
		if g == nil {
			continue
		}
		lo, hi := -1, -1
		if g[1] != "" {
			lo, _ = strconv.Atoi(g[1])
			hi, _ = strconv.Atoi(g[2])
		} else {
			n, _ := strconv.Atoi(g[4])
			switch g[3] {
			case "GE", "GT":
				lo = n
			case "LT":
				hi = n - 1
			case "LE":
				hi = n
			}
		}
		switch {
		case hi >= 0 && hi < 18:
			children = append(children, m.Code)
		case lo >= 18:
			adults = append(adults, m.Code)
		}
	}
	return children, adults
}

// homeAndAbroad splits the members of a country dimension into the
// reference area itself and the other countries.
func homeAndAbroad(cl *dataset.CodeLists, dim string, area dataset.RefArea) (home, abroad []string) {
	d, _ := cl.Dimension(dim)
	for _, m := range d.Members {
		if m.ISO3 != "" && m.ISO3 == area.ISO3 {
			home = append(home, m.Code)
		} else {
			abroad = append(abroad, m.Code)
		}
	}
	return home, abroad
}
