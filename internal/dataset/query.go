package dataset

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Filter selects observations. Fields combine with AND; the values within one
// field with OR. Empty fields do not filter.
type Filter struct {
	// Current keeps only the current observation of each cell (see Cell):
	// what a reader without a release of its own in mind sees. Ignored when
	// Releases is set, since an explicit release is read as it stands.
	Current    bool
	Indicators []string
	Themes     []Theme
	Agencies   []string
	RefAreas   []string
	Releases   []string
	Statuses   []Status
	Qualifiers []Qualifier
	// PeriodFrom/PeriodTo keep observations whose period lies within the
	// bounds (inclusive); 0 leaves a bound open.
	PeriodFrom int
	PeriodTo   int
	// Periods keeps observations of exactly these periods ("2005-2024"
	// alone, not the years within it).
	Periods []Period
	// PeriodLength, when set, keeps periods of that many years: 1 for
	// yearly figures, 20 for a cumulative 2005-2024.
	PeriodLength *int
	// LastN, when set, keeps the N most recent periods of each series
	// (indicator × area × coordinates) among the observations the rest of
	// the filter keeps, as the World Bank's MRV and SDMX's
	// lastNObservations do. The most recent period is the one ending last;
	// of periods ending in the same year, the shorter (2024 before
	// 2005-2024).
	LastN *int
	// FirstN, when set, keeps the N earliest periods of each series, as
	// SDMX's firstNObservations does: the period starting first; of periods
	// starting in the same year, the shorter. With LastN, both sets.
	FirstN *int
	// Members keeps observations on any of the listed members of a dimension,
	// per dimension.
	Members []MemberFilter
	// TotalOver keeps observations that are totals over each dimension listed
	// (no coordinate on it).
	TotalOver []string
	// BrokenDownBy keeps observations with a coordinate, any member, on each
	// dimension listed.
	BrokenDownBy []string
	// ExactlyBy, when not nil, keeps observations whose coordinates are on
	// exactly these dimensions: the cells of one breakdown, no finer or coarser.
	ExactlyBy []string
	// UpdatedAfter keeps observations that a revision after this point last
	// changed: what an integration that pulled at that point lacks.
	UpdatedAfter *Vintage
	// AsOf reads the dataset as it stood at this point instead of now: the
	// releases loaded up to it, each as it was then, and, with Current, the
	// observation of each cell that was current then.
	AsOf *Vintage
}

// Validate refuses a filter the client got wrong whatever the data: a year
// outside the periods the dataset can hold, a backwards range or period, a
// period length, lastN or firstN below 1, a code that is not text, an unknown
// status, qualifier or theme. Whether a code exists is Catalog.CheckCodes's
// question.
func (f Filter) Validate() error {
	if err := ValidateYears("periodFrom", f.PeriodFrom, "periodTo", f.PeriodTo); err != nil {
		return err
	}
	for _, p := range f.Periods {
		if err := p.Validate(); err != nil {
			return Errorf(ErrBadInput, "periods: %v", err)
		}
	}
	if err := ValidatePeriodLength("periodLength", f.PeriodLength); err != nil {
		return err
	}
	if f.LastN != nil && *f.LastN < 1 {
		return Errorf(ErrBadInput, "lastN: %d; give at least 1 (the most recent period of each series), or leave it out for every period", *f.LastN)
	}
	if f.FirstN != nil && *f.FirstN < 1 {
		return Errorf(ErrBadInput, "firstN: %d; give at least 1 (the earliest period of each series), or leave it out for every period", *f.FirstN)
	}
	codes := [][]string{f.Indicators, f.Agencies, f.RefAreas, f.Releases, f.TotalOver, f.BrokenDownBy, f.ExactlyBy}
	for _, m := range f.Members {
		codes = append(codes, []string{m.Dimension}, m.Members)
	}
	for _, list := range codes {
		for _, c := range list {
			// PostgreSQL text holds neither: the database would refuse the
			// statement, which is the client's input, not a fault.
			if strings.ContainsRune(c, 0) || !utf8.ValidString(c) {
				return Errorf(ErrBadInput, "%q is not a code: codes are UTF-8 text without NUL", c)
			}
		}
	}
	for _, v := range []struct {
		name    string
		vintage *Vintage
	}{{"updatedAfter", f.UpdatedAfter}, {"asOf", f.AsOf}} {
		if v.vintage == nil {
			continue
		}
		if err := v.vintage.Validate(v.name); err != nil {
			return err
		}
	}
	if err := oneOf("statuses", f.Statuses, []Status{Reported, Derived}); err != nil {
		return err
	}
	if err := oneOf("qualifiers", f.Qualifiers, Qualifiers); err != nil {
		return err
	}
	return oneOf("themes", f.Themes, Themes)
}

