// Package synth writes synthetic data files shaped like the real dataset at
// world size: the bundled report's units, agencies, dimensions and
// indicators, each indicator broken down the ways the report breaks it down,
// for up to 193 countries over 2005–2024. The figures are invented (seeded
// random numbers whose breakdowns add up to their totals); they exist to
// measure loads and queries at the size UNODC's Global Report covers, never
// to be served as data.
package synth

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"indicators/internal/dataset"
)

// WorldObservations is the default size: about what every country, twenty
// years and every breakdown of the report's indicators come to.
const WorldObservations = 5_000_000

// The years a world dataset covers.
const (
	FirstYear = 2005
	LastYear  = 2024
)

// ReleaseCode is the release a synthetic file states.
const ReleaseCode = "world-synthetic"

// countryDimensions are the dimensions whose code lists grow to every
// country: the report names a few countries of exploitation and citizenships,
// the world names them all.
var countryDimensions = []string{"COUNTRY_OF_EXPLOITATION", "CITIZENSHIP"}

type country struct{ iso2, iso3, m49, name string }

// Options choose the file.
type Options struct {
	// Observations is about how many reported observations to write; the
	// file has whole country-years, so it may have up to one country-year
	// more.
	Observations int
	// Seed makes the figures: the same seed and size give the same bytes.
	Seed uint64
	// Release is the code of the release the file states; ReleaseCode
	// when empty. Another code gives a second release over the same cells,
	// to measure loads beside a world-sized one.
	Release string
}

// Stats describe a written file.
type Stats struct {
	Areas, Years int
	Reported     int // observations written
	Derived      int // observations the loader derives from a change
}

// shape is one way an indicator is broken down: its dimensions (none for the
// total) and every cell of their members.
type shape struct {
	dimensions []string
	cells      [][]dataset.Coordinate
}

type series struct {
	indicator dataset.Indicator
	agency    string
	percent   bool
	shapes    []shape
	hasTotal  bool
}

// Write writes a data file to w, observations included.
func Write(w io.Writer, o Options) (Stats, error) {
	return write(w, nil, "", o)
}

// WriteSplit writes a data file to w that names its observations file,
// observationsFile, and the observations file to obs as CSV
// (dataset.ObservationColumns): the form a world-sized file loads in,
// streamed. The figures are those Write writes for the same options.
func WriteSplit(w, obs io.Writer, observationsFile string, o Options) (Stats, error) {
	return write(w, obs, observationsFile, o)
}

