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
	c := &StatementCounter{}
	return observedDB(t, dsn, func(store.SentStatement) { c.n.Add(1) }), c
}

// observedDB opens dsn through a driver that tells observe of every
// statement, closed when the test ends.
func observedDB(t testing.TB, dsn string, observe func(store.SentStatement)) *sql.DB {
	t.Helper()
	pc, err := pq.NewConnector(dsn)
	if err != nil {
		t.Fatalf("observed connector: %v", err)
	}
	db := sql.OpenDB(store.ObservedConnector(pc, observe))
	t.Cleanup(func() { db.Close() })
	return db
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
	r := &StatementRecorder{}
	return observedDB(t, dsn, func(st store.SentStatement) {
		r.mu.Lock()
		r.sent = append(r.sent, st)
		r.mu.Unlock()
	}), r
}
