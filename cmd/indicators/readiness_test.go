package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"indicators/internal/pgembed"
)

const (
	downMessage = "the database accepts no new connections"
	backMessage = "the database accepts new connections again"
)

// TestServeNoticesPostgresStopping asks the private cluster under `serve` to
// shut down the way an operator or the OS does (SIGTERM to the postmaster: a
// smart shutdown, which lets the pool's open connections go on working while
// it refuses new ones), then stops and restarts it: /readyz follows, and the
// log says once that the database went away and once that it came back.
func TestServeNoticesPostgresStopping(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL twice")
	}
	// Where the test finds the postmaster's pid file.
	dataDir := clusterDataDir(t)
	base, logs, stop := startServe(t, env("DATA_DIR", dataDir, "ADDR", "127.0.0.1:0", "DB_WATCH_INTERVAL", "50ms"))
	defer stop()

	readyz := func() int {
		t.Helper()
		status, _ := get(t, base+"readyz")
		return status
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited a minute for %s; log:\n%s", what, logs)
			}
		}
	}
	if s := readyz(); s != http.StatusOK {
		t.Fatalf("/readyz %d before anything happened", s)
	}

	pidFile := filepath.Join(dataDir, "pg", "postmaster.pid")
	postmaster := func() int {
		t.Helper()
		b, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatal(err)
		}
		pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}
	pid := postmaster()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor("the log to say the database is down", func() bool { return strings.Contains(logs.String(), downMessage) })
	if s := readyz(); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz %d while PostgreSQL shuts down, want 503", s)
	}
	// The case the issue found: the pool's open connections still answer.
	if r := postQuery(t, base, `{ observations(first: 1) { totalCount } }`); len(r.Errors) > 0 {
		t.Errorf("the pool's open connections no longer answer during the smart shutdown: %+v", r.Errors)
	}

	// Stop it for good (fast shutdown ends the sessions), then start it again
	// as an operator would.
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitFor("the postmaster to exit", func() bool { _, err := os.Stat(pidFile); return os.IsNotExist(err) })
	if s := readyz(); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz %d with PostgreSQL stopped, want 503", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	again, err := pgembed.Start(ctx, pgembed.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { again.Stop(context.Background()) })
	waitFor("the log to say the database is back", func() bool { return strings.Contains(logs.String(), backMessage) })
	if s := readyz(); s != http.StatusOK {
		t.Errorf("/readyz %d with PostgreSQL back, want 200", s)
	}
	out := logs.String()
	if n := strings.Count(out, downMessage); n != 1 {
		t.Errorf("the outage is logged %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, backMessage); n != 1 {
		t.Errorf("the recovery is logged %d times, want once:\n%s", n, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, downMessage) && (!strings.Contains(line, `"level":"ERROR"`) || !strings.Contains(line, "shutting down")) {
			t.Errorf("the outage is not an error naming the shutdown: %s", line)
		}
		if strings.Contains(line, backMessage) && !strings.Contains(line, `"level":"WARN"`) {
			t.Errorf("the recovery is not a warning: %s", line)
		}
	}
}
