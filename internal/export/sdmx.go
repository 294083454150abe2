package export

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// The SDMX dataflow every SDMX format describes. The Ministry of Internal
// Affairs publishes the report and coordinates the national anti-trafficking
// effort, so it is the maintenance agency. Agency ids are global in SDMX
// registries and a bare MIA would be ambiguous between countries, hence the
// AZ_ prefix. The DSD is generated from the loaded code lists, so a data file
// that adds a dimension or a member changes the structure: bump
// DataflowVersion with such a release.
const (
	AgencyID        = "AZ_MIA"
	AgencyName      = "Ministry of Internal Affairs of the Republic of Azerbaijan"
	DataflowID      = "TIP_INDICATORS"
	DataflowName    = "Anti-trafficking indicators"
	DataflowVersion = "1.0"
	DSDID           = "DSD_TIP_INDICATORS"
	conceptSchemeID = "CS_TIP_INDICATORS"
	totalCode       = "_T" // SDMX's code for the total over a dimension
	// notApplicable is SDMX's code for a dimension that does not apply: the
	// indicator is never broken down by it.
	notApplicable = "_Z"
)

// DataflowRef is the dataflow as SDMX-CSV 1.0 writes it: AGENCY:ID(VERSION).
func DataflowRef() string { return ref(DataflowID) }

func ref(id string) string { return AgencyID + ":" + id + "(" + DataflowVersion + ")" }

func urn(class, id string) string { return "urn:sdmx:org.sdmx.infomodel." + class + "=" + ref(id) }

var (
	dataflowURN = urn("datastructure.Dataflow", DataflowID)
	dsdURN      = urn("datastructure.DataStructure", DSDID)
)

func conceptURN(id string) string { return urn("conceptscheme.Concept", conceptSchemeID) + "." + id }

func codelistURN(id string) string { return urn("codelist.Codelist", id) }

// code is one entry of a component's code list.
type code struct {
	ID, Name, Description string
	// Names and Descriptions are Name and Description in other languages,
	// as the data file writes them; Area gives a country's CLDR names.
	// The DSD's own codes (FREQ, OBS_STATUS, …) are English only.
	Names, Descriptions dataset.Labels
	Area                dataset.StandardCodes
}

// component is a dimension or an attribute of the DSD. A component without a
// code list is free text (or, for TIME_PERIOD, a time period).
type component struct {
	ID, Name, Description string
	// Names and Descriptions are Name and Description in other languages,
	// as the data file writes them for a breakdown dimension; the DSD's
	// own components (FREQ, REF_AREA, …) are English only.
	Names, Descriptions dataset.Labels
	Codelist            string // code list id; empty when not coded
	Codes               []code
	Mandatory           bool
}

// dsd is the data structure the SDMX formats share: the key is REF_AREA,
// INDICATOR, every breakdown dimension and TIME_PERIOD; OBS_VALUE is the
// measure; the attributes carry the status, the project's qualifier and
// derivation, the unit and the provenance of each observation.
type dsd struct {
	Dimensions []component // FREQ, REF_AREA, INDICATOR first; TIME_PERIOD last
	Attributes []component
	// breakdown maps a dataset dimension code to its position in Dimensions.
	breakdown map[string]int
	// applies holds, per indicator, the positions of the dimensions it is
	// broken down by (_T when an observation is their total; _Z elsewhere).
	applies map[string]map[int]bool
	// units maps the dataset's unit codes to UNIT_MEASURE codes.
	units map[string]string
}

// Positions of the dimensions every observation has.
const (
	posFreq = iota
	posArea
	posIndicator
)

// annual is the one frequency (SDMX CL_FREQ): figures are for years, and a
// cumulative figure for a span of years is a time range in TIME_PERIOD.
const annual = "A"

const timeDimension = "TIME_PERIOD"