// ValidateYears refuses bounds on periods (0 for open) outside the years
// the dataset can hold, or backwards; the names are the arguments'.
func ValidateYears(fromField string, from int, toField string, to int) error {
	for _, y := range []struct {
		name  string
		value int
	}{{fromField, from}, {toField, to}} {
		if y.value != 0 && (y.value < FirstYear || y.value > LastYear) {
			return Errorf(ErrBadInput, "%s: %d is not a year between %d and %d", y.name, y.value, FirstYear, LastYear)
		}
	}
	if from != 0 && to != 0 && to < from {
		return Errorf(ErrBadInput, "%s %d is before %s %d", toField, to, fromField, from)
	}
	return nil
}

// ValidatePeriodLength refuses a period length (in years) no period can
// have; nil means any length.
func ValidatePeriodLength(field string, n *int) error {
	if n != nil && (*n < 1 || *n > LastYear-FirstYear+1) {
		return Errorf(ErrBadInput, "%s: %d is not a number of years between 1 and %d (1 for yearly figures)", field, *n, LastYear-FirstYear+1)
	}
	return nil
}

// Validate refuses an ordering that is none of the orderings.
func (o Order) Validate() error {
	return oneOf("orderBy", []Order{o}, []Order{OrderByKey, OrderByPeriodDesc, OrderByValueDesc})
}

// oneOf names the values as clients write them, in GraphQL and the exports
// alike: GraphQL's enum names, the values in upper case.
func oneOf[T ~string](field string, values, allowed []T) error {
	for _, v := range values {
		if !slices.Contains(allowed, v) {
			return Errorf(ErrBadInput, "%s: %q is not one of %s", field, strings.ToUpper(string(v)), strings.ToUpper(Join(allowed)))
		}
	}
	return nil
}

// MemberFilter selects members of one dimension.
type MemberFilter struct {
	Dimension string
	Members   []string
}

// Order is an ordering of observations. Each is total (ties end on the
// store's row order), so keyset pagination never skips or repeats a row.
type Order string

// Orderings.
const (
	OrderByKey        Order = "key"         // indicator, area, period, coordinates
	OrderByPeriodDesc Order = "period_desc" // newest first, then key
	OrderByValueDesc  Order = "value_desc"  // largest first
)

// PageRequest asks for one page of observations.
type PageRequest struct {
	Order Order
	First int
	// After is the cursor of the row the page starts after; "" for the
	// first page.
	After string
	// Count asks for Page.TotalCount: counting every match is most of a
	// page's cost at scale, so it is done only for a client that asks.
	Count bool
}

// Page is one page of observations.
type Page struct {
	Observations []Observation
	// Cursors[i] continues after Observations[i].
	Cursors     []string
	HasNextPage bool
	TotalCount  int // when PageRequest.Count
}

// Cell identifies what an observation measures, across releases: indicator,
// area, period and coordinates. Two releases may fill the same cell (next
// year's report restates this year's figures, and its "161 (+2)" derives a
// value this year's report states). Exactly one observation of a cell is
// current, by one precedence rule: a reported figure over a derived one, then
// the newer release (reference year, then release code). The store keeps that
// decision when a release loads (refresh_current_cells in migration 0003),
// so no reader decides it again.
type Cell struct {
	Indicator     string
	RefArea       string
	Period        Period
	CoordinateKey string
}

// CellOf returns the cell an observation fills.
func CellOf(o Observation) Cell {
	return Cell{o.Indicator, o.RefArea, o.Period, CoordinateKey(o.Coordinates)}
}

// Key is the cell's Observation.Key.
func (c Cell) Key() string {
	return fmt.Sprintf("%s %s %s %s", c.Indicator, c.RefArea, c.Period, c.CoordinateKey)
}

// SeriesKey asks for one cell of an indicator over time: every current
// observation of the indicator in the area with these coordinates, oldest
// period first. An empty RefArea means the indicator's main area: the one with
// the most current observations of it, the first by code on a tie.
//
// A series holds periods of one length, so yearly figures and a cumulative
// 2005-2024 are never mixed: PeriodLength years, or when it is 0 the
// cell's headline length (see LatestKey): 1 when the cell has a yearly
// figure within From-To, else the length of its most recent period. From
// and To (0 for open) bound the periods as Filter's PeriodFrom/PeriodTo do.
type SeriesKey struct {
	Indicator     string
	RefArea       string
	CoordinateKey string
	From, To      int
	PeriodLength  int
}

