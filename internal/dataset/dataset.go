// Package dataset holds the domain of the indicator dataset: releases, code
// lists, indicators and observations, their validation, and the bundled data
// of the 2024 report. It knows nothing of SQL or GraphQL so the same types
// serve the loader, the API and the exports.
package dataset

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Dataset is one report's data as read from a data file: its release, the
// code lists it uses, and its observations (reported and derived).
type Dataset struct {
	Release Release
	CodeLists
	Observations []Observation
	// ObservationsFile is the observations file the data file names
	// (`observations_file`), resolved against the data file's directory;
	// its observations are not in Observations but read by
	// StreamObservations, and its bytes are not in Release.Checksum until
	// HashObservationsFile adds them (before a load, which compares
	// checksums). Empty when the data file holds its observations.
	ObservationsFile string
	Ignored          []Ignored
	Relations        []Relation
	// File is the data file's name as Parse was given it: where problems
	// found after parsing (a streamed file's relations) are reported.
	File string

	companion *companion // what streaming ObservationsFile needs
}

// CodeLists are the entries observations refer to by code.
type CodeLists struct {
	Units      []Unit
	RefAreas   []RefArea
	Agencies   []Agency
	Dimensions []Dimension
	Indicators []Indicator
}

// Dimension returns the dimension with the given code.
func (c *CodeLists) Dimension(code string) (Dimension, bool) {
	for _, d := range c.Dimensions {
		if d.Code == code {
			return d, true
		}
	}
	return Dimension{}, false
}

// Member returns a member of a dimension.
func (d Dimension) Member(code string) (Member, bool) {
	for _, m := range d.Members {
		if m.Code == code {
			return m, true
		}
	}
	return Member{}, false
}

// Release is one edition of a report.
type Release struct {
	Code          string
	Title         string
	Publisher     string // agency code
	ReferenceYear int
	Published     string // YYYY-MM-DD, or empty when unknown
	RefArea       string // default reference area of the observations
	Source        string // file name of the report text
	Checksum      string // sha256 (hex) of the data file's bytes
	LoadedAt      string // RFC 3339 UTC; empty until stored
	Revision      int64  // the revision that last loaded it; 0 until stored
}

// Unit is a unit of measure.
type Unit struct {
	Code  string
	Name  string
	Names Labels // Name in other languages
}

// RefArea is a reference area: a country, or the World for global figures.
type RefArea struct {
	Code  string
	Name  string
	Names Labels // Name in other languages (CLDR fills those a file leaves out, see Localize)
	StandardCodes
}

// StandardCodes are the international codes of a country or area, empty where
// none applies.
type StandardCodes struct {
	ISO2 string // ISO 3166-1 alpha-2
	ISO3 string // ISO 3166-1 alpha-3
	M49  string // UN M49 numeric, three digits
}

// AgencyKind is the kind of a reporting or acting body.
type AgencyKind string

// Agency kinds.
const (
	KindMinistry      AgencyKind = "ministry"
	KindAgency        AgencyKind = "agency"
	KindCourt         AgencyKind = "court"
	KindProsecution   AgencyKind = "prosecution"
	KindOmbudsman     AgencyKind = "ombudsman"
	KindBar           AgencyKind = "bar"
	KindNGO           AgencyKind = "ngo"
	KindCompany       AgencyKind = "company"
	KindEducation     AgencyKind = "education"
	KindInternational AgencyKind = "international"
)

// AgencyKinds lists every agency kind.
var AgencyKinds = []AgencyKind{KindMinistry, KindAgency, KindCourt, KindProsecution, KindOmbudsman, KindBar, KindNGO, KindCompany, KindEducation, KindInternational}

// Agency is a body that reports a figure or carries out the activity it counts.
type Agency struct {
	Code       string
	Name       string
	Names      Labels // Name in other languages
	ShortName  string
	ShortNames Labels // ShortName in other languages
	Kind       AgencyKind
	Parent     string // agency code, or empty
}

// Dimension is a breakdown dimension with its code list.
type Dimension struct {
	Code         string
	Name         string
	Names        Labels // Name in other languages
	Description  string
	Descriptions Labels // Description in other languages
	Members      []Member
}

// Member is one code of a dimension's code list.
type Member struct {
	Dimension    string // code of the dimension whose code list holds it
	Code         string
	Name         string
	Names        Labels // Name in other languages
	Description  string
	Descriptions Labels // Description in other languages
	// Synonyms are other words the reports use for the member ("within the
	// country" for Azerbaijan as a country of exploitation). They guide
	// report extraction only and are not loaded into the database.
	Synonyms []string
	StandardCodes
}

