package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"indicators/internal/dataset"
)

// WithSuppressBelow turns small-cell protection on at threshold n (serve's
// SUPPRESS_BELOW): a viewer without a key reads every observation masked by
// dataset.Suppress over the whole dataset. Below 2 it stays off.
func WithSuppressBelow(n int64) Option {
	return func(o *options) { o.suppressBelow = n }
}

// suppressionCache holds the suppression of the current data version. It is
// decided from every row (every release and revision, restricted ones too),
// so it is computed once per version, not per request: the store's change
// listener drops it after every load (invalidate), and while nothing listens
// it is computed anew for every read rather than held past a load.
type suppressionCache struct {
	threshold  int64
	generation atomic.Uint64 // bumped by invalidate
	watching   atomic.Bool   // the change listener runs
	held       atomic.Pointer[suppressed]
	computing  sync.Mutex // one computation at a time; the others wait for it
}

// suppressed is one data version's suppression as the store applies it.
type suppressed struct {
	generation uint64
	rule       *dataset.Suppression
	// ids are the rows, of every version, of the suppressed cells: what a
	// value ordering sorts as no value (see orderFor).
	ids []int64
	// revision is the newest revision of the rows it was decided over.
	revision int64
}

// Rule is the suppression to mask with; nil (nothing) for no suppression.
func (s *suppressed) Rule() *dataset.Suppression {
	if s == nil {
		return nil
	}
	return s.rule
}

func (c *suppressionCache) invalidate() { c.generation.Add(1) }

// get returns the suppression of the data as the store reads it now.
func (c *suppressionCache) get(ctx context.Context, s *Store) (*suppressed, error) {
	if h := c.held.Load(); h != nil && h.generation == c.generation.Load() {
		return h, nil
	}
	c.computing.Lock()
	defer c.computing.Unlock()
	gen := c.generation.Load()
	if h := c.held.Load(); h != nil && h.generation == gen {
		return h, nil
	}
	h, err := s.decideSuppression(ctx, c.threshold)
	if err != nil {
		return nil, fmt.Errorf("decide suppressed cells: %w", err)
	}
	h.generation = gen
	// A load that committed while this one read bumped the generation, so
	// the result is used once and not held; nor is it while no listener
	// would tell of the next load.
	if c.watching.Load() {
		c.held.Store(h)
	}
	return h, nil
}

// fresh is sup, or, when a statement read a row of a revision newer than
// the data sup was decided over (a load committed and its notification has
// not arrived yet), the suppression decided anew: a new row is never masked
// by a decision that has not seen it.
func (s *Store) fresh(ctx context.Context, sup *suppressed, rows []observationRow) (*suppressed, error) {
	if sup == nil {
		return nil, nil
	}
	for _, r := range rows {
		if r.RevisionID > sup.revision {
			s.suppression.invalidate()
			return s.suppressionOf(ctx)
		}
	}
	return sup, nil
}

// decideSuppression reads every row of every version, restricted ones
// included, with its also-stated quotes, the dimensions and the data files'
// relations (Relations: every release's, withdrawn ones too), and decides
// the suppressed cells by dataset.Suppress, as `indicators check
// --suppress-below` does over the files.
func (s *Store) decideSuppression(ctx context.Context, threshold int64) (*suppressed, error) {
	ctx = dataset.WithViewer(ctx, dataset.Viewer{Tier: dataset.TierPartner})
	lists, err := s.CodeLists(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := selectObservations(ctx, s.db, `SELECT `+observationColumns+`, '' AS sort_key FROM observation_all o`)
	if err != nil {
		return nil, fmt.Errorf("read every observation: %w", err)
	}
	var also []struct {
		ObservationID int64  `db:"observation_id"`
		Quote         string `db:"source_quote"`
	}
	if err := s.db.SelectContext(ctx, &also, `SELECT observation_id, source_quote FROM observation_also_stated_all ORDER BY observation_id, ordinal`); err != nil {
		return nil, fmt.Errorf("read every also-stated quote: %w", err)
	}
	quotes := map[int64][]dataset.Source{}
	for _, a := range also {
		quotes[a.ObservationID] = append(quotes[a.ObservationID], dataset.Source{Quote: a.Quote})
	}
	rels, err := s.Relations(ctx)
	if err != nil {
		return nil, err
	}
	codes, err := s.codeIndex(ctx, rows)
	if err != nil {
		return nil, err
	}
	obs := make([]dataset.Observation, len(rows))
	for i, r := range rows {
		obs[i] = r.domain(codes, nil)
		obs[i].AlsoStated = quotes[r.ID]
	}
	h := &suppressed{rule: dataset.Suppress(obs, lists.Dimensions, rels, threshold)}
	for _, o := range obs {
		h.revision = max(h.revision, o.Revision)
		if _, ok := h.rule.Cell(o); ok {
			h.ids = append(h.ids, o.ID)
		}
	}
	return h, nil
}
