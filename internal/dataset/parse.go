package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// FormatVersion is the value the `format` key of a data file must have.
const FormatVersion = "indicators/v1"

// Problem is one thing wrong with a data file, located by line.
type Problem struct {
	File   string
	Line   int
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason) }

// ValidationError lists every problem found in one or more data files.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// The same patterns as the database's CHECK constraints, so a file the parser
// accepts is one the database accepts.
var (
	unitCodePattern      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	upperCodePattern     = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	memberCodePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)
	indicatorCodePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	releaseCodePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	iso2Pattern          = regexp.MustCompile(`^[A-Z]{2}$`)
	iso3Pattern          = regexp.MustCompile(`^[A-Z]{3}$`)
	m49Pattern           = regexp.MustCompile(`^[0-9]{3}$`)
	datePattern          = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	plainDecimalPattern  = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	changePattern        = regexp.MustCompile(`^[+-][0-9]+(\.[0-9]+)?$`)
)

// Parse reads and validates one data file. name is used in problem reports.
// On any problem it returns a *ValidationError listing all of them.
func Parse(name string, data []byte) (*Dataset, error) {
	sum := sha256.Sum256(data)
	p := &parser{file: name}
	if problems := ambiguousBreaks(name, data); len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.problems = append(p.problems, Problem{File: name, Line: yamlErrorLine(err), Reason: err.Error()})
		return nil, &ValidationError{Problems: p.problems}
	}
	ds := &Dataset{File: name}
	if len(doc.Content) == 0 {
		p.fail(1, "file is empty")
	} else {
		p.document(doc.Content[0], ds)
	}
	if len(p.problems) > 0 {
		// The YAML library places a node that ends the file (an empty
		// document after a final "---" without a newline) on the line after
		// the last; the author's editor has no such line, so it is the last.
		last := len(lineBreak.FindAllIndex(data, -1)) + 1
		for i := range p.problems {
			p.problems[i].Line = min(p.problems[i].Line, last)
		}
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, &ValidationError{Problems: p.problems}
	}
	ds.Release.Checksum = hex.EncodeToString(sum[:])
	return ds, nil
}

// ambiguousBreaks reports each NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR
// in the file. The YAML library breaks lines at them (as YAML 1.1 did), while
// YAML 1.2 and every editor treat them as ordinary characters: left in, they
// would shift the line numbers of every later problem away from what the
// file's author sees, and fold a quote of the report into different text.
// Lines are counted as the author's editor counts them, at LF, CR LF or CR.
func ambiguousBreaks(name string, data []byte) []Problem {
	text := decodeText(data)
	if text == nil {
		return nil
	}
	var problems []Problem
	line := 1
	for i, r := range text {
		switch {
		case r == '\n':
			line++
		case r == '\r':
			if i+1 >= len(text) || text[i+1] != '\n' {
				line++
			}
		case r == '\u0085' || r == '\u2028' || r == '\u2029':
			problems = append(problems, Problem{File: name, Line: line, Reason: fmt.Sprintf(
				"character U+%04X is a line break to some YAML readers and not to others; remove it, or write it as \"\\u%04X\" inside a double-quoted string", r, r)})
		}
	}
	return problems
}

// decodeText reads the file's characters: UTF-16 where it starts with a
// UTF-16 byte-order mark (which YAML allows), UTF-8 otherwise. A UTF-8 file
// without any of the three characters, which is every file in practice,
// answers nil rather than a copy four times its size.
func decodeText(data []byte) []rune {
	var order binary.ByteOrder
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE:
		order = binary.LittleEndian
	case len(data) >= 2 && data[0] == 0xFE && data[1] == 0xFF:
		order = binary.BigEndian
	case bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")):
		return []rune(string(data))
	default:
		return nil
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	return utf16.Decode(units)
}

// lineBreak is where the author's editor breaks lines: LF, CR LF, lone CR.
var lineBreak = regexp.MustCompile(`\r\n|\r|\n`)

var yamlLinePattern = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	if m := yamlLinePattern.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1
}

type parser struct {
	file     string
	problems []Problem
}

func (p *parser) fail(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Reason: fmt.Sprintf(format, args...)})
}

