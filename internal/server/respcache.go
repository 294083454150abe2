package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/formatter"

	"indicators/graph"
	"indicators/internal/dataset"
)

// DefaultResponseCacheBytes is the response cache's size unless Config says.
const DefaultResponseCacheBytes = 64 << 20

// responseCache holds the bodies of GraphQL responses, so that an identical
// query on an unchanged dataset is answered without executing it. An entry
// is keyed by everything its body depends on: the dataset version, who
// reads (anonymous clients share; a partner's key has its own entries, as
// restricted cells may be in them), the language served, the operation and
// its variables. A query selecting a per-client value (rateLimit) is never
// cached, nor a response with errors (a timeout, the database away may
// pass).
//
// A load in any process empties every process's cache (Store.OnChange), and
// what is read during a load is not kept: an entry is stored only if no
// change was heard while it was computed, and only once the database read
// has the latest load heard of (a replica that has not replayed it yet).
//
// A request as it arrived (its text, variables and extensions, before any
// parsing) is also an alias of the entry its operation keys, with what the
// operation costs: repeated, it is answered and charged without being
// parsed, validated and costed again, which were three quarters of a
// cached answer's CPU.
type responseCache struct {
	entries  *otter.Cache[[sha256.Size]byte, []byte]
	aliases  *otter.Cache[[sha256.Size]byte, alias]
	catalogs *dataset.CatalogCache

	mu         sync.Mutex
	generation uint64 // bumped by changed
}

// newResponseCache holds up to maxBytes of response bodies; nil (no cache)
// when maxBytes is not positive.
func newResponseCache(maxBytes int64, catalogs *dataset.CatalogCache) *responseCache {
	if maxBytes <= 0 {
		return nil
	}
	return &responseCache{
		entries: otter.Must(&otter.Options[[sha256.Size]byte, []byte]{
			MaximumWeight: uint64(maxBytes),
			Weigher: func(_ [sha256.Size]byte, body []byte) uint32 {
				return uint32(min(len(body)+sha256.Size, 1<<32-1))
			},
		}),
		// An alias is some 100 bytes; a sixteenth of the room holds
		// tens of thousands.
		aliases: otter.Must(&otter.Options[[sha256.Size]byte, alias]{
			MaximumWeight: uint64(max(maxBytes/16, 1)),
			Weigher: func(_ [sha256.Size]byte, a alias) uint32 {
				return uint32(min(2*sha256.Size+16+len(a.operation), 1<<32-1))
			},
		}),
		catalogs: catalogs,
	}
}

// alias is what a request as it arrived is: the entry its validated
// operation keys, that operation's name and what it costs.
type alias struct {
	entry     [sha256.Size]byte
	operation string
	points    int
}

// changed empties the cache after a load (see Store.OnChange).
func (c *responseCache) changed(int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.entries.InvalidateAll()
	c.aliases.InvalidateAll()
}

// rawKey is the alias key of a request as it arrived (method, and the
// bytes of its body or URL query), read at version in ctx's language by
// ctx's viewer; ok is false when there is none to look up. Keyed before the
// request is decoded, a repeat is answered without decoding it: the same
// request written another way is only a miss, answered by the entry its
// operation keys.
func (c *responseCache) rawKey(ctx context.Context, method string, arrived []byte, version *dataset.Version) (k cacheKey, ok bool) {
	if c == nil || version == nil {
		return cacheKey{}, false
	}
	return c.keyOf(ctx, *version, "raw", method, arrived), true
}

// keyOf is the key of a response of kind (a request as it arrived, or an
// operation), read at version in ctx's language by ctx's viewer, named by
// name and then body, and when it was made.
func (c *responseCache) keyOf(ctx context.Context, version dataset.Version, kind, name string, body []byte) cacheKey {
	viewer := dataset.ViewerOf(ctx)
	h := sha256.New()
	for _, part := range []string{kind, version.String(), string(viewer.Tier), viewer.Client(), dataset.LanguageOf(ctx).Language, name} {
		io.WriteString(h, part)
		h.Write(nul)
	}
	h.Write(body)
	k := cacheKey{version: version}
	h.Sum(k.sum[:0])
	c.mu.Lock()
	k.generation = c.generation
	c.mu.Unlock()
	return k
}

// nul ends each part of a key.
var nul = []byte{0}

// lookup returns the alias held for a raw key and its entry's body.
func (c *responseCache) lookup(raw cacheKey) (alias, []byte, bool) {
	a, ok := c.aliases.GetIfPresent(raw.sum)
	if !ok {
		return alias{}, nil, false
	}
	body, ok := c.entries.GetIfPresent(a.entry)
	return a, body, ok
}

// cacheKey identifies one response of the cache, and when it was looked up.
type cacheKey struct {
	sum        [sha256.Size]byte
	version    dataset.Version
	generation uint64
}

// key is the entry for the validated operation of opCtx read at version in
// ctx's language by ctx's viewer; ok is false when its response must not be
// cached. The query is keyed in its normalised form (the formatter's
// printing: whitespace, comments and commas do not matter), the variables as
// coerced, in JSON with sorted names.
func (c *responseCache) key(ctx context.Context, opCtx *graphql.OperationContext, version *dataset.Version) (k cacheKey, ok bool) {
	if c == nil || version == nil || graph.SelectsPerClient(opCtx) {
		return cacheKey{}, false
	}
	vars, err := json.Marshal(opCtx.Variables)
	if err != nil {
		return cacheKey{}, false
	}
	// The variables first: JSON, they hold no NUL and end where the
	// document begins.
	var doc bytes.Buffer
	doc.Write(vars)
	doc.WriteByte(0)
	formatter.NewFormatter(&doc).FormatQueryDocument(opCtx.Doc)
	return c.keyOf(ctx, *version, "operation", opCtx.OperationName, doc.Bytes()), true
}

// get returns the body held for k.
func (c *responseCache) get(k cacheKey) ([]byte, bool) {
	return c.entries.GetIfPresent(k.sum)
}

// put holds body for k, and the request as it arrived (raw, when it has a
// key) as its alias, unless a load was heard since k was made or the
// version read is behind the latest load heard of.
func (c *responseCache) put(k cacheKey, raw cacheKey, rawOK bool, a alias, body []byte) {
	if !c.catalogs.Current(k.version) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.generation != k.generation {
		return
	}
	c.entries.Set(k.sum, body)
	if rawOK && raw.generation == k.generation && raw.version == k.version {
		a.entry = k.sum
		c.aliases.Set(raw.sum, a)
	}
}
