package dataset

import (
	"context"
	"fmt"
	"sync"
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
}

// NewCatalog indexes code lists and releases.
func NewCatalog(lists *CodeLists, releases []Release) *Catalog {
	c := &Catalog{Lists: lists, Releases: releases}
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

// CatalogCache holds the catalog in the process between loads. Whoever sees
// a load (a database notification, see store.OnChange) calls Invalidate; a
// cache that nobody invalidates must be told so with Disable, and then reads
// the catalog anew for every Get.
type CatalogCache struct {
	reader Reader

	mu         sync.Mutex
	catalog    *Catalog
	generation uint64 // bumped by Invalidate
	disabled   bool
}

// NewCatalogCache caches the catalog read through r.
func NewCatalogCache(r Reader) *CatalogCache { return &CatalogCache{reader: r} }

// Get returns the catalog, reading it when none is held.
func (c *CatalogCache) Get(ctx context.Context) (*Catalog, error) {
	c.mu.Lock()
	cat, gen, disabled := c.catalog, c.generation, c.disabled
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
	cat = NewCatalog(lists, rels)
	c.mu.Lock()
	// A load that committed while this one read must not be hidden behind
	// the older catalog: keep it only if no invalidation came in between.
	if !disabled && c.generation == gen {
		c.catalog = cat
	}
	c.mu.Unlock()
	return cat, nil
}

// Invalidate drops the held catalog: the next Get reads it anew.
func (c *CatalogCache) Invalidate() {
	c.mu.Lock()
	c.catalog = nil
	c.generation++
	c.mu.Unlock()
}

// Disable stops holding the catalog, for when changes cannot be watched.
func (c *CatalogCache) Disable() {
	c.mu.Lock()
	c.disabled = true
	c.catalog = nil
	c.generation++
	c.mu.Unlock()
}
