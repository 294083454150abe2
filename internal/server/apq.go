package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// persistedQueryBytes bounds the documents held for automatic persisted
// queries: a client registers a document before admission has looked at it,
// so the bound is on bytes, not on documents.
const persistedQueryBytes = 16 << 20

// codePersistedQueryInvalid is the code of a persistedQuery extension that
// is malformed, of a version other than 1, or whose hash is not the query's.
const codePersistedQueryInvalid = "PERSISTED_QUERY_INVALID"

// persistedQueries is gqlgen's automatic persisted queries (Apollo's
// protocol: extensions.persistedQuery {version: 1, sha256Hash}), so a GET
// URL can carry a hash instead of the document and stay short enough for a
// CDN. A hash this process does not hold answers PERSISTED_QUERY_NOT_FOUND,
// and the client sends the document with it once. It gives gqlgen's
// uncoded refusals a code: every client mistake has one.
type persistedQueries struct {
	extension.AutomaticPersistedQuery
}

func newPersistedQueries() persistedQueries {
	return persistedQueries{extension.AutomaticPersistedQuery{Cache: documentCache{otter.Must(&otter.Options[string, string]{
		MaximumWeight: persistedQueryBytes,
		Weigher:       func(hash, doc string) uint32 { return uint32(min(len(hash)+len(doc), 1<<32-1)) },
	})}}}
}

func (p persistedQueries) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	err := p.AutomaticPersistedQuery.MutateOperationParameters(ctx, params)
	if err != nil && err.Extensions["code"] == nil {
		err.Message = "extensions.persistedQuery: " + err.Message + ` (send {"version": 1, "sha256Hash": the hex SHA-256 of the query})`
		err.Extensions = map[string]any{"code": codePersistedQueryInvalid}
	}
	return err
}

// documentCache is the graphql.Cache of persisted documents, by hash.
type documentCache struct {
	docs *otter.Cache[string, string]
}

func (c documentCache) Get(_ context.Context, hash string) (string, bool) {
	return c.docs.GetIfPresent(hash)
}

func (c documentCache) Add(_ context.Context, hash, doc string) { c.docs.Set(hash, doc) }
