package server_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// TestStalledExportsLeaveGraphQLConnections: more exports than the export
// share has connections stall mid-stream, each holding its snapshot, and a
// GraphQL query that reads the database still completes. There are one more
// of them than the API's pool has connections (16), so on one shared pool
// they would take every connection and the query would wait for them.
//
// The exports stall because their connections' writes block until released
// (stallingListener): a client that stops reading. An export is larger than
// the server buffers, so its first write to the connection happens while it
// streams, inside its snapshot.
func TestStalledExportsLeaveGraphQLConnections(t *testing.T) {
	const exports = 17
	s := testdb.New(t)
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	load(t, s, bundled)

	ln := &stallingListener{stalled: make(chan struct{}, exports), release: make(chan struct{})}
	// One client sends them all: its limit of requests in flight is not
	// what this test is about.
	limiter := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Concurrency: exports + 1}})
	srv := httptest.NewUnstartedServer(server.New(server.Config{Store: s, RateLimit: limiter}))
	ln.Listener = srv.Listener
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	var once sync.Once
	release := func() { once.Do(func() { close(ln.release) }) }
	defer release() // a failing test must not leave the server blocked

	// The waits below end when the awaited event happens; failsafe only
	// turns a hang into a failure.
	failsafe := time.After(2 * time.Minute)

	type result struct {
		status int
		body   []byte
		err    error
	}
	results := make(chan result, exports)
	for range exports {
		go func() {
			resp, err := srv.Client().Get(srv.URL + "/export/observations.csv")
			if err != nil {
				results <- result{err: err}
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			results <- result{resp.StatusCode, body, err}
		}()
	}

	// The export share is taken: DefaultExportConns exports stall inside
	// their snapshots, and every other one waits for a connection.
	for range store.DefaultExportConns {
		select {
		case <-ln.stalled:
		case <-failsafe:
			t.Fatal("the exports never stalled mid-stream")
		}
	}
	for s.ExportDB().Stats().WaitCount < exports-store.DefaultExportConns {
		select {
		case <-time.After(time.Millisecond):
		case <-failsafe:
			t.Fatalf("export share: %+v; want %d exports waiting", s.ExportDB().Stats(), exports-store.DefaultExportConns)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql",
		strings.NewReader(`{"query":"{ observations(first: 1) { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	// Its own client: not a connection an export used.
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatalf("GraphQL while exports stall: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"totalCount":`)) {
		t.Fatalf("GraphQL while exports stall: status %d, %s, %v", resp.StatusCode, body, err)
	}
	if stalled := len(ln.stalled); stalled > 0 {
		t.Errorf("%d exports beyond the share of %d streamed", stalled, store.DefaultExportConns)
	}

	release()
	var first []byte
	for range exports {
		var r result
		select {
		case r = <-results:
		case <-failsafe:
			t.Fatal("the exports did not finish once released")
		}
		if r.err != nil || r.status != http.StatusOK {
			t.Fatalf("export: status %d, %v", r.status, r.err)
		}
		if first == nil {
			first = r.body
		}
		if !bytes.Equal(r.body, first) {
			t.Error("the exports differ")
		}
	}
	// The premise: bigger than what the server buffers before it writes.
	if len(first) < 16<<10 {
		t.Errorf("the export is %d bytes, too small to stall mid-stream", len(first))
	}
}

// stallingListener serves connections whose writes, once their request is
// an export, block until release is closed; stalled receives a value for each
// connection that blocks.
type stallingListener struct {
	net.Listener
	stalled chan struct{}
	release chan struct{}
}

func (l *stallingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &stallingConn{Conn: c, l: l}, nil
}

type stallingConn struct {
	net.Conn
	l       *stallingListener
	sniffed sync.Once
	export  atomic.Bool
	stalled sync.Once
}

func (c *stallingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.sniffed.Do(func() { c.export.Store(bytes.HasPrefix(p[:n], []byte("GET /export/"))) })
	return n, err
}

func (c *stallingConn) Write(p []byte) (int, error) {
	if c.export.Load() {
		c.stalled.Do(func() { c.l.stalled <- struct{}{} })
		<-c.l.release
	}
	return c.Conn.Write(p)
}
