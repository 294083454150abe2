// Package export writes the dataset in the shapes its consumers read: a tidy
// CSV for analysts, and the international reporting formats. Every format is
// a Format in Formats (formats.go), reachable as GET /export/{name} and
// `indicators export --format {name}` with the same filters.
package export

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"indicators/internal/dataset"
)

// Input is what a format writes from: the code lists and the filtered
// observations, streamed in key order.
type Input struct {
	CodeLists *dataset.CodeLists
	Releases  []dataset.Release // oldest first
	Filter    dataset.Filter
	// Prepared is the preparation time messages carry (SDMX-JSON). NewInput
	// sets it to when the newest release was loaded, not to the clock, so the
	// same dataset always exports the same bytes and an ETag can stand for
	// them.
	Prepared time.Time
	// Query calls fn for every current observation matching f (one per cell,
	// unless f names releases), in key order. Formats read the selected
	// observations through Each; Query also serves figures a format needs
	// whatever the filter (the population behind a rate).
	Query func(ctx context.Context, f dataset.Filter, fn func(dataset.Observation) error) error
}

// Each calls fn for every observation matching the input's filter.
func (in Input) Each(ctx context.Context, fn func(dataset.Observation) error) error {
	return in.Query(ctx, in.Filter, fn)
}

// Format is one export format.
type Format struct {
	Name string
	// Aliases are other names the format answers to.
	Aliases     []string
	ContentType string
	Description string
	Write       func(ctx context.Context, w io.Writer, in Input) error
}

// Lookup finds a format by name or alias.
func Lookup(name string) (Format, bool) {
	f, ok := formatsByName[name]
	return f, ok
}