// LatestKey asks for an indicator's headline value in an area (empty for
// its main area, as in SeriesKey): its most recent current total, or the
// headline cell its data file declares (Indicator.Headline) where that is
// more recent or no total is stated; of a total and the headline cell for
// the same period, the total.
//
// "Most recent" prefers yearly figures: the latest yearly one when there is
// any, else the period ending last (the shorter on a tie). PeriodLength,
// when not 0, takes only periods of that many years instead (20 for the
// cumulative 2005-2024). The store writes this order once (headlineOrder).
type LatestKey struct {
	Indicator    string
	RefArea      string
	PeriodLength int
}

// HeadlineKind says what an indicator's headline value is.
type HeadlineKind string

// Headline kinds.
const (
	// HeadlineTotal: the total over every dimension, as the report states it.
	HeadlineTotal HeadlineKind = "total"
	// HeadlineCell: the report states no total for that period; this is the
	// breakdown cell the data file declares as the figure the report leads
	// with (Indicator.Headline).
	HeadlineCell HeadlineKind = "headline_cell"
)

// Headline is an indicator's headline value: what a dashboard tile shows.
type Headline struct {
	Kind        HeadlineKind
	Observation Observation
}

// HeadlineOf is what kind of headline o is: a total has no coordinates.
func HeadlineOf(o Observation) Headline {
	if len(o.Coordinates) == 0 {
		return Headline{Kind: HeadlineTotal, Observation: o}
	}
	return Headline{Kind: HeadlineCell, Observation: o}
}

// SliceKey asks for the current observations of an indicator in one area
// and period that a breakdown by Dimension reads: the total and the cells
// broken down by Dimension, alone or with others. An empty RefArea
// means the indicator's main area; a zero Period means the latest period in
// which the indicator is broken down by Dimension in that area.
type SliceKey struct {
	Indicator string
	RefArea   string
	Dimension string
	Period    Period
}

// IndicatorFacets are what an indicator's observations span.
type IndicatorFacets struct {
	Agencies   []string
	Periods    []Period
	Dimensions []string
}

// Parent is the kind of code a batch of nested observation connections is
// partitioned by.
type Parent string

// Parents of nested observation connections.
const (
	ByIndicator Parent = "indicator"
	ByAgency    Parent = "agency"
)

// Reader is what the API and the exports read the dataset through;
// internal/store implements it over PostgreSQL. Batch methods take many keys
// at once, so a response's statements grow with its shape, not its rows.
type Reader interface {
	CodeLists(ctx context.Context) (*CodeLists, error)
	Releases(ctx context.Context) ([]Release, error)
	// Indicators pages through the indicators in code order, of one theme
	// when theme is not empty.
	Indicators(ctx context.Context, first int, afterCode, theme string) (IndicatorPage, error)
	// DatasetVersion is the latest revision: it changes whenever the loaded
	// data does.
	DatasetVersion(ctx context.Context) (Version, error)
	// Revisions lists every revision, oldest first.
	Revisions(ctx context.Context) ([]Revision, error)
	// Changes lists the cells whose current observation differs between
	// r.Since and now.
	Changes(ctx context.Context, r ChangeRequest) (ChangePage, error)

	Observations(ctx context.Context, f Filter, p PageRequest) (Page, error)
	EachObservation(ctx context.Context, f Filter, fn func(Observation) error) error
	FirstPages(ctx context.Context, parent Parent, codes []string, f Filter, p PageRequest) (map[string]Page, error)

	ObservationsByID(ctx context.Context, ids []int64) (map[int64]Observation, error)
	CurrentObservations(ctx context.Context, cells []Cell) (map[Cell]Observation, error)
	Series(ctx context.Context, keys []SeriesKey) (map[SeriesKey][]Observation, error)
	// Latest answers each key that has a headline value; a key without one
	// (no current total, no declared headline cell) is absent.
	Latest(ctx context.Context, keys []LatestKey) (map[LatestKey]Headline, error)
	Slices(ctx context.Context, keys []SliceKey) (map[SliceKey][]Observation, error)
	ObservationOfCellInRelease(ctx context.Context, release string, c Cell) (Observation, bool, error)
	AlsoStated(ctx context.Context, ids []int64) (map[int64][]Source, error)
	FacetsOfIndicators(ctx context.Context, codes []string) (map[string]IndicatorFacets, error)
	IndicatorsOfAgencies(ctx context.Context, codes []string) (map[string][]string, error)
}

// Snapshotter gives a Reader that sees one state of the dataset: no load
// that commits while fn runs changes what fn reads. Exports read through it,
// so the statements of one file agree with each other.
type Snapshotter interface {
	Snapshot(ctx context.Context, fn func(Reader) error) error
}

// IndicatorPage is one page of indicators in code order.
type IndicatorPage struct {
	Indicators  []Indicator
	HasNextPage bool
	TotalCount  int
}