// Theme groups indicators the way the report and GRETA do.
type Theme string

// Themes.
const (
	ThemePrevention  Theme = "prevention"
	ThemeProtection  Theme = "protection"
	ThemeProsecution Theme = "prosecution"
	ThemePartnership Theme = "partnership"
	ThemeContext     Theme = "context"
)

// Themes lists every theme, in the report's order.
var Themes = []Theme{ThemePrevention, ThemeProtection, ThemeProsecution, ThemePartnership, ThemeContext}

// Join lists values for a message: "a, b, c".
func Join[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// Indicator is a measured quantity.
type Indicator struct {
	Code         string
	Name         string
	Names        Labels // Name in other languages
	Description  string
	Descriptions Labels // Description in other languages
	Unit         string
	Theme        Theme
	// Synonyms are other phrases the reports use for what the indicator
	// counts; like a member's, they guide report extraction only.
	Synonyms []string
	// Headline, for an indicator the report states no total of, are the
	// coordinates of the cell the report leads with (the 161 acts of
	// trafficking among the offences detected): its headline value where no
	// total is stated. None when the report states a total, or leads with
	// no single cell.
	Headline []Coordinate
	// Dimensions are the dimensions the indicator's observations are broken
	// down by (IndicatorFacets.Dimensions, over every loaded observation):
	// where SDMX writes _T for a total; the other dimensions do not apply to
	// it (_Z). Code lists leave it empty; export.NewInput fills it from the
	// reader's facets, and a data file does not declare it.
	Dimensions []string
	// Restricted indicators, and every observation of them, are read only
	// by partners with a key (Viewer.SeesRestricted); for anyone else they
	// do not exist.
	Restricted bool
}

// Qualifier says how a figure relates to the true value.
type Qualifier string

// Qualifiers as the report phrases them.
const (
	Exact         Qualifier = "exact"         // "91 victims"
	MoreThan      Qualifier = "more_than"     // "more than 11,000", "over 100"
	AtLeast       Qualifier = "at_least"      // "at least"
	Approximately Qualifier = "approximately" // "nearly 1,000"
)

// Qualifiers lists every valid qualifier.
var Qualifiers = []Qualifier{Exact, MoreThan, AtLeast, Approximately}

// Status tells a figure the report states from one computed from it.
type Status string

// Observation statuses.
const (
	Reported Status = "reported"
	// Derived is last year's value computed from a change the report states,
	// as in "161 (+2)".
	Derived Status = "derived"
)

// Period is a span of whole years; Start == End for a single year.
type Period struct {
	Start int
	End   int
}

// String renders the period as the data file writes it: "2024" or "2005-2024".
func (p Period) String() string {
	if p.Start == p.End {
		return strconv.Itoa(p.Start)
	}
	return fmt.Sprintf("%d-%d", p.Start, p.End)
}

// Validate refuses a period the dataset cannot hold: years outside
// FirstYear-LastYear, or an end before the start.
func (p Period) Validate() error {
	for _, y := range []int{p.Start, p.End} {
		if y < FirstYear || y > LastYear {
			return fmt.Errorf("period %s: year %d is not between %d and %d", p, y, FirstYear, LastYear)
		}
	}
	if p.End < p.Start {
		return fmt.Errorf("period %s ends before it starts", p)
	}
	return nil
}

// Previous is the period of the same length just before p.
func (p Period) Previous() Period {
	n := p.End - p.Start + 1
	return Period{Start: p.Start - n, End: p.End - n}
}

// ParsePeriod reads "2024" or "2005-2024".
func ParsePeriod(s string) (Period, error) {
	start, end, ranged := strings.Cut(strings.TrimSpace(s), "-")
	a, err := parseYear(start)
	if err != nil {
		return Period{}, fmt.Errorf("period %q: %w", s, err)
	}
	if !ranged {
		return Period{Start: a, End: a}, nil
	}
	b, err := parseYear(end)
	if err != nil {
		return Period{}, fmt.Errorf("period %q: %w", s, err)
	}
	if b < a {
		return Period{}, fmt.Errorf("period %q ends before it starts", s)
	}
	return Period{Start: a, End: b}, nil
}

// MarshalText writes the period's label: periods travel as "2024" and
// "2005-2024" in JSON and in export parameters.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a label, "2024" or "2005-2024".
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ParsePeriods reads period labels a client gave in field: each "2024" or
// "2005-2024", refused coded.
func ParsePeriods(field string, labels []string) ([]Period, error) {
	out := make([]Period, 0, len(labels))
	for _, l := range labels {
		p, err := ParsePeriod(l)
		if err != nil {
			return nil, Errorf(ErrBadInput, "%s: %v (write a year, 2024, or a range, 2005-2024)", field, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// The years a period may span: the schema's bounds on period columns.
const (
	FirstYear = 1900
	LastYear  = 2200
)

func parseYear(s string) (int, error) {
	if len(s) != 4 {
		return 0, fmt.Errorf("year %q is not four digits", s)
	}
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("year %q is not a number", s)
	}
	if y < FirstYear || y > LastYear {
		return 0, fmt.Errorf("year %q is not between %d and %d", s, FirstYear, LastYear)
	}
	return y, nil
}

// Coordinate places an observation on one dimension.
type Coordinate struct {
	Dimension string
	Member    string
}

// Source locates a figure in the report.
type Source struct {
	Section string // heading the sentence stands under
	Quote   string // verbatim fragment containing the figure as written
	// Withheld: the quote states a suppressed number and is withheld from
	// this viewer (Suppression.Mask); Quote is empty then.
	Withheld bool
}

// Observation is one figure: an indicator's value for an area and period,
// broken down by zero or more dimensions. Read from a data file it has no ID
// or Release yet; read from the store it has both.
type Observation struct {
	ID      int64  // row id in the store; 0 before loading
	Release string // code of the release stating it
	// DerivedFromID is the row id of the reported observation a derived one
	// was computed from; 0 for reported observations and before loading.
	DerivedFromID int64
	Indicator     string
	RefArea       string
	Period        Period
	Value         decimal.Decimal
	Unit          string
	Qualifier     Qualifier
	Status        Status
	Change        *decimal.Decimal // change on the previous period as stated; nil when none
	Agency        string
	Coordinates   []Coordinate // sorted by dimension code; none = total
	Source        Source
	AlsoStated    []Source
	Note          string
	// DerivedFrom is the index in Dataset.Observations of the reported
	// observation a derived one was computed from; -1 for reported figures.
	DerivedFrom int
	Line        int // line of the data file that states it
	// Revision is the revision that last changed it: a corrected file keeps
	// the revision of every row it states unchanged. 0 before loading.
	Revision int64
	// Restricted observations are read only by partners with a key; a
	// derived observation is restricted with the one it comes from.
	Restricted bool
	// Suppressed, when not empty, is why the viewer reads the value as
	// suppressed (Suppression.Mask): Value is zero then and stands for no
	// figure. Every writer checks it before writing Value.
	Suppressed SuppressionReason
	// ChangeWithheld: the change on the previous period (the stated Change,
	// now nil, and one computed from the previous value) is withheld.
	ChangeWithheld bool
	// NoteWithheld: the note states a suppressed number; Note is empty.
	NoteWithheld bool
}

// CoordinateKey is the canonical text of the coordinates, "DIM=MEMBER;…",
// empty for the total. Equal keys mean the same cell.
func CoordinateKey(cs []Coordinate) string {
	switch len(cs) {
	case 0:
		return ""
	case 1:
		return cs[0].Dimension + "=" + cs[0].Member
	}
	n := len(cs) - 1
	for _, c := range cs {
		n += len(c.Dimension) + 1 + len(c.Member)
	}
	// One allocation: keys are written for every row of every page.
	var b strings.Builder
	b.Grow(n)
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(c.Dimension)
		b.WriteByte('=')
		b.WriteString(c.Member)
	}
	return b.String()
}

// Key identifies the cell an observation fills within a release.
func (o Observation) Key() string { return CellOf(o).Key() }

// RelationKind says how the parts of a relation stand to its whole.
type RelationKind string

// Relation kinds.
const (
	// PartOf: each part is at most the whole ("86 out of 100 children").
	PartOf RelationKind = "part_of"
	// SumOf: the parts add up to the whole, across indicators.
	SumOf RelationKind = "sum"
)

// Relation is an arithmetic relation between figures that the report's
// wording implies, checked by `indicators check` like a breakdown. A sum
// relation is also an equation small-cell protection must respect
// (Suppress): the store keeps the relations of every loaded release for it.
type Relation struct {
	Name  string
	Kind  RelationKind
	Whole string   // an observation key (Observation.Key)
	Parts []string // observation keys
	Line  int
	// Cells are the figures it names, the whole first, then the parts in
	// order: Whole and Parts are their keys.
	Cells []Cell
	// CellLines are the data file's lines naming each of Cells, where a
	// reference to a cell the file does not fill is reported.
	CellLines []int
	// Release is the code of the release stating it; empty before loading.
	Release string
}

// Ignored is a number in the report text that is deliberately not a figure.
type Ignored struct {
	Quote  string
	Reason string
	Line   int
}