func write(w, obs io.Writer, observationsFile string, o Options) (Stats, error) {
	base, err := dataset.Bundled()
	if err != nil {
		return Stats{}, fmt.Errorf("read the bundled dataset the synthetic one is shaped like: %w", err)
	}
	worldDimensions(base)
	all := seriesOf(base)
	perAreaYear := 0
	for _, s := range all {
		for _, sh := range s.shapes {
			perAreaYear += len(sh.cells)
		}
	}
	st := Stats{Years: LastYear - FirstYear + 1}
	st.Areas = min(len(countries), max(1, ceilDiv(o.Observations, st.Years*perAreaYear)))
	if st.Areas == 1 {
		// Small files: fewer years, at least two so a change has a year to
		// derive.
		st.Years = min(st.Years, max(2, ceilDiv(o.Observations, perAreaYear)))
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	writeHeader(bw, base, o, observationsFile)
	g := generator{w: bw, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), stats: &st}
	var ow *bufio.Writer
	if obs != nil {
		ow = bufio.NewWriterSize(obs, 1<<20)
		g.csv = csv.NewWriter(ow)
		if err := g.csv.Write(csvColumns); err != nil {
			return st, fmt.Errorf("write synthetic observations file: %w", err)
		}
	}
	for _, c := range countries[:st.Areas] {
		for _, s := range all {
			g.series(c.iso3, s, LastYear-st.Years+1)
		}
	}
	if g.csv != nil {
		g.csv.Flush()
		if err := g.csv.Error(); err != nil {
			return st, fmt.Errorf("write synthetic observations file: %w", err)
		}
		if err := ow.Flush(); err != nil {
			return st, fmt.Errorf("write synthetic observations file: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("write synthetic data file: %w", err)
	}
	return st, nil
}

// csvColumns are the columns of the observations file WriteSplit writes, of
// dataset.ObservationColumns.
var csvColumns = []string{"indicator", "period", "value", "change", "qualifier", "agency", "area", "by", "section", "quote"}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// worldDimensions gives the countryDimensions every country,
// after the report's own members (whose codes are kept: code lists are shared
// with the bundled release once both are loaded).
func worldDimensions(base *dataset.Dataset) {
	for i, d := range base.Dimensions {
		if !slices.Contains(countryDimensions, d.Code) {
			continue
		}
		for _, c := range countries {
			if !slices.ContainsFunc(d.Members, func(m dataset.Member) bool { return m.Code == c.iso3 }) {
				d.Members = append(d.Members, dataset.Member{Dimension: d.Code, Code: c.iso3, Name: c.name,
					StandardCodes: dataset.StandardCodes{ISO2: c.iso2, ISO3: c.iso3, M49: c.m49}})
			}
		}
		base.Dimensions[i] = d
	}
}

// seriesOf finds, per indicator of the report, the ways the report breaks it
// down and the agency stating it.
func seriesOf(base *dataset.Dataset) []series {
	dims := map[string]dataset.Dimension{}
	for _, d := range base.Dimensions {
		dims[d.Code] = d
	}
	byIndicator := map[string]*series{}
	var out []*series
	for _, ind := range base.Indicators {
		s := &series{indicator: ind, percent: ind.Unit == "percent"}
		byIndicator[ind.Code] = s
		out = append(out, s)
	}
	for _, o := range base.Observations {
		s := byIndicator[o.Indicator]
		if o.Status != dataset.Reported || s == nil {
			continue
		}
		if s.agency == "" {
			s.agency = o.Agency
		}
		var key []string
		for _, c := range o.Coordinates {
			key = append(key, c.Dimension)
		}
		if slices.ContainsFunc(s.shapes, func(sh shape) bool { return slices.Equal(sh.dimensions, key) }) {
			continue
		}
		s.hasTotal = s.hasTotal || len(key) == 0
		s.shapes = append(s.shapes, shape{dimensions: key, cells: cellsOf(key, dims)})
	}
	var series []series
	for _, s := range out {
		crossBySex(s, dims)
		if len(s.shapes) > 0 { // an indicator the report states no figure of
			series = append(series, *s)
		}
	}
	return series
}

// crossBySex adds, to an indicator the report breaks down by sex and by
// another dimension separately, the breakdown by both (victims by sex and
// country of exploitation), as the Global Report crosses sex with age and
// form.
func crossBySex(s *series, dims map[string]dataset.Dimension) {
	bySex := slices.ContainsFunc(s.shapes, func(sh shape) bool { return slices.Equal(sh.dimensions, []string{"SEX"}) })
	if !bySex {
		return
	}
	for _, sh := range slices.Clone(s.shapes) {
		if len(sh.dimensions) != 1 || sh.dimensions[0] == "SEX" {
			continue
		}
		cross := []string{sh.dimensions[0], "SEX"}
		slices.Sort(cross)
		if !slices.ContainsFunc(s.shapes, func(sh shape) bool { return slices.Equal(sh.dimensions, cross) }) {
			s.shapes = append(s.shapes, shape{dimensions: cross, cells: cellsOf(cross, dims)})
		}
	}
}

// cellsOf lists every combination of the dimensions' members.
func cellsOf(dimensions []string, dims map[string]dataset.Dimension) [][]dataset.Coordinate {
	cells := [][]dataset.Coordinate{nil}
	for _, code := range dimensions {
		var next [][]dataset.Coordinate
		for _, c := range cells {
			for _, m := range dims[code].Members {
				next = append(next, append(slices.Clone(c), dataset.Coordinate{Dimension: code, Member: m.Code}))
			}
		}
		cells = next
	}
	return cells
}

type generator struct {
	w     *bufio.Writer
	csv   *csv.Writer // the observations, when they go to an observations file
	row   []string    // csv's record, reused
	rng   *rand.Rand
	stats *Stats
}

// series writes one indicator in one country over the years: a level drawn
// once, a yearly total around it, and each breakdown splitting the total. One
// series in five has a year stated only as the next year's change, so the
// loader derives it, as it does the report's "91 (+2)".
func (g *generator) series(area string, s series, firstYear int) {
	level := math.Exp(2 + 3*g.rng.Float64()) // 7 to 150, skewed low as counts of cases are
	gap := 0
	if s.hasTotal && !s.percent && g.rng.IntN(5) == 0 && firstYear < LastYear {
		gap = firstYear + g.rng.IntN(LastYear-firstYear)
	}
	previous := int64(0)
	for year := firstYear; year <= LastYear; year++ {
		total := int64(math.Round(level * (0.7 + 0.6*g.rng.Float64())))
		if s.percent {
			total = int64(g.rng.IntN(101))
		}
		values := g.cells(s, total)
		for _, sh := range s.shapes {
			if len(sh.dimensions) == 0 {
				if year != gap {
					change := ""
					if year == gap+1 && gap != 0 {
						change = signed(total - previous)
					}
					g.observation(s, area, year, total, nil, g.qualifier(), change)
				}
				continue
			}
			for _, c := range sh.cells {
				g.observation(s, area, year, values[dataset.CoordinateKey(c)], c, dataset.Exact, "")
			}
		}
		previous = total
	}
}

// cells gives every breakdown cell of one year a value, by coordinate key.
// The total is split by sex, each sex over the other dimension it is crossed
// with, and that dimension's own breakdown is the sum over sex, so every
// breakdown adds up to every total it breaks down. Other breakdowns split
// the total.
func (g *generator) cells(s series, total int64) map[string]int64 {
	values := map[string]int64{"": total}
	if s.percent {
		for _, sh := range s.shapes {
			for _, c := range sh.cells {
				values[dataset.CoordinateKey(c)] = int64(g.rng.IntN(101))
			}
		}
		return values
	}
	assign := func(cells [][]dataset.Coordinate, of int64) {
		for i, v := range g.split(of, len(cells)) {
			values[dataset.CoordinateKey(cells[i])] = v
		}
	}
	for _, sh := range s.shapes {
		if slices.Equal(sh.dimensions, []string{"SEX"}) {
			assign(sh.cells, total)
		}
	}
	for _, sh := range s.shapes {
		if _, bySex := values["SEX=F"]; !bySex || len(sh.dimensions) != 2 || !slices.Contains(sh.dimensions, "SEX") {
			continue
		}
		bySex := map[string][][]dataset.Coordinate{}
		var sexes []string
		for _, c := range sh.cells {
			i := slices.IndexFunc(c, func(c dataset.Coordinate) bool { return c.Dimension == "SEX" })
			if bySex[c[i].Member] == nil {
				sexes = append(sexes, c[i].Member)
			}
			bySex[c[i].Member] = append(bySex[c[i].Member], c)
		}
		for _, sex := range sexes {
			cells := bySex[sex]
			assign(cells, values["SEX="+sex])
			for _, c := range cells {
				other := slices.DeleteFunc(slices.Clone(c), func(c dataset.Coordinate) bool { return c.Dimension == "SEX" })
				values[dataset.CoordinateKey(other)] += values[dataset.CoordinateKey(c)]
			}
		}
	}
	for _, sh := range s.shapes {
		if _, done := values[dataset.CoordinateKey(sh.cells[0])]; !done {
			assign(sh.cells, total)
		}
	}
	return values
}

// split divides total into n parts that add up to it.
func (g *generator) split(total int64, n int) []int64 {
	parts := make([]int64, n)
	weights := make([]float64, n)
	sum := 0.0
	for i := range weights {
		weights[i] = g.rng.ExpFloat64()
		sum += weights[i]
	}
	left := total
	for i, w := range weights {
		parts[i] = int64(float64(total) * w / sum)
		left -= parts[i]
	}
	parts[g.rng.IntN(n)] += left
	return parts
}

func (g *generator) qualifier() dataset.Qualifier {
	switch r := g.rng.IntN(100); {
	case r < 2:
		return dataset.Approximately
	case r < 3:
		return dataset.MoreThan
	default:
		return dataset.Exact
	}
}

func signed(d int64) string {
	switch {
	case d == 0:
		return "unchanged"
	case d > 0:
		return "+" + strconv.FormatInt(d, 10)
	default:
		return strconv.FormatInt(d, 10)
	}
}

func (g *generator) observation(s series, area string, year int, value int64, by []dataset.Coordinate, q dataset.Qualifier, change string) {
	if change != "" {
		g.stats.Derived++
	}
	g.stats.Reported++
	if g.csv != nil {
		qualifier := ""
		if q != dataset.Exact {
			qualifier = string(q)
		}
		v := strconv.FormatInt(value, 10)
		g.row = append(g.row[:0], s.indicator.Code, strconv.Itoa(year), v, change, qualifier, s.agency, area,
			dataset.CoordinateKey(by), "Synthetic", v)
		g.csv.Write(g.row) //nolint:errcheck // the error sticks; write checks csv.Error at the end
		return
	}
	w := g.w
	fmt.Fprintf(w, "  - {indicator: %s, period: %d, value: %d, area: %s, agency: %s", s.indicator.Code, year, value, area, s.agency)
	if q != dataset.Exact {
		fmt.Fprintf(w, ", qualifier: %s", q)
	}
	if change != "" {
		fmt.Fprintf(w, ", change: %q", change)
	}
	if len(by) > 0 {
		w.WriteString(", by: ")
		writeBy(w, by)
	}
	fmt.Fprintf(w, ", section: Synthetic, quote: \"%d\"}\n", value)
}

func writeBy(w *bufio.Writer, by []dataset.Coordinate) {
	w.WriteString("{")
	for i, c := range by {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(c.Dimension + ": " + q(c.Member))
	}
	w.WriteString("}")
}

// q quotes a text for YAML: a JSON string is a YAML double-quoted scalar, so
// codes such as "NO" or "004" stay texts.
func q(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// writeHeader writes the release and the code lists; observations follow,
// or the name of the file that holds them.
func writeHeader(w *bufio.Writer, base *dataset.Dataset, o Options, observationsFile string) {
	fmt.Fprintf(w, "# Synthetic world dataset, %d observations requested, seed %d: invented figures shaped like the\n", o.Observations, o.Seed)
	fmt.Fprintf(w, "# bundled report, written by `indicators synth`. Not data: for measuring loads and queries.\n")
	fmt.Fprintf(w, "format: %s\n", dataset.FormatVersion)
	fmt.Fprintf(w, "release: {code: %s, title: %s, publisher: UNODC, reference_year: %d, ref_area: WLD}\n",
		cmp.Or(o.Release, ReleaseCode), q(fmt.Sprintf("Synthetic world dataset (seed %d)", o.Seed)), LastYear)
	w.WriteString("units:\n")
	for _, u := range base.Units {
		fmt.Fprintf(w, "  - {code: %s, name: %s}\n", q(u.Code), q(u.Name))
	}
	w.WriteString("ref_areas:\n  - {code: WLD, name: World, m49: \"001\"}\n")
	for _, c := range countries {
		fmt.Fprintf(w, "  - {code: %s, name: %s, iso2: %s, iso3: %s, m49: %s}\n", q(c.iso3), q(c.name), q(c.iso2), q(c.iso3), q(c.m49))
	}
	w.WriteString("agencies:\n")
	for _, a := range base.Agencies {
		fmt.Fprintf(w, "  - {code: %s, name: %s, kind: %s%s%s}\n", q(a.Code), q(a.Name), a.Kind,
			optional("short_name", a.ShortName), optional("parent", a.Parent))
	}
	w.WriteString("dimensions:\n")
	for _, d := range base.Dimensions {
		fmt.Fprintf(w, "  - code: %s\n    name: %s\n", d.Code, q(d.Name))
		if d.Description != "" {
			fmt.Fprintf(w, "    description: %s\n", q(d.Description))
		}
		w.WriteString("    members:\n")
		for _, m := range d.Members {
			fmt.Fprintf(w, "      - {code: %s, name: %s%s%s%s%s}\n", q(m.Code), q(m.Name), optional("description", m.Description),
				optional("iso2", m.ISO2), optional("iso3", m.ISO3), optional("m49", m.M49))
		}
	}
	w.WriteString("indicators:\n")
	for _, ind := range base.Indicators {
		fmt.Fprintf(w, "  - {code: %s, name: %s, description: %s, unit: %s, theme: %s", ind.Code, q(ind.Name), q(ind.Description), q(ind.Unit), ind.Theme)
		if len(ind.Headline) > 0 {
			w.WriteString(", headline: {by: ")
			writeBy(w, ind.Headline)
			w.WriteString("}")
		}
		if ind.Restricted {
			w.WriteString(", restricted: true")
		}
		w.WriteString("}\n")
	}
	if observationsFile != "" {
		fmt.Fprintf(w, "observations_file: %s\n", q(observationsFile))
		return
	}
	w.WriteString("observations:\n")
}

func optional(key, value string) string {
	if value == "" {
		return ""
	}
	return ", " + key + ": " + q(value)
}

func (s Stats) String() string {
	return fmt.Sprintf("%d observations (%d reported, %d derived from a change), %d countries, %d years",
		s.Reported+s.Derived, s.Reported, s.Derived, s.Areas, s.Years)
}
