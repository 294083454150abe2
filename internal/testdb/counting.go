package testdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/lib/pq"
)

// StatementCounter counts the SQL statements sent through a database handle,
// so a test can prove the statements of a request do not grow with its rows.
type StatementCounter struct{ n atomic.Int64 }

// Count returns the statements sent so far.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

// CountingDB opens dsn through a driver that counts every query and exec.
func CountingDB(t testing.TB, dsn string) (*sql.DB, *StatementCounter) {
	t.Helper()
	pc, err := pq.NewConnector(dsn)
	if err != nil {
		t.Fatalf("counting connector: %v", err)
	}
	c := &StatementCounter{}
	db := sql.OpenDB(countingConnector{pc, c})
	t.Cleanup(func() { db.Close() })
	return db, c
}

type countingConnector struct {
	driver.Connector
	c *StatementCounter
}

func (cc countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := cc.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return countingConn{conn, cc.c}, nil
}

type countingConn struct {
	driver.Conn
	c *StatementCounter
}

func (cc countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := cc.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	cc.c.n.Add(1)
	return q.QueryContext(ctx, query, args)
}

func (cc countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := cc.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	cc.c.n.Add(1)
	return e.ExecContext(ctx, query, args)
}

func (cc countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := cc.Conn.(driver.ConnBeginTx)
	if !ok {
		return nil, errors.New("driver cannot begin a transaction with options")
	}
	return b.BeginTx(ctx, opts)
}

// PrepareContext counts each execution of a prepared statement too, not its
// preparation: a statement the store prepared once and runs per request is
// still one statement per request.
func (cc countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	p, ok := cc.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("driver cannot prepare with a context")
	}
	st, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return countingStmt{st, cc.c}, nil
}

type countingStmt struct {
	driver.Stmt
	c *StatementCounter
}

func (cs countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	cs.c.n.Add(1)
	if q, ok := cs.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return cs.Stmt.Query(values(args)) // lib/pq's COPY statement has only the old interface

}

func (cs countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	cs.c.n.Add(1)
	if e, ok := cs.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return cs.Stmt.Exec(values(args)) // lib/pq's COPY statement has only the old interface
}

func values(args []driver.NamedValue) []driver.Value {
	vs := make([]driver.Value, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	return vs
}