// mapping checks that n is a mapping with only the allowed keys and returns
// its values by key. Unknown keys are problems: a misspelt optional key would
// otherwise be silently ignored.
func (p *parser) mapping(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, "%s: expected a mapping", what)
		return nil
	}
	fields := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.fail(k.Line, "%s: unknown key %q (allowed: %s)", what, k.Value, strings.Join(allowed, ", "))
		case fields[k.Value] != nil:
			p.fail(k.Line, "%s: key %q given twice", what, k.Value)
		default:
			fields[k.Value] = v
		}
	}
	return fields
}

// sequence returns the items of a sequence node; a missing key is an empty list.
func (p *parser) sequence(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n.Line, "%s: expected a list", what)
		return nil
	}
	return n.Content
}

// text reads a scalar; required scalars that are missing or empty are problems.
func (p *parser) text(fields map[string]*yaml.Node, key, what string, line int, required bool) string {
	n := fields[key]
	if n == nil {
		if required {
			p.fail(line, "%s: %s is required", what, key)
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n.Line, "%s: %s must be a single value", what, key)
		return ""
	}
	v := strings.TrimSpace(n.Value)
	if v == "" && required {
		p.fail(n.Line, "%s: %s is empty", what, key)
	}
	return v
}

// label reads a text that may be given per language: a plain scalar is
// English, a mapping `{en: …, az: …, ru: …}` keys each text by its BCP 47
// tag and must hold English, which every other language falls back to. Tags
// are stored in canonical form ("AZ" → "az"); one given twice in any
// spelling is a problem.
func (p *parser) label(fields map[string]*yaml.Node, key, what string, line int, required bool) (string, Labels) {
	n := fields[key]
	if n == nil || n.Kind != yaml.MappingNode {
		return p.text(fields, key, what, line, required), nil
	}
	english, labels := "", Labels{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		tag, err := language.Parse(k.Value)
		if err != nil {
			p.fail(k.Line, "%s: %s: %q is not a BCP 47 language tag", what, key, k.Value)
			continue
		}
		lang := tag.String()
		text := strings.TrimSpace(v.Value)
		switch {
		case seen[lang]:
			p.fail(k.Line, "%s: %s: language %s given twice", what, key, lang)
		case v.Kind != yaml.ScalarNode || text == "":
			p.fail(v.Line, "%s: %s in %s must be a non-empty text", what, key, lang)
		case lang == "en":
			english = text
		default:
			labels[lang] = text
		}
		seen[lang] = true
	}
	if english == "" && !seen["en"] {
		p.fail(n.Line, "%s: %s has no English (en) text, which every other language falls back to", what, key)
	}
	if len(labels) == 0 {
		labels = nil
	}
	return english, labels
}

// texts reads an optional list of non-empty scalars ("synonyms").
func (p *parser) texts(fields map[string]*yaml.Node, key, what string, line int) []string {
	var out []string
	for _, n := range p.sequence(fields[key], what+" "+key) {
		if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			p.fail(lineOf(n, line), "%s: each of %s must be a non-empty text", what, key)
			continue
		}
		out = append(out, strings.TrimSpace(n.Value))
	}
	return out
}

// code reads a required code and checks it against its pattern.
func (p *parser) code(fields map[string]*yaml.Node, key, what string, line int, pattern *regexp.Regexp) string {
	v := p.text(fields, key, what, line, true)
	if v != "" && !pattern.MatchString(v) {
		p.fail(lineOf(fields[key], line), "%s: %s %q does not match %s", what, key, v, pattern)
	}
	return v
}

// flag reads an optional boolean, true or false as YAML writes them; absent
// is false.
func (p *parser) flag(fields map[string]*yaml.Node, key, what string, line int) bool {
	switch v := p.text(fields, key, what, line, false); v {
	case "", "false":
		return false
	case "true":
		return true
	default:
		p.fail(lineOf(fields[key], line), "%s: %s %q is neither true nor false", what, key, v)
		return false
	}
}

func lineOf(n *yaml.Node, fallback int) int {
	if n == nil {
		return fallback
	}
	return n.Line
}

func (p *parser) standardCodes(fields map[string]*yaml.Node, what string, line int) StandardCodes {
	sc := StandardCodes{
		ISO2: p.text(fields, "iso2", what, line, false),
		ISO3: p.text(fields, "iso3", what, line, false),
		M49:  p.text(fields, "m49", what, line, false),
	}
	for _, c := range []struct {
		key, value string
		pattern    *regexp.Regexp
	}{{"iso2", sc.ISO2, iso2Pattern}, {"iso3", sc.ISO3, iso3Pattern}, {"m49", sc.M49, m49Pattern}} {
		if c.value != "" && !c.pattern.MatchString(c.value) {
			p.fail(lineOf(fields[c.key], line), "%s: %s %q does not match %s (quote M49 codes: \"031\")", what, c.key, c.value, c.pattern)
		}
	}
	return sc
}

