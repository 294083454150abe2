package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"indicators/internal/dataset"
)

// Loaders batch the lookups of nested fields, so the statements a request
// runs grow with the query's depth, not with the rows it returns. They are
// made per request: nothing they hold outlives one response.
type Loaders struct {
	catalog requestCatalog

	alsoStated *dataloadgen.Loader[int64, []dataset.Source]
	byID       *dataloadgen.Loader[int64, dataset.Observation]
	inCell     *dataloadgen.Loader[dataset.Cell, dataset.Observation]
	facets     *dataloadgen.Loader[string, dataset.IndicatorFacets]
	agencyInds *dataloadgen.Loader[string, []string]
	firstPages *dataloadgen.Loader[pageKey, dataset.Page]
	series     *dataloadgen.Loader[dataset.SeriesKey, []dataset.Observation]
	latest     *dataloadgen.Loader[dataset.LatestKey, dataset.Headline]
	slices     *dataloadgen.Loader[dataset.SliceKey, []dataset.Observation]
}

// batchWait is how long a loader collects keys before it queries: gqlgen
// resolves the fields of 100 rows in as many goroutines, and under 10ms the
// last of them can miss the batch (measured in TestNoNPlusOne).
const batchWait = 10 * time.Millisecond

// NewLoaders makes the loaders for one request.
func NewLoaders(s dataset.Reader, catalogs *dataset.CatalogCache) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(batchWait)}
	return &Loaders{
		catalog:    requestCatalog{cache: catalogs},
		alsoStated: dataloadgen.NewMappedLoader(s.AlsoStated, opts...),
		byID:       dataloadgen.NewMappedLoader(s.ObservationsByID, opts...),
		inCell:     dataloadgen.NewMappedLoader(s.CurrentObservations, opts...),
		series:     dataloadgen.NewMappedLoader(s.Series, opts...),
		latest:     dataloadgen.NewMappedLoader(s.Latest, opts...),
		slices:     dataloadgen.NewMappedLoader(s.Slices, opts...),
		facets:     dataloadgen.NewMappedLoader(s.FacetsOfIndicators, opts...),
		agencyInds: dataloadgen.NewMappedLoader(s.IndicatorsOfAgencies, opts...),
		firstPages: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []pageKey) (map[pageKey]dataset.Page, error) {
			return fetchFirstPages(ctx, s, keys)
		}, opts...),
	}
}

type loadersKey struct{}

// WithLoaders is HTTP middleware that gives each request its own loaders.
func (res *Resolver) WithLoaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, NewLoaders(res.Store, res.Catalogs))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFor(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// catalogFor returns the catalog for this request: read once from the
// process's cache on first use, so one response sees one catalog.
func catalogFor(ctx context.Context) (*dataset.Catalog, error) {
	lc := &loadersFor(ctx).catalog
	lc.once.Do(func() { lc.c, lc.err = lc.cache.Get(ctx) })
	return lc.c, lc.err
}

// requestCatalog memoises the catalog for one request.
type requestCatalog struct {
	cache *dataset.CatalogCache
	once  sync.Once
	c     *dataset.Catalog
	err   error
}

// pageKey identifies the first page of a nested observation connection; the
// filter travels as JSON so the key stays comparable.
type pageKey struct {
	parent dataset.Parent
	code   string
	filter string
	page   dataset.PageRequest
}

// fetchFirstPages answers every nested connection of a response with one
// query per distinct (parent kind, filter, page request).
func fetchFirstPages(ctx context.Context, s dataset.Reader, keys []pageKey) (map[pageKey]dataset.Page, error) {
	type group struct {
		parent dataset.Parent
		filter string
		page   dataset.PageRequest
	}
	codes := map[group][]string{}
	for _, k := range keys {
		g := group{k.parent, k.filter, k.page}
		codes[g] = append(codes[g], k.code)
	}
	out := make(map[pageKey]dataset.Page, len(keys))
	for g, cs := range codes {
		var f dataset.Filter
		if err := json.Unmarshal([]byte(g.filter), &f); err != nil {
			return nil, fmt.Errorf("decode page filter: %w", err)
		}
		pages, err := s.FirstPages(ctx, g.parent, cs, f, g.page)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[pageKey{g.parent, c, g.filter, g.page}] = pages[c]
		}
	}
	return out, nil
}

// load asks a loader for one key; a key the batch found nothing for gives the
// zero value (no sources, no facets, an empty page), not an error.
func load[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], key K) (V, error) {
	v, err := l.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		var zero V
		return zero, nil
	}
	return v, err
}
