package testdb

import (
	"database/sql"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"indicators/internal/store"
)

// StatementCounter counts the SQL statements sent through a database handle,
// so a test can prove the statements of a request do not grow with its rows.
type StatementCounter struct{ n atomic.Int64 }

// Count returns the statements sent so far.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

// CountingDB opens dsn through a driver that counts every query and exec
// (a prepared statement's every execution, not its preparation).
func CountingDB(t testing.TB, dsn string) (*sql.DB, *StatementCounter) {
	t.Helper()
	pc, err := pq.NewConnector(dsn)
	if err != nil {
		t.Fatalf("counting connector: %v", err)
	}
	c := &StatementCounter{}
	db := sql.OpenDB(store.ObservedConnector(pc, func(time.Duration) { c.n.Add(1) }))
	t.Cleanup(func() { db.Close() })
	return db, c
}