// declared remembers the line each code was declared on, to report duplicates
// and to resolve references.
type declared map[string]int

func (p *parser) declare(d declared, code, what string, line int) {
	if code == "" {
		return
	}
	if first, ok := d[code]; ok {
		p.fail(line, "%s %q is declared twice (first at line %d)", what, code, first)
		return
	}
	d[code] = line
}

func (p *parser) document(root *yaml.Node, ds *Dataset) {
	top := p.mapping(root, "file", "format", "release", "units", "ref_areas", "agencies", "dimensions", "indicators", "observations", "observations_file", "ignored", "relations")
	if top == nil {
		return
	}
	if f := p.text(top, "format", "file", root.Line, true); f != "" && f != FormatVersion {
		p.fail(top["format"].Line, "file: format %q is not supported (want %q)", f, FormatVersion)
	}

	units := declared{}
	for _, n := range p.sequence(top["units"], "units") {
		f := p.mapping(n, "unit", "code", "name")
		if f == nil {
			continue
		}
		u := Unit{Code: p.code(f, "code", "unit", n.Line, unitCodePattern)}
		u.Name, u.Names = p.label(f, "name", "unit", n.Line, true)
		p.declare(units, u.Code, "unit", n.Line)
		ds.Units = append(ds.Units, u)
	}

	areas := declared{}
	for _, n := range p.sequence(top["ref_areas"], "ref_areas") {
		f := p.mapping(n, "ref_area", "code", "name", "iso2", "iso3", "m49")
		if f == nil {
			continue
		}
		a := RefArea{
			Code:          p.code(f, "code", "ref_area", n.Line, upperCodePattern),
			StandardCodes: p.standardCodes(f, "ref_area", n.Line),
		}
		a.Name, a.Names = p.label(f, "name", "ref_area", n.Line, true)
		p.declare(areas, a.Code, "ref_area", n.Line)
		ds.RefAreas = append(ds.RefAreas, a)
	}

	agencies := p.agencies(top["agencies"], ds)
	dims := p.dimensions(top["dimensions"], ds)

	indicators := map[string]Indicator{}
	indicatorLines := declared{}
	var headlines []declaredHeadline
	for _, n := range p.sequence(top["indicators"], "indicators") {
		f := p.mapping(n, "indicator", "code", "name", "description", "unit", "theme", "synonyms", "headline", "restricted")
		if f == nil {
			continue
		}
		ind := Indicator{
			Code:       p.code(f, "code", "indicator", n.Line, indicatorCodePattern),
			Unit:       p.text(f, "unit", "indicator", n.Line, true),
			Theme:      Theme(p.text(f, "theme", "indicator", n.Line, true)),
			Synonyms:   p.texts(f, "synonyms", "indicator", n.Line),
			Restricted: p.flag(f, "restricted", "indicator", n.Line),
		}
		ind.Name, ind.Names = p.label(f, "name", "indicator", n.Line, true)
		ind.Description, ind.Descriptions = p.label(f, "description", "indicator", n.Line, true)
		if h := f["headline"]; h != nil {
			ind.Headline = p.headline(h, dims)
			headlines = append(headlines, declaredHeadline{ind.Code, h.Line})
		}
		p.reference(units, ind.Unit, "indicator: unknown unit", lineOf(f["unit"], n.Line))
		if ind.Theme != "" && !slices.Contains(Themes, ind.Theme) {
			p.fail(lineOf(f["theme"], n.Line), "indicator: unknown theme %q (allowed: %s)", ind.Theme, Join(Themes))
		}
		p.declare(indicatorLines, ind.Code, "indicator", n.Line)
		indicators[ind.Code] = ind
		ds.Indicators = append(ds.Indicators, ind)
	}

	p.release(top["release"], root.Line, ds, agencies, areas)
	refs := references{units: units, areas: areas, agencies: agencies, dimensions: dims, indicators: indicators}
	if top["observations_file"] != nil {
		// The observations are read later, streamed (companion.go): the
		// checks that need all of them wait for the stream.
		p.companion(top, ds, refs, headlines, root.Line)
		return
	}
	p.observations(top["observations"], ds, refs)
	p.checkHeadlines(headlines, indicators, ds.Observations)

	p.relations(top["relations"], ds, refs)
	for _, m := range ds.missingRelationCells() {
		p.fail(m.Line, "%s", m.Reason)
	}

	p.ignored(top["ignored"], ds)
}

