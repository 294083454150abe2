package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"time"
)

// ObservedConnector wraps c so that observe learns of every statement sent
// through its connections, with the time until its first answer (rows are
// read after). A prepared statement counts at each execution, not at its
// preparation: a statement the store prepared once and runs per request is
// still one statement per request.
func ObservedConnector(c driver.Connector, observe func(SentStatement)) driver.Connector {
	return observedConnector{c, observe}
}

// SentStatement is one statement sent: its text, its arguments and the time
// until its first answer.
type SentStatement struct {
	Query    string
	Args     []driver.NamedValue
	Duration time.Duration
}

type observer func(SentStatement)

func (o observer) since(start time.Time, query string, args []driver.NamedValue) {
	o(SentStatement{Query: query, Args: args, Duration: time.Since(start)})
}

type observedConnector struct {
	driver.Connector
	observe observer
}

func (oc observedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := oc.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return observedConn{conn, oc.observe}, nil
}

type observedConn struct {
	driver.Conn
	observe observer
}

func (oc observedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := oc.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	defer oc.observe.since(time.Now(), query, args)
	return q.QueryContext(ctx, query, args)
}

func (oc observedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := oc.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	defer oc.observe.since(time.Now(), query, args)
	return e.ExecContext(ctx, query, args)
}

func (oc observedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := oc.Conn.(driver.ConnBeginTx)
	if !ok {
		return nil, errors.New("driver cannot begin a transaction with options")
	}
	return b.BeginTx(ctx, opts)
}

func (oc observedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	p, ok := oc.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("driver cannot prepare with a context")
	}
	st, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return observedStmt{st, query, oc.observe}, nil
}

// ResetSession, IsValid, Ping and CheckNamedValue reach the driver's own:
// the pool asks the first two of every connection it reuses, and lib/pq
// passes arguments its own way.
func (oc observedConn) ResetSession(ctx context.Context) error {
	if r, ok := oc.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (oc observedConn) IsValid() bool {
	if v, ok := oc.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (oc observedConn) Ping(ctx context.Context) error {
	if p, ok := oc.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (oc observedConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := oc.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type observedStmt struct {
	driver.Stmt
	query   string
	observe observer
}

func (os observedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	defer os.observe.since(time.Now(), os.query, args)
	if q, ok := os.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return os.Stmt.Query(values(args)) // lib/pq's COPY statement has only the old interface
}

func (os observedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	defer os.observe.since(time.Now(), os.query, args)
	if e, ok := os.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return os.Stmt.Exec(values(args)) // lib/pq's COPY statement has only the old interface
}

func values(args []driver.NamedValue) []driver.Value {
	vs := make([]driver.Value, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	return vs
}