// Observation status codes (SDMX CL_OBS_STATUS). An approximate or bounded
// figure ("more than 11,000", "nearly 1,000") is not the count itself, so it
// is E; an exact figure is A whether the report states it or it is last
// year's value derived from a stated change ("161 (+2)" gives 159 exactly):
// that difference is the DERIVATION attribute's.
const (
	statusNormal    = "A"
	statusEstimated = "E"
	// statusSuppressed is for a cell withheld from publication (a small
	// count or its complement, for a client without a key), with
	// CONF_STATUS confConfidential.
	statusSuppressed = "Q"
	// confFree is SDMX CL_CONF_STATUS's "free for publication": the report
	// publishes every figure it states.
	confFree = "F"
	// confConfidential is CL_CONF_STATUS's "confidential statistical
	// information": a value small-cell protection withholds.
	confConfidential = "C"
	// unitMultiplier is SDMX CL_UNIT_MULT's 0 (units): values are stated
	// in full.
	unitMultiplier = "0"
)

func obsStatus(q dataset.Qualifier) string {
	if q == dataset.Exact {
		return statusNormal
	}
	return statusEstimated
}

// Attribute ids, in the order the formats write them.
const (
	attrStatus    = "OBS_STATUS"
	attrConf      = "CONF_STATUS"
	attrQualifier = "QUALIFIER"
	attrDerive    = "DERIVATION"
	attrUnit      = "UNIT_MEASURE"
	attrUnitMult  = "UNIT_MULT"
	attrAgency    = "REPORTING_AGENCY"
	attrRelease   = "SOURCE_RELEASE"
	attrSection   = "SOURCE_SECTION"
	attrComment   = "COMMENT_OBS"
	attrNote      = "OBS_NOTE"
)

var qualifierCodes = map[dataset.Qualifier]code{
	dataset.Exact:         {ID: "EXACT", Name: "Exact", Description: "The value is the count or amount the report states."},
	dataset.MoreThan:      {ID: "MORE_THAN", Name: "More than", Description: "The report states that the true value is more than this value (\"more than 11,000\", \"over 100\")."},
	dataset.AtLeast:       {ID: "AT_LEAST", Name: "At least", Description: "The report states that the true value is at least this value."},
	dataset.Approximately: {ID: "APPROXIMATELY", Name: "Approximately", Description: "The report states the value approximately (\"nearly 1,000\")."},
}

var derivationCodes = map[dataset.Status]code{
	dataset.Reported: {ID: "REPORTED", Name: "Reported", Description: "The value is stated in the report."},
	dataset.Derived:  {ID: "DERIVED", Name: "Derived from a stated change", Description: "The previous period's value, computed from the value and the change the report states (\"161 (+2)\" gives 159)."},
}

// sdmxUnit is the UNIT_MEASURE code of a dataset unit, from the unit code
// list of the global SDG data structure (IAEG-SDGs CL_UNIT_MEASURE 1.8, the
// one unit list of a global body found; no list of the SDMX agency's own was
// found, see testdata/global-structures/README.md): money in
// its ISO 4217 code (AZN), percent as PT, and every other unit, each a
// count of what the indicator names (persons, cases, calls, …), as NUMBER.
// The names are that list's; TestSDMXCodeListsAgainstGlobal holds them to it.
func sdmxUnit(u dataset.Unit) code {
	switch {
	case iso4217.MatchString(u.Code):
		return code{ID: u.Code, Name: u.Name, Names: u.Names, Description: "ISO 4217 currency code."}
	case u.Code == "percent":
		return code{ID: "PT", Name: "Percent"}
	}
	return code{ID: "NUMBER", Name: "Number", Description: "A count; the indicator says of what."}
}

var iso4217 = regexp.MustCompile(`^[A-Z]{3}$`)