func (p *parser) ignored(n *yaml.Node, ds *Dataset) {
	for _, n := range p.sequence(n, "ignored") {
		f := p.mapping(n, "ignored", "quote", "reason")
		if f == nil {
			continue
		}
		ds.Ignored = append(ds.Ignored, Ignored{
			Quote:  p.text(f, "quote", "ignored", n.Line, true),
			Reason: p.text(f, "reason", "ignored", n.Line, true),
			Line:   n.Line,
		})
	}
}

// declaredHeadline is an indicator's headline cell, to check against the
// observations once they are read.
type declaredHeadline struct {
	indicator string
	line      int
}

// headline reads an indicator's `headline: {by: {DIM: MEMBER}}`.
func (p *parser) headline(n *yaml.Node, dims dimensionMembers) []Coordinate {
	const what = "indicator: headline"
	f := p.mapping(n, what, "by")
	if f == nil {
		return nil
	}
	if f["by"] == nil {
		p.fail(n.Line, "%s: by is required (the coordinates of the headline cell)", what)
		return nil
	}
	before := len(p.problems)
	cs := p.coordinates(f["by"], dims, what)
	if len(p.problems) > before {
		return nil // the problem is reported; nothing to check it against
	}
	if len(cs) == 0 {
		p.fail(f["by"].Line, "%s: by names no dimension; a total is the headline without a declaration", what)
	}
	return cs
}

// checkHeadlines reports each declared headline cell that does not fit the
// file's observations (HeadlineProblem).
func (p *parser) checkHeadlines(headlines []declaredHeadline, indicators map[string]Indicator, obs []Observation) {
	for _, h := range headlines {
		if problem := HeadlineProblem(indicators[h.indicator], obs); problem != "" {
			p.fail(h.line, "indicator %s: headline: %s", h.indicator, problem)
		}
	}
}

// HeadlineProblem says why an indicator's headline cell does not fit the
// observations of its file, "" when it does (or it declares none): the file
// must state the cell, and no total of the indicator, since the headline
// stands in for a total the report does not give.
func HeadlineProblem(ind Indicator, obs []Observation) string {
	h := headlineCheck{indicator: ind}
	for _, o := range obs {
		h.see(o)
	}
	return h.problem()
}

// headlineCheck is HeadlineProblem over observations seen one at a time, as
// a streamed observations file gives them.
type headlineCheck struct {
	indicator Indicator
	line      int // of the declaration, for a streamed file's problem
	stated    bool
	total     bool // a total of the indicator is stated
	totalLine int  // the first total's line, 0 when none or not known (a draft's observations before it is written)
}

func (h *headlineCheck) see(o Observation) {
	if o.Indicator != h.indicator.Code || len(h.indicator.Headline) == 0 {
		return
	}
	switch CoordinateKey(o.Coordinates) {
	case CoordinateKey(h.indicator.Headline):
		h.stated = true
	case "":
		if !h.total {
			h.total, h.totalLine = true, o.Line
		}
	}
}

func (h *headlineCheck) problem() string {
	switch {
	case len(h.indicator.Headline) == 0:
		return ""
	case h.total && h.totalLine != 0:
		return fmt.Sprintf("the file states a total of it (line %d); declare a headline cell only for an indicator without one", h.totalLine)
	case h.total:
		return "the file states a total of it; declare a headline cell only for an indicator without one"
	case !h.stated:
		return fmt.Sprintf("no observation of it with by {%s} in this file", CoordinateKey(h.indicator.Headline))
	}
	return ""
}

func (p *parser) reference(d declared, code, what string, line int) {
	if code == "" {
		return
	}
	if _, ok := d[code]; !ok {
		p.fail(line, "%s %q", what, code)
	}
}

