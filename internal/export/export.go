// Package export writes the dataset in the shapes its consumers read: a tidy
// CSV for analysts, and the international reporting formats. Every format is
// a Format in Formats (formats.go), reachable as GET /export/{name} and
// `indicators export --format {name}` with the same filters.
package export

import (
	"context"
	"fmt"
	"io"
	"mime"
	"slices"
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
	// Lang is Query.Lang: the labels' language, "" for English without
	// saying so.
	Lang string
	// Items are, for an SDMX REST item query, the items kept of each item
	// scheme it names (codes of a code list, concepts of the concept
	// scheme): such a scheme is written in part and marked isPartial. A
	// scheme not listed is written whole.
	Items map[ArtefactRef][]string
}

// keeps tells whether the structure messages write item id of scheme a.
func (in Input) keeps(a ArtefactRef, id string) bool {
	items, partial := in.Items[a]
	return !partial || slices.Contains(items, id)
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
	// Labels is true for a format that writes labels in one language, which
	// the lang parameter picks.
	Labels bool
}

// CSV reports whether the format is a CSV file, which a spreadsheet may
// open (and which may therefore start with a byte-order mark).
func (f Format) CSV() bool {
	mt, _, err := mime.ParseMediaType(f.ContentType)
	return err == nil && (mt == "text/csv" || strings.HasSuffix(mt, "+csv"))
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
	if err := dataset.NewCatalog(cl, rels, nil).CheckCodes(filter); err != nil {
		return Input{}, err
	}
	if cl, err = withDimensions(ctx, s, cl, filter.Indicators); err != nil {
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

// withDimensions returns the code lists with each indicator's dimensions
// (the SDMX formats write _T on them and _Z on the others), read from the
// reader's facets: the one place that rule is written. Only the indicators
// an export selects need them, when it names some (reading the facets
// reads their observations). cl itself, which a caller may share, is left
// as it is.
func withDimensions(ctx context.Context, s dataset.Reader, cl *dataset.CodeLists, selected []string) (*dataset.CodeLists, error) {
	codes := selected
	if len(codes) == 0 {
		for _, ind := range cl.Indicators {
			codes = append(codes, ind.Code)
		}
	}
	facets, err := s.FacetsOfIndicators(ctx, codes)
	if err != nil {
		return nil, fmt.Errorf("read the dimensions of the indicators: %w", err)
	}
	out := *cl
	out.Indicators = slices.Clone(cl.Indicators)
	for i := range out.Indicators {
		out.Indicators[i].Dimensions = facets[out.Indicators[i].Code].Dimensions
	}
	return &out, nil
}

// Write writes the observations q selects in format f, everything read in
// one snapshot of s.
func Write(ctx context.Context, s dataset.Snapshotter, f Format, q Query, w io.Writer) error {
	err := s.Snapshot(ctx, func(r dataset.Reader) error {
		in, err := NewInput(ctx, r, q.Filter)
		if err != nil {
			return err
		}
		in.Lang = q.Lang
		return f.Write(ctx, q.Writer(w), in)
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
		rels := strings.Join(slices.Compact(releases), "+")
		// The name goes into a header: release codes are checked against
		// the dataset before, but only safe characters and a bounded length
		// ever reach it.
		if len(rels) > maxFileNameReleases {
			rels = rels[:maxFileNameReleases] + "+more"
		}
		parts = append(parts, strings.Map(fileNameRune, rels))
	}
	return strings.Join(append(parts, f.Name), "_")
}

const maxFileNameReleases = 120

func fileNameRune(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("+-._", r):
		return r
	}
	return '_'
}

// noteOf is the note column of an observation: for a suppressed cell (whose
// own note is always withheld) the reason, as its code and a sentence, so a
// file says why a value is missing.
func noteOf(o dataset.Observation) string {
	if o.Suppressed != "" {
		return string(o.Suppressed) + ": " + o.Suppressed.Explain()
	}
	return o.Note
}
