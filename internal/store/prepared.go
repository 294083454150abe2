package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxPrepared bounds the statements kept prepared. The API's statements come
// in few shapes (a filter's fields decide the text, its values travel as
// parameters), so the bound is reached only by clients that vary shapes on
// purpose; past it, new shapes run unprepared.
const maxPrepared = 1000

// maxPreparedText bounds the text of a statement kept prepared: the API's
// own shapes are a few kilobytes; a filter listing hundreds of dimensions
// makes a long one-off text, which runs unprepared rather than being held.
const maxPreparedText = 16 << 10

// preparedPool runs each statement text through a statement prepared once
// and reused on every connection of the pool. lib/pq otherwise parses and
// plans every parameterised statement anew, and for the API's short queries
// planning costs several times what executing does.
type preparedPool struct {
	db *sqlx.DB

	mu    sync.RWMutex
	stmts map[string]*sqlx.Stmt
}

var _ querier = (*preparedPool)(nil)

func newPreparedPool(db *sqlx.DB) *preparedPool {
	return &preparedPool{db: db, stmts: map[string]*sqlx.Stmt{}}
}

// stmt returns the prepared statement of query, preparing it on first use;
// nil past the bounds.
func (p *preparedPool) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if len(query) > maxPreparedText {
		return nil, nil
	}
	p.mu.RLock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxPrepared
	p.mu.RUnlock()
	if ok || full {
		return st, nil
	}
	st, err := p.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev, ok := p.stmts[query]; ok {
		// Prepared meanwhile by another request: keep one.
		st.Close()
		return prev, nil
	}
	if len(p.stmts) >= maxPrepared {
		st.Close()
		return nil, nil
	}
	p.stmts[query] = st
	return st, nil
}

// run runs query through its prepared statement, or directly past the
// bound.
// Every error says whether the database is unavailable.
func (p *preparedPool) run(ctx context.Context, query string, prepared func(*sqlx.Stmt) error, direct func() error) error {
	st, err := p.stmt(ctx, query)
	switch {
	case err != nil:
		return unavailable(err)
	case st == nil:
		return unavailable(direct())
	default:
		return unavailable(prepared(st))
	}
}

func (p *preparedPool) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return p.run(ctx, query,
		func(st *sqlx.Stmt) error { return st.SelectContext(ctx, dest, args...) },
		func() error { return p.db.SelectContext(ctx, dest, query, args...) })
}

func (p *preparedPool) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return p.run(ctx, query,
		func(st *sqlx.Stmt) error { return st.GetContext(ctx, dest, args...) },
		func() error { return p.db.GetContext(ctx, dest, query, args...) })
}

func (p *preparedPool) QueryxContext(ctx context.Context, query string, args ...any) (rows *sqlx.Rows, err error) {
	err = p.run(ctx, query,
		func(st *sqlx.Stmt) (err error) { rows, err = st.QueryxContext(ctx, args...); return err },
		func() (err error) { rows, err = p.db.QueryxContext(ctx, query, args...); return err })
	return rows, err
}

// close releases every prepared statement.
func (p *preparedPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
}