func (p *parser) release(n *yaml.Node, line int, ds *Dataset, agencies, areas declared) {
	if n == nil {
		p.fail(line, "file: release is required")
		return
	}
	f := p.mapping(n, "release", "code", "title", "publisher", "reference_year", "published", "ref_area", "source")
	if f == nil {
		return
	}
	r := Release{
		Code:      p.code(f, "code", "release", n.Line, releaseCodePattern),
		Title:     p.text(f, "title", "release", n.Line, true),
		Publisher: p.text(f, "publisher", "release", n.Line, true),
		Published: p.text(f, "published", "release", n.Line, false),
		RefArea:   p.text(f, "ref_area", "release", n.Line, true),
		Source:    p.text(f, "source", "release", n.Line, false),
	}
	if y := p.text(f, "reference_year", "release", n.Line, true); y != "" {
		var err error
		if r.ReferenceYear, err = parseYear(y); err != nil {
			p.fail(f["reference_year"].Line, "release: reference_year: %v", err)
		}
	}
	if r.Published != "" && !datePattern.MatchString(r.Published) {
		p.fail(f["published"].Line, "release: published %q is not a date YYYY-MM-DD", r.Published)
	}
	p.reference(agencies, r.Publisher, "release: unknown publisher agency", lineOf(f["publisher"], n.Line))
	p.reference(areas, r.RefArea, "release: unknown ref_area", lineOf(f["ref_area"], n.Line))
	ds.Release = r
}

func (p *parser) agencies(n *yaml.Node, ds *Dataset) declared {
	agencies := declared{}
	parents := map[string]string{}
	var agencyLines []int // each agency's line, in ds.Agencies' order
	for _, n := range p.sequence(n, "agencies") {
		f := p.mapping(n, "agency", "code", "name", "short_name", "kind", "parent")
		if f == nil {
			continue
		}
		a := Agency{
			Code:   p.code(f, "code", "agency", n.Line, upperCodePattern),
			Kind:   AgencyKind(p.text(f, "kind", "agency", n.Line, true)),
			Parent: p.text(f, "parent", "agency", n.Line, false),
		}
		a.Name, a.Names = p.label(f, "name", "agency", n.Line, true)
		a.ShortName, a.ShortNames = p.label(f, "short_name", "agency", n.Line, false)
		if a.Kind != "" && !slices.Contains(AgencyKinds, a.Kind) {
			p.fail(lineOf(f["kind"], n.Line), "agency: unknown kind %q (allowed: %s)", a.Kind, Join(AgencyKinds))
		}
		p.declare(agencies, a.Code, "agency", n.Line)
		parents[a.Code] = a.Parent
		ds.Agencies = append(ds.Agencies, a)
		agencyLines = append(agencyLines, n.Line)
	}
	for i, a := range ds.Agencies {
		if a.Parent == "" {
			continue
		}
		// The agency's own line: one without a code is not declared.
		line := agencyLines[i]
		if _, ok := agencies[a.Parent]; !ok {
			p.fail(line, "agency %q: unknown parent %q", a.Code, a.Parent)
			continue
		}
		// Walk up the chain: a cycle would make the hierarchy unprintable.
		seen := map[string]bool{a.Code: true}
		for up := a.Parent; up != ""; up = parents[up] {
			if seen[up] {
				p.fail(line, "agency %q: parent chain loops back to %q", a.Code, up)
				break
			}
			seen[up] = true
		}
	}
	return agencies
}

// dimensionMembers maps a dimension code to the line of each member code.
type dimensionMembers map[string]declared

func (p *parser) dimensions(n *yaml.Node, ds *Dataset) dimensionMembers {
	dims := dimensionMembers{}
	lines := declared{}
	for _, n := range p.sequence(n, "dimensions") {
		f := p.mapping(n, "dimension", "code", "name", "description", "members")
		if f == nil {
			continue
		}
		d := Dimension{
			Code: p.code(f, "code", "dimension", n.Line, upperCodePattern),
		}
		d.Name, d.Names = p.label(f, "name", "dimension", n.Line, true)
		d.Description, d.Descriptions = p.label(f, "description", "dimension", n.Line, false)
		p.declare(lines, d.Code, "dimension", n.Line)
		members := declared{}
		what := "dimension " + d.Code + " member"
		for _, m := range p.sequence(f["members"], what+"s") {
			mf := p.mapping(m, what, "code", "name", "description", "synonyms", "iso2", "iso3", "m49")
			if mf == nil {
				continue
			}
			mem := Member{
				Dimension:     d.Code,
				Code:          p.code(mf, "code", what, m.Line, memberCodePattern),
				Synonyms:      p.texts(mf, "synonyms", what, m.Line),
				StandardCodes: p.standardCodes(mf, what, m.Line),
			}
			mem.Name, mem.Names = p.label(mf, "name", what, m.Line, true)
			mem.Description, mem.Descriptions = p.label(mf, "description", what, m.Line, false)
			p.declare(members, mem.Code, what, m.Line)
			d.Members = append(d.Members, mem)
		}
		if len(d.Members) == 0 {
			p.fail(n.Line, "dimension %s: has no members", d.Code)
		}
		if _, dup := dims[d.Code]; !dup {
			dims[d.Code] = members
		}
		ds.Dimensions = append(ds.Dimensions, d)
	}
	return dims
}

