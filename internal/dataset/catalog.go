package dataset

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/agnivade/levenshtein"
)

// Catalog is every code list and release, indexed by code: small, named by
// nearly every response, and changed only by a load.
type Catalog struct {
	Lists      *CodeLists
	Releases   []Release // oldest first
	Units      map[string]Unit
	Indicators map[string]Indicator
	Agencies   map[string]Agency
	RefAreas   map[string]RefArea
	Dimensions map[string]Dimension
	ByRelease  map[string]Release
	// Revisions are every load that changed the dataset, oldest first.
	Revisions  []Revision
	ByRevision map[int64]Revision

	// facets are every indicator's agencies, periods and dimensions, read
	// on first use (CatalogCache.Facets): they follow from the
	// observations, so they change only with the catalog.
	facets *facetsMemo
}

type facetsMemo struct {
	mu sync.Mutex
	m  map[string]IndicatorFacets
}

// NewCatalog indexes code lists, releases and revisions.
func NewCatalog(lists *CodeLists, releases []Release, revisions []Revision) *Catalog {
	c := &Catalog{Lists: lists, Releases: releases, Revisions: revisions, facets: &facetsMemo{}}
	c.ByRevision = make(map[int64]Revision, len(revisions))
	for _, r := range revisions {
		c.ByRevision[r.Number] = r
	}
	c.Units = index(lists.Units, func(u Unit) string { return u.Code })
	c.Indicators = index(lists.Indicators, func(i Indicator) string { return i.Code })
	c.Agencies = index(lists.Agencies, func(a Agency) string { return a.Code })
	c.RefAreas = index(lists.RefAreas, func(a RefArea) string { return a.Code })
	c.Dimensions = index(lists.Dimensions, func(d Dimension) string { return d.Code })
	c.ByRelease = index(releases, func(r Release) string { return r.Code })
	return c
}

func index[T any](items []T, code func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[code(it)] = it
	}
	return m
}

// CatalogCache holds the catalog in the process between loads, one per
// access tier, since an anonymous viewer's code lists lack the restricted
// indicators (see Viewer). Whoever sees
// a load (a database notification, see store.OnChange) calls Invalidate; a
// cache that nobody invalidates must be told so with Disable, and then reads
// the catalog anew for every Get.
type CatalogCache struct {
	reader Reader

	mu sync.Mutex
	// catalogs is indexed by Viewer.SeesRestricted: 0 anonymous, 1 partner.
	catalogs   [2]*Catalog
	generation uint64 // bumped by Changed
	// awaited is the latest revision a load was heard to make: a catalog
	// read at an earlier one (a replica behind the primary) is not kept.
	awaited  int64
	disabled bool
}

// NewCatalogCache caches the catalog read through r.
func NewCatalogCache(r Reader) *CatalogCache { return &CatalogCache{reader: r} }

// Get returns the catalog of ctx's viewer, reading it when none is held.
func (c *CatalogCache) Get(ctx context.Context) (*Catalog, error) {
	tier := 0
	if ViewerOf(ctx).SeesRestricted() {
		tier = 1
	}
	c.mu.Lock()
	cat, gen, disabled := c.catalogs[tier], c.generation, c.disabled
	c.mu.Unlock()
	if cat != nil {
		return cat, nil
	}
	lists, err := c.reader.CodeLists(ctx)
	if err != nil {
		return nil, fmt.Errorf("read code lists: %w", err)
	}
	rels, err := c.reader.Releases(ctx)
	if err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	revs, err := c.reader.Revisions(ctx)
	if err != nil {
		return nil, fmt.Errorf("read revisions: %w", err)
	}
	cat = NewCatalog(lists, rels, revs)
	c.mu.Lock()
	// A load that committed while this one read must not be hidden behind
	// the older catalog: keep it only if no change came in between, and
	// only once the database read has the latest load heard of.
	if !disabled && c.generation == gen && cat.Version().Revision >= c.awaited {
		c.catalogs[tier] = cat
	}
	c.mu.Unlock()
	return cat, nil
}

// Facets returns every indicator's facets for cat, a catalog Get gave ctx's
// viewer: read through the cache's reader on first use, one statement over
// all the indicators' observations, then held with the catalog, so a
// request naming indicators' agencies, periods or dimensions reads none at
// world size (11 s at 5 million observations). Concurrent first callers
// wait for the one read; a failed read is not held.
func (c *CatalogCache) Facets(ctx context.Context, cat *Catalog) (map[string]IndicatorFacets, error) {
	cat.facets.mu.Lock()
	defer cat.facets.mu.Unlock()
	if cat.facets.m == nil {
		m, err := c.reader.FacetsOfIndicators(ctx, slices.Sorted(maps.Keys(cat.Indicators)))
		if err != nil {
			return nil, fmt.Errorf("read indicator facets: %w", err)
		}
		cat.facets.m = m
	}
	return cat.facets.m, nil
}

// Version is the dataset version the catalog was read at.
func (c *Catalog) Version() Version { return VersionOf(c.Revisions) }