func newDSD(cl *dataset.CodeLists, releases []dataset.Release) dsd {
	d := dsd{breakdown: map[string]int{}, applies: map[string]map[int]bool{}, units: map[string]string{}}
	freq := component{ID: "FREQ", Name: "Frequency", Codelist: "CL_FREQ", Mandatory: true,
		Description: "How often the figures are compiled: yearly, by the annual reports.",
		Codes:       []code{{ID: annual, Name: "Annual", Description: ""}}}
	area := component{ID: "REF_AREA", Name: "Reference area", Codelist: "CL_REF_AREA", Mandatory: true,
		Description: "Country or area the figure is for (ISO 3166-1 alpha-3; WLD for the world)."}
	for _, a := range cl.RefAreas {
		area.Codes = append(area.Codes, code{ID: a.Code, Name: a.Name, Names: a.Names, Area: a.StandardCodes})
	}
	ind := component{ID: "INDICATOR", Name: "Indicator", Codelist: "CL_INDICATOR", Mandatory: true,
		Description: "What is counted or measured."}
	for _, i := range cl.Indicators {
		ind.Codes = append(ind.Codes, code{ID: i.Code, Name: i.Name, Description: i.Description, Names: i.Names, Descriptions: i.Descriptions})
	}
	d.Dimensions = append(d.Dimensions, freq, area, ind)
	for _, dim := range cl.Dimensions {
		c := component{ID: dim.Code, Name: dim.Name, Description: dim.Description, Names: dim.Names, Descriptions: dim.Descriptions,
			Codelist: "CL_" + dim.Code, Mandatory: true,
			Codes: []code{
				{ID: totalCode, Name: "Total", Description: "The total over every " + strings.ToLower(dim.Name) + ", for an indicator broken down by it."},
				{ID: notApplicable, Name: "Not applicable", Description: "The indicator is not broken down by " + strings.ToLower(dim.Name) + "."},
			}}
		for _, m := range dim.Members {
			c.Codes = append(c.Codes, code{ID: m.Code, Name: m.Name, Description: m.Description, Names: m.Names, Descriptions: m.Descriptions, Area: m.StandardCodes})
		}
		d.breakdown[dim.Code] = len(d.Dimensions)
		d.Dimensions = append(d.Dimensions, c)
	}
	d.Dimensions = append(d.Dimensions, component{ID: timeDimension, Name: "Time period", Mandatory: true,
		Description: "A year (2024), or for a cumulative figure an SDMX time range: the first day and the length in years (2005-01-01/P20Y for 2005–2024)."})

	for _, i := range cl.Indicators {
		d.applies[i.Code] = map[int]bool{}
		for _, dim := range i.Dimensions {
			d.applies[i.Code][d.breakdown[dim]] = true
		}
	}

	unit := component{ID: attrUnit, Name: "Unit of measure", Codelist: "CL_UNIT_MEASURE", Mandatory: true,
		Description: "The unit of the value: NUMBER for a count, PT for percent, or an ISO 4217 currency (the unit code list of the global SDG data structure)."}
	for _, u := range cl.Units {
		c := sdmxUnit(u)
		d.units[u.Code] = c.ID
		if !slices.ContainsFunc(unit.Codes, func(k code) bool { return k.ID == c.ID }) {
			unit.Codes = append(unit.Codes, c)
		}
	}
	agency := component{ID: attrAgency, Name: "Reporting agency", Codelist: "CL_AGENCY", Mandatory: true,
		Description: "The body the report names as doing or reporting what is counted."}
	for _, a := range cl.Agencies {
		agency.Codes = append(agency.Codes, code{ID: a.Code, Name: a.Name, Names: a.Names})
	}
	release := component{ID: attrRelease, Name: "Source release", Codelist: "CL_RELEASE", Mandatory: true,
		Description: "The edition of the report the figure comes from."}
	for _, r := range releases {
		release.Codes = append(release.Codes, code{ID: r.Code, Name: r.Title})
	}
	d.Attributes = []component{
		{ID: attrStatus, Name: "Observation status", Codelist: "CL_OBS_STATUS", Mandatory: true,
			Description: "SDMX observation status: A for an exact figure, E for an approximate or bounded one (see QUALIFIER), Q for a suppressed cell.",
			Codes: []code{{ID: statusNormal, Name: "Normal value", Description: ""}, {ID: statusEstimated, Name: "Estimated value", Description: "The report gives a bound or an approximation."},
				{ID: statusSuppressed, Name: "Missing value; suppressed", Description: "Withheld from publication; CONF_STATUS says why."}}},
		{ID: attrConf, Name: "Confidentiality status", Codelist: "CL_CONF_STATUS", Mandatory: true,
			Description: "SDMX confidentiality status: F, free for publication, for every figure the report states.",
			Codes: []code{{ID: confFree, Name: "Free (free for publication)", Description: ""}, {ID: confConfidential, Name: "Confidential statistical information", Description: ""},
				{ID: "A", Name: "Primary confidentiality due to small counts", Description: ""}, {ID: "D", Name: "Secondary confidentiality set by the sender, not for publication", Description: ""}}},
		{ID: attrQualifier, Name: "Qualifier", Codelist: "CL_QUALIFIER", Mandatory: true,
			Description: "How the value relates to the true value, as the report phrases it.",
			Codes:       []code{qualifierCodes[dataset.Exact], qualifierCodes[dataset.MoreThan], qualifierCodes[dataset.AtLeast], qualifierCodes[dataset.Approximately]}},
		{ID: attrDerive, Name: "Derivation", Codelist: "CL_DERIVATION", Mandatory: true,
			Description: "Whether the report states the value or it is derived from a stated change.",
			Codes:       []code{derivationCodes[dataset.Reported], derivationCodes[dataset.Derived]}},
		unit,
		{ID: attrUnitMult, Name: "Unit multiplier", Codelist: "CL_UNIT_MULT", Mandatory: true,
			Description: "The power of ten the value is in (SDMX CL_UNIT_MULT): 0, units, for every figure.",
			Codes:       []code{{ID: unitMultiplier, Name: "Units", Description: ""}}},
		agency, release,
		{ID: attrSection, Name: "Source section", Mandatory: true, Description: "Heading of the report the figure stands under."},
		{ID: attrComment, Name: "Comment", Mandatory: true, Description: "The exact words of the report that state the figure."},
		{ID: attrNote, Name: "Note", Description: "Reviewer's note: attribution, doubts, how a breakdown adds up."},
	}
	return d
}