type references struct {
	units, areas, agencies declared
	dimensions             dimensionMembers
	indicators             map[string]Indicator
}

func (p *parser) observations(n *yaml.Node, ds *Dataset, refs references) {
	keys := map[string]int{} // key → line that first filled it
	claim := func(o Observation) {
		k := o.Key()
		if first, dup := keys[k]; dup {
			p.fail(o.Line, "%s", DuplicateKey(k, o.Status, first))
			return
		}
		keys[k] = o.Line
	}
	for _, n := range p.sequence(n, "observations") {
		o, ok := p.observation(n, ds.Release, refs)
		if !ok {
			continue
		}
		claim(o)
		ds.Observations = append(ds.Observations, o)
		if o.Change == nil {
			continue
		}
		prev := o.derived(len(ds.Observations) - 1)
		claim(prev)
		ds.Observations = append(ds.Observations, prev)
	}
}

// DuplicateKey is the problem of an observation (of status) whose key an
// observation on line first already has: the loader's set-based check of a
// streamed observations file words it as the parser does.
func DuplicateKey(key string, status Status, first int) string {
	what := ""
	if status == Derived {
		what = " (the value derived from its change)"
	}
	return fmt.Sprintf("observation: duplicate key %s%s (first at line %d)", key, what, first)
}

// derived is last period's observation that o's change states, o being the
// observation at index i.
func (o Observation) derived(i int) Observation {
	prev := o
	prev.Period = o.Period.Previous()
	prev.Value = o.Value.Sub(*o.Change)
	prev.Status = Derived
	prev.Change = nil
	prev.DerivedFrom = i
	prev.AlsoStated = nil
	return prev
}

func (p *parser) observation(n *yaml.Node, rel Release, refs references) (Observation, bool) {
	const what = "observation"
	f := p.mapping(n, what, "indicator", "period", "value", "change", "qualifier", "agency", "area", "unit", "by", "section", "quote", "note", "also", "restricted")
	if f == nil {
		return Observation{}, false
	}
	before := len(p.problems)
	o := Observation{
		Indicator:   p.text(f, "indicator", what, n.Line, true),
		RefArea:     p.text(f, "area", what, n.Line, false),
		Unit:        p.text(f, "unit", what, n.Line, false),
		Qualifier:   Qualifier(p.text(f, "qualifier", what, n.Line, false)),
		Status:      Reported,
		Agency:      p.text(f, "agency", what, n.Line, true),
		Source:      Source{Section: p.text(f, "section", what, n.Line, true), Quote: p.text(f, "quote", what, n.Line, true)},
		Note:        p.text(f, "note", what, n.Line, false),
		DerivedFrom: -1,
		Line:        n.Line,
	}
	ind, known := refs.indicators[o.Indicator]
	if o.Indicator != "" && !known {
		p.fail(lineOf(f["indicator"], n.Line), "%s: unknown indicator %q", what, o.Indicator)
	}
	// Every cell of a restricted indicator is restricted: a figure cannot be
	// public when what it measures is not.
	o.Restricted = p.flag(f, "restricted", what, n.Line) || ind.Restricted
	if o.RefArea == "" {
		o.RefArea = rel.RefArea
	} else {
		p.reference(refs.areas, o.RefArea, what+": unknown area", f["area"].Line)
	}
	if o.Unit == "" {
		o.Unit = ind.Unit
	} else {
		p.reference(refs.units, o.Unit, what+": unknown unit", f["unit"].Line)
	}
	if o.Qualifier == "" {
		o.Qualifier = Exact
	} else if !slices.Contains(Qualifiers, o.Qualifier) {
		p.fail(f["qualifier"].Line, "%s: unknown qualifier %q (allowed: exact, more_than, at_least, approximately)", what, o.Qualifier)
	}
	p.reference(refs.agencies, o.Agency, what+": unknown agency", lineOf(f["agency"], n.Line))
	if s := p.text(f, "period", what, n.Line, true); s != "" {
		var err error
		if o.Period, err = ParsePeriod(s); err != nil {
			p.fail(f["period"].Line, "%s: %v", what, err)
		}
	}
	if s := p.text(f, "value", what, n.Line, true); s != "" {
		o.Value = p.value(s, f["value"].Line)
	}
	if s := p.text(f, "change", what, n.Line, false); s != "" {
		o.Change = p.change(s, f["change"].Line)
	}
	o.Coordinates = p.coordinates(f["by"], refs.dimensions, what)
	for _, a := range p.sequence(f["also"], what+": also") {
		af := p.mapping(a, what+": also", "section", "quote")
		if af == nil {
			continue
		}
		o.AlsoStated = append(o.AlsoStated, Source{
			Section: p.text(af, "section", what+": also", a.Line, true),
			Quote:   p.text(af, "quote", what+": also", a.Line, true),
		})
	}
	return o, len(p.problems) == before
}