// Changed drops the held catalog after a load that made revision (0 when
// not known): the next Get reads it anew, and keeps what it reads only once
// it is at that revision or later. A replica that has not replayed the load
// yet is so read again by the next request instead of being held, stale,
// until the load after.
func (c *CatalogCache) Changed(revision int64) {
	c.mu.Lock()
	c.catalogs = [2]*Catalog{}
	c.generation++
	c.awaited = max(c.awaited, revision)
	c.mu.Unlock()
}

// Current reports whether what was read at v has every load heard of: a
// cache of anything read at v keeps it only then.
func (c *CatalogCache) Current(v Version) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.disabled && v.Revision >= c.awaited
}

// Disable stops holding the catalog, for when changes cannot be watched.
func (c *CatalogCache) Disable() {
	c.mu.Lock()
	c.disabled = true
	c.catalogs = [2]*Catalog{}
	c.generation++
	c.mu.Unlock()
}

// CheckCodes refuses a filter that names a code the catalog lacks, so a typo
// is an answer, not an empty result: the message names the code and the
// nearest ones.
func (c *Catalog) CheckCodes(f Filter) error {
	checks := []codeCheck{
		{"indicators", f.Indicators, has(c.Indicators), keys(c.Indicators)},
		{"agencies", f.Agencies, has(c.Agencies), keys(c.Agencies)},
		{"refAreas", f.RefAreas, has(c.RefAreas), keys(c.RefAreas)},
		{"releases", f.Releases, has(c.ByRelease), keys(c.ByRelease)},
		{"totalOver", f.TotalOver, has(c.Dimensions), keys(c.Dimensions)},
		{"brokenDownBy", f.BrokenDownBy, has(c.Dimensions), keys(c.Dimensions)},
		{"exactlyBy", f.ExactlyBy, has(c.Dimensions), keys(c.Dimensions)},
	}
	for _, m := range f.Members {
		checks = append(checks, c.memberChecks(m.Dimension, m.Members)...)
	}
	return run(checks)
}

// CheckCell refuses the arguments that pick one cell of an indicator (a
// series, a latest value, a breakdown's area) when they name a code the
// catalog lacks: a reference area ("" for the default), and one member per
// dimension.
func (c *Catalog) CheckCell(refArea string, coords []Coordinate) error {
	var checks []codeCheck
	if refArea != "" {
		checks = append(checks, codeCheck{"refArea", []string{refArea}, has(c.RefAreas), keys(c.RefAreas)})
	}
	seen := map[string]bool{}
	for _, co := range coords {
		if seen[co.Dimension] {
			return Errorf(ErrBadInput, "members: dimension %s is given twice; a cell has one member per dimension", co.Dimension)
		}
		seen[co.Dimension] = true
		checks = append(checks, c.memberChecks(co.Dimension, []string{co.Member})...)
	}
	return run(checks)
}

// CheckDimension refuses a dimension code the catalog lacks, named in the
// argument field.
func (c *Catalog) CheckDimension(field, code string) error {
	return run([]codeCheck{{field, []string{code}, has(c.Dimensions), keys(c.Dimensions)}})
}

// memberChecks check a dimension and, when it exists, members of it.
func (c *Catalog) memberChecks(dim string, members []string) []codeCheck {
	checks := []codeCheck{{"members.dimension", []string{dim}, has(c.Dimensions), keys(c.Dimensions)}}
	if d, ok := c.Dimensions[dim]; ok {
		codes := index(d.Members, func(mem Member) string { return mem.Code })
		checks = append(checks, codeCheck{"members of " + dim, members, has(codes), keys(codes)})
	}
	return checks
}

// run refuses the first code of checks that its code list lacks.
func run(checks []codeCheck) error {
	for _, ch := range checks {
		for _, code := range ch.codes {
			if !ch.known(code) {
				return Errorf(ErrUnknownCode, "%s: no code %q; nearest: %s", ch.field, code, strings.Join(Nearest(code, ch.all(), 3), ", "))
			}
		}
	}
	return nil
}

// codeCheck is one field of a filter and the code list its codes must be in.
type codeCheck struct {
	field string
	codes []string
	known func(string) bool
	all   func() []string
}

func has[V any](m map[string]V) func(string) bool {
	return func(code string) bool { _, ok := m[code]; return ok }
}

func keys[V any](m map[string]V) func() []string {
	return func() []string { return slices.Sorted(maps.Keys(m)) }
}

// Nearest returns up to n of codes closest to code by edit distance, the
// closest first (code order on a tie).
func Nearest(code string, codes []string, n int) []string {
	type scored struct {
		code     string
		distance int
	}
	all := make([]scored, len(codes))
	for i, c := range codes {
		all[i] = scored{c, levenshtein.ComputeDistance(strings.ToLower(code), strings.ToLower(c))}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(a.distance, b.distance) })
	out := make([]string, 0, n)
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.code)
	}
	return out
}
