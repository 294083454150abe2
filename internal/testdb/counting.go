package testdb

import (
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"

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
	db := sql.OpenDB(store.ObservedConnector(pc, func(store.SentStatement) { c.n.Add(1) }))
	t.Cleanup(func() { db.Close() })
	return db, c
}

// StatementRecorder keeps the SQL statements sent through a database
// handle, with their arguments: what a request sent, to explain its plans.
type StatementRecorder struct {
	mu   sync.Mutex
	sent []store.SentStatement
}

// Take returns the statements sent since the last Take, and forgets them.
func (r *StatementRecorder) Take() []store.SentStatement {
	r.mu.Lock()
	defer r.mu.Unlock()
	sent := r.sent
	r.sent = nil
	return sent
}

// RecordingDB opens dsn through a driver that keeps every query and exec.
func RecordingDB(t testing.TB, dsn string) (*sql.DB, *StatementRecorder) {
	t.Helper()
	pc, err := pq.NewConnector(dsn)
	if err != nil {
		t.Fatalf("recording connector: %v", err)
	}
	r := &StatementRecorder{}
	db := sql.OpenDB(store.ObservedConnector(pc, func(st store.SentStatement) {
		r.mu.Lock()
		r.sent = append(r.sent, st)
		r.mu.Unlock()
	}))
	t.Cleanup(func() { db.Close() })
	return db, r
}
