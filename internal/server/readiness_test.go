package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// lockedBuffer is a log the watcher writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestReadyzOpensANewConnection: a database that refuses new connections
// while the pool's open ones still work (as during a smart shutdown; here
// ALLOW_CONNECTIONS false) is not ready, and the watcher says so once and
// says once when it is back. cmd/indicators tests the shutdown itself, on
// the private cluster.
func TestReadyzOpensANewConnection(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, testdb.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := newServer(t, s)
	// A connection held open across the refusal: the pool's idle ones may
	// be closed and reopened meanwhile on a busy machine.
	open, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { open.Close() })
	var name string
	if err := open.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	// PostgreSQL lets no session bar its own database: another one does.
	admin := testdb.New(t)
	allow := func(yes bool) {
		t.Helper()
		if _, err := admin.AdminDB().ExecContext(ctx, `ALTER DATABASE "`+name+`" WITH ALLOW_CONNECTIONS `+map[bool]string{true: "true", false: "false"}[yes]); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { allow(true) })

	logs := &lockedBuffer{}
	watchCtx, stopWatching := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		server.WatchDatabase(watchCtx, slog.New(slog.NewTextHandler(logs, nil)), 20*time.Millisecond, s.Ready)
		close(done)
	}()
	t.Cleanup(func() { stopWatching(); <-done })
	waitFor := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), what); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited a minute for %q in the log:\n%s", what, logs)
			}
		}
	}

	if r := get(t, srv, "/readyz", nil); r.status != http.StatusOK {
		t.Fatalf("/readyz %d before anything happened", r.status)
	}
	allow(false)
	if err := open.PingContext(ctx); err != nil {
		t.Fatalf("open connections should still work: %v", err)
	}
	r := get(t, srv, "/readyz", nil)
	if code, _ := errorOf(t, r); r.status != http.StatusServiceUnavailable || code != "SERVICE_UNAVAILABLE" {
		t.Errorf("/readyz %d %s with new connections refused, want 503 SERVICE_UNAVAILABLE", r.status, code)
	}
	waitFor("the database accepts no new connections")
	allow(true)
	if r := get(t, srv, "/readyz", nil); r.status != http.StatusOK {
		t.Errorf("/readyz %d with connections allowed again", r.status)
	}
	waitFor("the database accepts new connections again")
	out := logs.String()
	for _, want := range []string{"level=ERROR msg=\"the database accepts no new connections", "level=WARN msg=\"the database accepts new connections again"} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", want, n, out)
		}
	}
}
