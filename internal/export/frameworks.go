package export

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// A framework is an international body's table: the cells it asks a country
// for each year, mapped to the dataset's indicators and members. The UNODC
// and SDG exports write the cells the dataset can fill; the coverage tables
// list every cell, filled or not, with the reason.
type framework struct {
	Name  string
	Title string
	// ExactOnly keeps bounds and approximations out: UNODC and SDG tables
	// take counts.
	ExactOnly bool
	Cells     func(cl *dataset.CodeLists, area dataset.RefArea) []cell
}

// cell is one statistic a framework asks for.
type cell struct {
	Statistic string
	Breakdown string
	Target    target // Indicator "" when nothing in the dataset measures it
	Missing   string // why, when Target.Indicator is ""
	Note      string // a caveat on the mapping
	// Rate, when set, makes the cell Target per 100,000 of Rate (the
	// population of the same group).
	Rate *target
	// Labels are the framework's own columns for the cell.
	Labels []string
}

// Dataset codes the mapping tables below rely on. A code a later code list
// lacks makes its cells "not available" with a reason, never wrong.
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

// frameworks are the frameworks Coverage knows; each has a coverage format
// in Formats.
var frameworks = map[string]framework{
	"greta":      {Name: "greta", Title: "Council of Europe GRETA", Cells: gretaCells},
	"glotip":     {Name: "glotip", Title: "UNODC Global Report on Trafficking in Persons", ExactOnly: true, Cells: glotipCells},
	"sdg-16-2-2": {Name: "sdg-16-2-2", Title: "SDG indicator 16.2.2", ExactOnly: true, Cells: sdgCells},
}

// CoverageFrameworks lists the frameworks Coverage knows, in order.
func CoverageFrameworks() []string {
	names := make([]string, 0, len(frameworks))
	for n := range frameworks {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
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

// with returns t's members plus dim = codes.
func (t target) with(dim string, codes []string) target {
	m := make(map[string][]string, len(t.Members)+1)
	for k, v := range t.Members {
		m[k] = v
	}
	m[dim] = codes
	return target{Indicator: t.Indicator, Members: m}
}

// evaluated is a cell answered for one area and year.
type evaluated struct {
	cell
	Area dataset.RefArea
	Year int
	figure
}

// evaluate answers every cell of fw for each country and year the selected
// observations have a figure of one of fw's indicators for.
func evaluate(ctx context.Context, in Input, fw framework) ([]evaluated, error) {
	var areas []dataset.RefArea
	for _, a := range in.CodeLists.RefAreas {
		if a.ISO3 != "" {
			areas = append(areas, a)
		}
	}
	var indicators, rateIndicators []string
	for _, a := range areas {
		for _, c := range fw.Cells(in.CodeLists, a) {
			if c.Target.Indicator != "" && !slices.Contains(indicators, c.Target.Indicator) {
				indicators = append(indicators, c.Target.Indicator)
			}
			if c.Rate != nil && !slices.Contains(rateIndicators, c.Rate.Indicator) {
				rateIndicators = append(rateIndicators, c.Rate.Indicator)
			}
		}
	}
	var fs figures
	if err := loadFigures(ctx, in, in.Filter, indicators, &fs); err != nil {
		return nil, fmt.Errorf("read figures: %w", err)
	}
	// A rate's population is read whatever the filter selects: it is the
	// denominator of the selected figures, from its own source.
	if len(rateIndicators) > 0 {
		if err := loadFigures(ctx, in, dataset.Filter{Indicators: rateIndicators}, rateIndicators, &fs); err != nil {
			return nil, fmt.Errorf("read population: %w", err)
		}
	}
	type areaYear struct {
		area int
		year int
	}
	seen := map[areaYear]bool{}
	var pairs []areaYear
	for k := range fs.cells {
		i := slices.IndexFunc(areas, func(a dataset.RefArea) bool { return a.Code == k.Area })
		p := areaYear{i, k.Year}
		if i >= 0 && slices.Contains(indicators, k.Indicator) && !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, func(a, b areaYear) int { return cmp.Or(a.area-b.area, b.year-a.year) })
	var out []evaluated
	for _, p := range pairs {
		area := areas[p.area]
		for _, c := range fw.Cells(in.CodeLists, area) {
			out = append(out, evaluated{cell: c, Area: area, Year: p.year, figure: fs.answer(area.Code, p.year, c, fw.ExactOnly)})
		}
	}
	return out, nil
}

// answer resolves a cell: its target, and for a rate the population too.
func (fs *figures) answer(area string, year int, c cell, exactOnly bool) figure {
	if c.Target.Indicator == "" {
		return figure{Note: c.Missing}
	}
	f := fs.resolve(area, year, c.Target, exactOnly)
	if c.Rate == nil || !f.Found {
		return f
	}
	pop := fs.resolve(area, year, *c.Rate, true)
	if !pop.Found || !pop.Value.IsPositive() {
		return figure{Note: "no population figure for this group is loaded (" + pop.Note + ")"}
	}
	rate := per100000(f.Value, pop.Value)
	return figure{Found: true, Value: rate, Qualifier: dataset.Exact, How: howRate,
		Sources: append(slices.Clone(f.Sources), pop.Sources...),
		Note: fmt.Sprintf("%s × 100,000 / %s (population, %s) = %s, rounded to %d decimals",
			dataset.FormatValue(f.Value), dataset.FormatValue(pop.Value), pop.Sources[0].Release, rate.StringFixed(rateDecimals), rateDecimals)}
}

// rateDecimals: a detected-victim rate is a small number (about 0.9 per
// 100,000 for 91 victims in ten million people). Three decimals keep three
// significant digits there and no more precision than the population
// estimate has.
const rateDecimals = 3

// per100000 is count per 100,000 of population: the product is exact, and
// the quotient is rounded once, half away from zero, to rateDecimals places
// (0.0005 becomes 0.001), so no intermediate rounding can move the last
// digit. The value keeps no trailing zeros (0.9); the note shows all the
// places (0.900).
func per100000(count, population decimal.Decimal) decimal.Decimal {
	return count.Mul(decimal.NewFromInt(100000)).DivRound(population, rateDecimals)
}

// provenance is the text that shows where a value comes from: the report's
// words for a stated figure, the computation for a derived one.
func provenance(f figure) string {
	switch f.How {
	case howStated:
		return f.Sources[0].Source.Quote
	case howDerived:
		return "previous year's value, from the change stated in: " + f.Sources[0].Source.Quote
	default:
		return f.Note
	}
}

// sourceDetail names the releases and agencies behind a value.
func sourceDetail(in Input, f figure) string {
	titles := map[string]string{}
	for _, r := range in.Releases {
		titles[r.Code] = r.Title
	}
	agencies := map[string]string{}
	for _, a := range in.CodeLists.Agencies {
		agencies[a.Code] = a.Name
	}
	var parts []string
	for _, o := range f.Sources {
		p := fmt.Sprintf("%s (%s)", cmp.Or(titles[o.Release], o.Release), cmp.Or(agencies[o.Agency], o.Agency))
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// writeFilled writes the cells of a framework the dataset fills as CSV, one
// row each as row makes it; row returns nil for a cell the layout cannot
// hold. A cell the dataset lacks is absent, never a zero: a zero would claim
// there were none.
func writeFilled(ctx context.Context, w io.Writer, in Input, fw string, header []string, row func(evaluated) []string) error {
	cells, err := evaluate(ctx, in, frameworks[fw])
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	for _, c := range cells {
		if !c.Found {
			continue
		}
		if r := row(c); r != nil {
			if err := cw.Write(r); err != nil {
				return fmt.Errorf("write row: %w", err)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