func (p *parser) value(s string, line int) decimal.Decimal {
	if !plainDecimalPattern.MatchString(s) {
		hint := ""
		if digits := strings.NewReplacer(",", "", " ", "", "_", "").Replace(s); plainDecimalPattern.MatchString(digits) {
			hint = fmt.Sprintf(" (write %s)", digits)
		}
		p.fail(line, "observation: value %q is not a plain decimal%s", s, hint)
		return decimal.Decimal{}
	}
	v, err := ParseValue(s)
	if err != nil {
		p.fail(line, "observation: %v", err)
	}
	return v
}

func (p *parser) change(s string, line int) *decimal.Decimal {
	if s == "unchanged" {
		return new(decimal.Decimal)
	}
	if !changePattern.MatchString(s) {
		p.fail(line, "observation: change %q is neither \"unchanged\" nor a signed number such as \"+2\" or \"-10\"", s)
		return nil
	}
	v, err := ParseValue(s)
	if err != nil {
		p.fail(line, "observation: change: %v", err)
		return nil
	}
	return &v
}

func (p *parser) coordinates(n *yaml.Node, dims dimensionMembers, what string) []Coordinate {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, "%s: by must map dimension codes to member codes", what)
		return nil
	}
	var cs []Coordinate
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		members, known := dims[k.Value]
		switch {
		case !known:
			p.fail(k.Line, "%s: unknown dimension %q", what, k.Value)
		case seen[k.Value]:
			p.fail(k.Line, "%s: dimension %q given twice", what, k.Value)
		case v.Kind != yaml.ScalarNode:
			p.fail(v.Line, "%s: %s must be one member code", what, k.Value)
		default:
			if _, ok := members[v.Value]; !ok {
				p.fail(v.Line, "%s: unknown member %q of dimension %s", what, v.Value, k.Value)
			}
			cs = append(cs, Coordinate{Dimension: k.Value, Member: v.Value})
		}
		seen[k.Value] = true
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Dimension < cs[j].Dimension })
	return cs
}

// relations reads the relations and checks each reference's indicator,
// area, dimensions and members against the code lists. Whether the cells
// they name are the file's is checked once its observations are known:
// after they are parsed (missingRelationCells), or for a file whose
// observations stream (companion.go), against the staged rows (store.Load)
// or once `check` holds them (CheckRelationCells).
func (p *parser) relations(n *yaml.Node, ds *Dataset, refs references) {
	const what = "relation"
	for _, n := range p.sequence(n, "relations") {
		f := p.mapping(n, what, "name", "kind", "whole", "parts")
		if f == nil {
			continue
		}
		r := Relation{
			Name: p.text(f, "name", what, n.Line, true),
			Kind: RelationKind(p.text(f, "kind", what, n.Line, true)),
			Line: n.Line,
		}
		if r.Kind != "" && r.Kind != PartOf && r.Kind != SumOf {
			p.fail(f["kind"].Line, "%s: unknown kind %q (allowed: part_of, sum)", what, r.Kind)
		}
		refer := func(n *yaml.Node) {
			r.Cells, r.CellLines = append(r.Cells, p.cellRef(n, ds.Release, refs)), append(r.CellLines, n.Line)
		}
		if f["whole"] == nil {
			p.fail(n.Line, "%s: whole is required", what)
		} else {
			refer(f["whole"])
			r.Whole = r.Cells[0].Key()
		}
		for _, part := range p.sequence(f["parts"], what+": parts") {
			refer(part)
			r.Parts = append(r.Parts, r.Cells[len(r.Cells)-1].Key())
		}
		if len(r.Parts) == 0 {
			p.fail(n.Line, "%s: parts are required", what)
		}
		ds.Relations = append(ds.Relations, r)
	}
}

