package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"indicators/internal/dataset"
)

// Loaders batch the lookups of nested fields, so the statements a request
// runs grow with the query's depth, not with the rows it returns. They are
// made per request: nothing they hold outlives one response.
type Loaders struct {
	catalog requestCatalog

	alsoStated batched[int64, []dataset.Source]
	byID       batched[int64, dataset.Observation]
	inCell     batched[dataset.Cell, dataset.Observation]
	agencyInds batched[string, []string]
	firstPages batched[pageKey, dataset.Page]
	series     batched[dataset.SeriesKey, []dataset.Observation]
	latest     batched[dataset.LatestKey, dataset.Headline]
	slices     batched[dataset.SliceKey, []dataset.Observation]

	// rootFields is how many fields the operation selects at its root
	// (occursOnce), counted once.
	rootFieldsOnce sync.Once
	rootFields     int
}

// batched is a loader and the fetch it batches, which load calls itself
// for a field no list holds.
type batched[K comparable, V any] struct {
	loader *dataloadgen.Loader[K, V]
	fetch  func(context.Context, []K) (map[K]V, error)
}

func newBatched[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) batched[K, V] {
	return batched[K, V]{dataloadgen.NewMappedLoader(fetch, dataloadgen.WithWait(batchWait)), fetch}
}

// batchWait is how long a loader collects keys before it queries: gqlgen
// resolves the fields of 100 rows in as many goroutines, and under 10ms the
// last of them can miss the batch (measured in TestNoNPlusOne).
const batchWait = 10 * time.Millisecond

// NewLoaders makes the loaders for one request.
func NewLoaders(s dataset.Reader, catalogs *dataset.CatalogCache) *Loaders {
	return &Loaders{
		catalog:    requestCatalog{cache: catalogs},
		alsoStated: newBatched(s.AlsoStated),
		byID:       newBatched(s.ObservationsByID),
		inCell:     newBatched(s.CurrentObservations),
		series:     newBatched(s.Series),
		latest:     newBatched(s.Latest),
		slices:     newBatched(s.Slices),
		agencyInds: newBatched(s.IndicatorsOfAgencies),
		firstPages: newBatched(func(ctx context.Context, keys []pageKey) (map[pageKey]dataset.Page, error) {
			return fetchFirstPages(ctx, s, keys)
		}),
	}
}

type loadersKey struct{}

// WithLoaders is HTTP middleware that gives each request its own loaders,
// made when the request first asks for them: an answer from the response
// cache, or a refusal, asks for none.
func (res *Resolver) WithLoaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lazy := &lazyLoaders{make: func() *Loaders { return NewLoaders(res.Store, res.Catalogs) }}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loadersKey{}, lazy)))
	})
}

// lazyLoaders are a request's loaders, made once, by the first resolver
// asking (resolvers run concurrently).
type lazyLoaders struct {
	once    sync.Once
	make    func() *Loaders
	loaders *Loaders
}

func loadersFor(ctx context.Context) *Loaders {
	lazy := ctx.Value(loadersKey{}).(*lazyLoaders)
	lazy.once.Do(func() { lazy.loaders = lazy.make() })
	return lazy.loaders
}

// facetsOf returns an indicator's facets, held with the catalog of this
// request (CatalogCache.Facets); none for a code the catalog lacks.
func facetsOf(ctx context.Context, code string) (dataset.IndicatorFacets, error) {
	cat, err := catalogFor(ctx)
	if err != nil {
		return dataset.IndicatorFacets{}, err
	}
	all, err := loadersFor(ctx).catalog.cache.Facets(ctx, cat)
	return all[code], err
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

// load asks for one key; a key the batch found nothing for gives the zero
// value (no sources, no facets, an empty page), not an error. A field that
// occurs once in the response (indicator(code:) { series }, the only root
// field, no list above it) has no siblings to batch with: it is fetched at
// once instead of after the loader's batchWait, which would be all of its
// latency.
func load[K comparable, V any](ctx context.Context, b batched[K, V], key K) (V, error) {
	if occursOnce(ctx) {
		vs, err := b.fetch(ctx, []K{key})
		return vs[key], err
	}
	v, err := b.loader.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		var zero V
		return zero, nil
	}
	return v, err
}

// occursOnce reports whether the field being resolved is, but for aliases
// beside it, the only one of its kind the response holds: the operation has
// one root field (no alias of the root repeats the path) and no list holds
// the field. Otherwise its siblings and cousins are batched by the loader.
// Aliases below the one root field (a: series, b: series) each fetch at
// once: statements grow with the document, never with the rows.
func occursOnce(ctx context.Context) bool {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return false
		}
	}
	l := loadersFor(ctx)
	l.rootFieldsOnce.Do(func() {
		if graphql.HasOperationContext(ctx) {
			opCtx := graphql.GetOperationContext(ctx)
			l.rootFields = len(graphql.CollectFields(opCtx, opCtx.Operation.SelectionSet, []string{"Query"}))
		}
	})
	return l.rootFields == 1
}