// sdmxObservation is an observation in the DSD's terms: one code per
// dimension (TIME_PERIOD last), the value, and one value per attribute
// ("" for none).
type sdmxObservation struct {
	Key []string
	// Value is nil for a suppressed cell: no OBS_VALUE is written.
	Value *decimal.Decimal
	Attrs []string
}

func (d dsd) observation(o dataset.Observation) sdmxObservation {
	key := make([]string, len(d.Dimensions))
	applies := d.applies[o.Indicator]
	for i := range key {
		key[i] = notApplicable
		if applies[i] {
			key[i] = totalCode
		}
	}
	key[posFreq], key[posArea], key[posIndicator], key[len(key)-1] = annual, o.RefArea, o.Indicator, sdmxPeriod(o.Period)
	for _, c := range o.Coordinates {
		key[d.breakdown[c.Dimension]] = c.Member
	}
	status, conf, value := obsStatus(o.Qualifier), confFree, &o.Value
	if o.Suppressed != "" {
		status, conf, value = statusSuppressed, confConfidential, nil
	}
	return sdmxObservation{Key: key, Value: value, Attrs: []string{
		status, conf, qualifierCodes[o.Qualifier].ID, derivationCodes[o.Status].ID,
		d.units[o.Unit], unitMultiplier, o.Agency, o.Release, o.Source.Section, o.Source.Quote, noteOf(o),
	}}
}

// obsValue is an observation's value as SDMX-CSV and SDMX-ML write it;
// "" for a suppressed cell.
func (o sdmxObservation) obsValue() string {
	if o.Value == nil {
		return ""
	}
	return dataset.FormatValue(*o.Value)
}

// sdmxPeriod writes a period as an SDMX time period: a year as "2024", a
// span of years as an SDMX time range, start date and duration
// ("2005-01-01/P20Y"). SDMX has no start/end interval ("2005/2024" is ISO
// 8601 but not an SDMX ObservationalTimePeriod), and a range is what a
// cumulative 2005–2024 figure is.
func sdmxPeriod(p dataset.Period) string {
	if p.Start == p.End {
		return fmt.Sprint(p.Start)
	}
	return fmt.Sprintf("%d-01-01/P%dY", p.Start, p.End-p.Start+1)
}