// FormatNames lists the format names in order, for help texts.
func FormatNames() []string {
	names := make([]string, 0, len(Formats))
	for _, f := range Formats {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

// FilterParams are the query parameters (and CLI flags) that select
// observations, the same on every format. Repeat a parameter for OR.
var FilterParams = []struct{ Name, Help string }{
	{"indicator", "indicator code"},
	{"theme", "theme: prevention, protection, prosecution, partnership, context"},
	{"agency", "reporting agency code"},
	{"area", "reference area code (AZE, WLD)"},
	{"release", "release code (az-2024)"},
	{"status", "reported or derived"},
	{"qualifier", "exact, more_than, at_least, approximately"},
	{"period", "a year: only observations of that year"},
	{"period_from", "first year (inclusive)"},
	{"period_to", "last year (inclusive)"},
	{"member", "DIMENSION=MEMBER: observations on that member (members of one dimension OR together)"},
	{"total", "DIMENSION: observations that are totals over the dimension"},
	{"by", "DIMENSION: observations broken down by the dimension, any member"},
}

// ParseFilter reads FilterParams from query values. Unknown parameters are
// errors, so a misspelt filter never silently returns everything. Every error
// is a dataset.ErrBadInput with a message for the client.
func ParseFilter(q url.Values) (dataset.Filter, error) {
	var f dataset.Filter
	known := map[string]bool{}
	for _, p := range FilterParams {
		known[p.Name] = true
	}
	for k := range q {
		if !known[k] {
			return f, dataset.Errorf(dataset.ErrBadInput, "unknown filter %q", k)
		}
	}
	f.Indicators = q["indicator"]
	f.Agencies = q["agency"]
	f.RefAreas = q["area"]
	f.Releases = q["release"]
	for _, s := range q["status"] {
		if st := dataset.Status(s); st != dataset.Reported && st != dataset.Derived {
			return f, dataset.Errorf(dataset.ErrBadInput, "status: %q is neither reported nor derived", s)
		}
		f.Statuses = append(f.Statuses, dataset.Status(s))
	}
	// Qualifiers and themes are checked with the rest by Filter.Validate.
	for _, s := range q["qualifier"] {
		f.Qualifiers = append(f.Qualifiers, dataset.Qualifier(s))
	}
	for _, s := range q["theme"] {
		f.Themes = append(f.Themes, dataset.Theme(s))
	}
	year := func(name string) (int, error) {
		v := q.Get(name)
		if v == "" {
			return 0, nil
		}
		y, err := strconv.Atoi(v)
		if err != nil || y < dataset.FirstYear || y > dataset.LastYear {
			return 0, dataset.Errorf(dataset.ErrBadInput, "%s: %q is not a year", name, v)
		}
		return y, nil
	}
	var err error
	if f.PeriodFrom, err = year("period_from"); err != nil {
		return f, err
	}
	if f.PeriodTo, err = year("period_to"); err != nil {
		return f, err
	}
	if y, err := year("period"); err != nil {
		return f, err
	} else if y != 0 {
		f.PeriodFrom, f.PeriodTo = y, y
	}
	byDim := map[string]int{}
	for _, m := range q["member"] {
		dim, mem, ok := strings.Cut(m, "=")
		if !ok || dim == "" || mem == "" {
			return f, dataset.Errorf(dataset.ErrBadInput, "member: %q is not DIMENSION=MEMBER", m)
		}
		if i, seen := byDim[dim]; seen {
			f.Members[i].Members = append(f.Members[i].Members, mem)
			continue
		}
		byDim[dim] = len(f.Members)
		f.Members = append(f.Members, dataset.MemberFilter{Dimension: dim, Members: []string{mem}})
	}
	f.TotalOver = q["total"]
	f.BrokenDownBy = q["by"]
	return f, f.Validate()
}

// NewInput reads what every format needs from s: the code lists, the
// releases, and access to the observations matching filter. An export reads
// them all from one snapshot (Write, or the caller's Snapshot), so they
// agree.
func NewInput(ctx context.Context, s dataset.Reader, filter dataset.Filter) (Input, error) {
	cl, err := s.CodeLists(ctx)
	if err != nil {
		return Input{}, err
	}
	rels, err := s.Releases(ctx)
	if err != nil {
		return Input{}, err
	}
	// The international formats have no release in their keys, and a partner
	// polling any format wants each figure once: every export reads current
	// cells.
	current := func(ctx context.Context, f dataset.Filter, fn func(dataset.Observation) error) error {
		f.Current = true
		return s.EachObservation(ctx, f, fn)
	}
	if err := dataset.NewCatalog(cl, rels).CheckCodes(filter); err != nil {
		return Input{}, err
	}
	in := Input{CodeLists: cl, Releases: rels, Filter: filter, Query: current}
	for _, r := range rels {
		t, err := time.Parse(time.RFC3339, r.LoadedAt)
		if err != nil {
			return Input{}, fmt.Errorf("read load time of release %s: %w", r.Code, err)
		}
		if t.After(in.Prepared) {
			in.Prepared = t
		}
	}
	return in, nil
}

// Write writes the observations matching filter in format f, everything
// read in one snapshot of s.
func Write(ctx context.Context, s dataset.Snapshotter, f Format, filter dataset.Filter, w io.Writer) error {
	err := s.Snapshot(ctx, func(r dataset.Reader) error {
		in, err := NewInput(ctx, r, filter)
		if err != nil {
			return err
		}
		return f.Write(ctx, w, in)
	})
	if err != nil {
		return fmt.Errorf("export %s: %w", f.Name, err)
	}
	return nil
}

// FileName is the name an export is saved under: the dataflow, the releases
// it draws on (those the filter names, else every loaded one) and the
// format, as in TIP_INDICATORS_az-2024_sdmx.csv.
func FileName(f Format, in Input) string {
	releases := slices.Clone(in.Filter.Releases)
	if len(releases) == 0 {
		for _, r := range in.Releases {
			releases = append(releases, r.Code)
		}
	}
	slices.Sort(releases)
	parts := []string{DataflowID}
	if len(releases) > 0 {
		parts = append(parts, strings.Join(slices.Compact(releases), "+"))
	}
	return strings.Join(append(parts, f.Name), "_")
}