// MissingRelationCell is the problem of a relation's reference to a cell
// (key) no observation of its file fills: the loader's set-based check of
// a streamed observations file words it as the parser does.
func MissingRelationCell(key string) string {
	return fmt.Sprintf("relation: no observation %s in this file", key)
}

// cellRef reads {indicator, period, area, by} and returns the cell it
// names; its Indicator is empty when the reference names no valid cell
// (the problem is reported).
func (p *parser) cellRef(n *yaml.Node, rel Release, refs references) Cell {
	const what = "relation"
	f := p.mapping(n, what, "indicator", "period", "area", "by")
	if f == nil {
		return Cell{}
	}
	before := len(p.problems)
	c := Cell{Indicator: p.text(f, "indicator", what, n.Line, true), RefArea: p.text(f, "area", what, n.Line, false)}
	if _, known := refs.indicators[c.Indicator]; c.Indicator != "" && !known {
		p.fail(lineOf(f["indicator"], n.Line), "%s: unknown indicator %q", what, c.Indicator)
	}
	if c.RefArea == "" {
		c.RefArea = rel.RefArea
	} else {
		p.reference(refs.areas, c.RefArea, what+": unknown area", f["area"].Line)
	}
	if s := p.text(f, "period", what, n.Line, true); s != "" {
		var err error
		if c.Period, err = ParsePeriod(s); err != nil {
			p.fail(f["period"].Line, "%s: %v", what, err)
		}
	}
	c.CoordinateKey = CoordinateKey(p.coordinates(f["by"], refs.dimensions, what))
	if len(p.problems) > before {
		return Cell{}
	}
	return c
}

// CheckRelationCells reports each reference of the dataset's relations to a
// cell none of its observations fills, at the data file's line: what Parse
// checks of a file holding its observations, for one whose observations
// were streamed into Observations since (`indicators check`).
func (ds *Dataset) CheckRelationCells() error {
	if problems := ds.missingRelationCells(); len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

// missingRelationCells are the references of the relations to a cell no
// observation of the dataset fills. A reference that named no valid cell
// was reported when it was read.
func (ds *Dataset) missingRelationCells() []Problem {
	if len(ds.Relations) == 0 {
		return nil
	}
	keys := make(map[string]bool, len(ds.Observations))
	for _, o := range ds.Observations {
		keys[o.Key()] = true
	}
	var problems []Problem
	for _, r := range ds.Relations {
		for i, c := range r.Cells {
			if c.Indicator != "" && !keys[c.Key()] {
				problems = append(problems, Problem{File: ds.File, Line: r.CellLines[i], Reason: MissingRelationCell(c.Key())})
			}
		}
	}
	return problems
}

// NamedFile is a data file's name and bytes.
type NamedFile struct {
	Name string
	Data []byte
}

// ParseFiles parses every file and reports the problems of all of them
// together, including two files that claim the same release.
func ParseFiles(files []NamedFile) ([]*Dataset, error) {
	var (
		sets     []*Dataset
		problems []Problem
		claimed  = map[string]string{}
	)
	for _, f := range files {
		ds, err := Parse(f.Name, f.Data)
		var verr *ValidationError
		if errors.As(err, &verr) {
			problems = append(problems, verr.Problems...)
			continue
		}
		if other, dup := claimed[ds.Release.Code]; dup {
			problems = append(problems, Problem{File: f.Name, Line: 1, Reason: fmt.Sprintf("release %q is also in %s", ds.Release.Code, other)})
			continue
		}
		claimed[ds.Release.Code] = f.Name
		sets = append(sets, ds)
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return sets, nil
}
