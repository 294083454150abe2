package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"indicators/internal/dataset"
	"indicators/internal/store"
)

// Loaders batch the lookups of nested fields, so the statements a request
// runs grow with the query's depth, not with the rows it returns. They are
// made per request: their caches must not outlive one response.
type Loaders struct {
	Unit *dataloadgen.Loader[string, dataset.Unit]
}

type loadersKey struct{}

// batchWait is how long a loader collects keys before it queries: long enough
// for sibling resolvers to ask, short against a database round trip.
const batchWait = 500 * time.Microsecond

// NewLoaders makes the loaders for one request.
func NewLoaders(s *store.Store) *Loaders {
	return &Loaders{
		Unit: dataloadgen.NewMappedLoader(s.UnitsByCode, dataloadgen.WithWait(batchWait)),
	}
}

// WithLoaders is HTTP middleware that gives each request its own loaders.
func WithLoaders(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, NewLoaders(s))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFor(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}
