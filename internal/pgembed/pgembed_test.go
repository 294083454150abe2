package pgembed

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

// fakeBin creates the named programs in dir with the given mode; discovery
// only inspects them, never runs them.
func fakeBin(t *testing.T, dir string, mode os.FileMode, progs ...string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range progs {
		path := filepath.Join(dir, p)
		if err := os.WriteFile(path, []byte("#!/bin/sh\nexit 0\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // umask-proof
			t.Fatal(err)
		}
	}
	return dir
}

func fullBin(t *testing.T, dir string) string {
	return fakeBin(t, dir, 0o755, serverPrograms...)
}

func bindir(dir string, err error) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return dir, err }
}

func TestFinderFind(t *testing.T) {
	tests := []struct {
		name string
		// setup builds a fake installation under root and returns the finder
		// to use plus the expected directory relative to root ("" means
		// ErrNoBinaries).
		setup   func(t *testing.T, root string) (finder, string)
		wantMsg []string // substrings of the error, when one is expected
	}{
		{
			name: "first complete PATH entry wins over later ones and pg_config",
			setup: func(t *testing.T, root string) (finder, string) {
				partial := fakeBin(t, filepath.Join(root, "partial"), 0o755, "initdb", "pg_ctl")
				first := fullBin(t, filepath.Join(root, "first"))
				second := fullBin(t, filepath.Join(root, "second"))
				cfg := fullBin(t, filepath.Join(root, "cfg"))
				return finder{
					path:           strings.Join([]string{partial, first, second}, string(os.PathListSeparator)),
					pgConfigBindir: bindir(cfg, nil),
				}, "first"
			},
		},
		{
			name: "a PATH entry of links is the directory they point into",
			setup: func(t *testing.T, root string) (finder, string) {
				home := fullBin(t, filepath.Join(root, "usr", "lib", "postgresql", "15", "bin"))
				links := filepath.Join(root, "links")
				if err := os.MkdirAll(links, 0o755); err != nil {
					t.Fatal(err)
				}
				for _, p := range serverPrograms {
					if err := os.Symlink(filepath.Join(home, p), filepath.Join(links, p)); err != nil {
						t.Fatal(err)
					}
				}
				return finder{path: links}, "usr/lib/postgresql/15/bin"
			},
		},
		{
			name: "relative PATH entries are ignored",
			setup: func(t *testing.T, root string) (finder, string) {
				cfg := fullBin(t, filepath.Join(root, "cfg"))
				return finder{path: "." + string(os.PathListSeparator) + "relative/bin", pgConfigBindir: bindir(cfg, nil)}, "cfg"
			},
		},
		{
			name: "non-executable files do not count",
			setup: func(t *testing.T, root string) (finder, string) {
				dir := fakeBin(t, filepath.Join(root, "noexec"), 0o644, serverPrograms...)
				return finder{path: dir}, ""
			},
		},
		{
			name: "pg_config when PATH has none",
			setup: func(t *testing.T, root string) (finder, string) {
				empty := fakeBin(t, filepath.Join(root, "empty"), 0o755)
				cfg := fullBin(t, filepath.Join(root, "cfg"))
				fullBin(t, filepath.Join(root, "debian", "16", "bin"))
				return finder{
					path:           empty,
					pgConfigBindir: bindir(cfg, nil),
					globs:          []string{filepath.Join(root, "debian", "*", "bin")},
				}, "cfg"
			},
		},
		{
			name: "pg_config failure falls through to Debian",
			setup: func(t *testing.T, root string) (finder, string) {
				fullBin(t, filepath.Join(root, "debian", "15", "bin"))
				return finder{
					pgConfigBindir: bindir("", errors.New("no pg_config")),
					globs:          []string{filepath.Join(root, "debian", "*", "bin")},
				}, "debian/15/bin"
			},
		},
		{
			name: "client-only pg_config falls through to Debian",
			setup: func(t *testing.T, root string) (finder, string) {
				client := fakeBin(t, filepath.Join(root, "client"), 0o755, "psql", "pg_config")
				fullBin(t, filepath.Join(root, "debian", "15", "bin"))
				return finder{
					pgConfigBindir: bindir(client, nil),
					globs:          []string{filepath.Join(root, "debian", "*", "bin")},
				}, "debian/15/bin"
			},
		},
		{
			name: "highest complete Debian version, compared numerically",
			setup: func(t *testing.T, root string) (finder, string) {
				fullBin(t, filepath.Join(root, "debian", "9.6", "bin"))
				fullBin(t, filepath.Join(root, "debian", "10", "bin"))
				fakeBin(t, filepath.Join(root, "debian", "17", "bin"), 0o755, "pg_ctl", "initdb") // server package not installed
				fullBin(t, filepath.Join(root, "debian", "notaversion", "bin"))
				return finder{globs: []string{filepath.Join(root, "debian", "*", "bin")}}, "debian/10/bin"
			},
		},
		{
			name: "highest Homebrew postgresql@ before generic dirs",
			setup: func(t *testing.T, root string) (finder, string) {
				fullBin(t, filepath.Join(root, "opt", "postgresql@14", "bin"))
				fullBin(t, filepath.Join(root, "opt", "postgresql@16", "bin"))
				generic := fullBin(t, filepath.Join(root, "bin"))
				return finder{globs: []string{
					filepath.Join(root, "debian", "*", "bin"),
					filepath.Join(root, "opt", "postgresql@*", "bin"),
					generic,
				}}, "opt/postgresql@16/bin"
			},
		},
		{
			name: "earlier pattern wins over a higher version in a later one",
			setup: func(t *testing.T, root string) (finder, string) {
				fullBin(t, filepath.Join(root, "debian", "13", "bin"))
				fullBin(t, filepath.Join(root, "opt", "postgresql@17", "bin"))
				return finder{globs: []string{
					filepath.Join(root, "debian", "*", "bin"),
					filepath.Join(root, "opt", "postgresql@*", "bin"),
				}}, "debian/13/bin"
			},
		},
		{
			name: "nothing found explains how to install",
			setup: func(t *testing.T, root string) (finder, string) {
				client := fakeBin(t, filepath.Join(root, "client"), 0o755, "psql")
				return finder{
					path:           fakeBin(t, filepath.Join(root, "empty"), 0o755, "initdb"),
					pgConfigBindir: bindir(client, nil),
					globs:          []string{filepath.Join(root, "nowhere", "*", "bin")},
				}, ""
			},
			wantMsg: []string{"apt-get install postgresql", "brew install postgresql@16", "DATABASE_URL", "lacks them"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			f, want := tt.setup(t, root)
			got, err := f.find(t.Context())
			if want == "" {
				if !errors.Is(err, ErrNoBinaries) {
					t.Fatalf("find() = %q, %v; want ErrNoBinaries", got, err)
				}
				for _, s := range tt.wantMsg {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("find() error: %v", err)
			}
			if w := filepath.Join(root, want); got != w {
				t.Errorf("find() = %q, want %q", got, w)
			}
		})
	}
}

func TestSocketDir(t *testing.T) {
	long := "/" + strings.Repeat("d", 90)
	tests := []struct {
		name          string
		preferred     string
		absDir        string
		tmp           string
		wantShortened bool
		wantPrefix    string
	}{
		{name: "short path kept", preferred: "/srv/app/.data/run", absDir: "/srv/app/.data", tmp: "/tmp"},
		{name: "exactly at the limit kept", preferred: "/" + strings.Repeat("x", maxSocketPath-len("/"+socketName)-1), absDir: "/x", tmp: "/tmp"},
		{name: "long path moved to temp dir", preferred: long + "/run", absDir: long, tmp: "/var/tmp", wantShortened: true, wantPrefix: "/var/tmp/indicators-pgsock-"},
		{name: "long temp dir falls back to /tmp", preferred: long + "/run", absDir: long, tmp: "/" + strings.Repeat("t", 80), wantShortened: true, wantPrefix: "/tmp/indicators-pgsock-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, shortened := socketDir(tt.preferred, tt.absDir, tt.tmp)
			if shortened != tt.wantShortened {
				t.Fatalf("socketDir() shortened = %v, want %v (dir %q)", shortened, tt.wantShortened, got)
			}
			if !shortened {
				if got != tt.preferred {
					t.Errorf("socketDir() = %q, want preferred %q", got, tt.preferred)
				}
				return
			}
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Errorf("socketDir() = %q, want prefix %q", got, tt.wantPrefix)
			}
			if n := len(filepath.Join(got, socketName)); n > maxSocketPath {
				t.Errorf("socket path is %d bytes, limit %d", n, maxSocketPath)
			}
			if again, _ := socketDir(tt.preferred, tt.absDir, tt.tmp); again != got {
				t.Errorf("not stable: %q then %q", got, again)
			}
			if other, _ := socketDir(tt.preferred, tt.absDir+"2", tt.tmp); other == got {
				t.Errorf("different data dirs share socket dir %q", got)
			}
		})
	}
}

func TestDSN(t *testing.T) {
	tests := []struct {
		name, sock, db, want string
	}{
		{"plain", "/tmp/s", "app", "host=/tmp/s port=5432 user=postgres dbname=app sslmode=disable"},
		{"space in path", "/tmp/my dir", "app", "host='/tmp/my dir' port=5432 user=postgres dbname=app sslmode=disable"},
		{"quote and backslash", `/tmp/it's\x`, "", `host='/tmp/it\'s\\x' port=5432 user=postgres dbname='' sslmode=disable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Cluster{sockDir: tt.sock}
			if got := c.DSN(tt.db); got != tt.want {
				t.Errorf("DSN() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStartRequiresDir(t *testing.T) {
	if _, err := Start(t.Context(), Options{}); err == nil {
		t.Fatal("Start with empty Dir succeeded")
	}
}

// --- tests against the machine's real PostgreSQL ---

func requirePostgres(t *testing.T) string {
	t.Helper()
	bin, err := defaultFinder().find(t.Context())
	if err != nil {
		t.Skipf("no PostgreSQL on this machine: %v", err)
	}
	return bin
}

// reachableTempDir is a t.TempDir the PostgreSQL user can enter when the
// tests run as root: t.TempDir's parent is created with mode 0700.
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
	out io.Writer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	return l.out.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func testLogger(t *testing.T) (*slog.Logger, *logBuf) {
	lb := &logBuf{out: t.Output()}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

func mustStart(t *testing.T, opts Options) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	// Cleanups run last-in first-out, so the server is stopped before the
	// test's directories are removed.
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("cleanup Stop: %v", err)
		}
	})
	return c
}

func mustStop(t *testing.T, c *Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func openDB(t *testing.T, c *Cluster) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", c.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, c *Cluster, query string) {
	t.Helper()
	db := openDB(t, c)
	if _, err := db.ExecContext(t.Context(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	db.Close()
}

func queryInt(t *testing.T, c *Cluster, query string) int {
	t.Helper()
	db := openDB(t, c)
	var n int
	if err := db.QueryRowContext(t.Context(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	db.Close()
	return n
}

// TestStartStopRestart also covers socket shortening (the data dir is deep),
// taking over a server left running, and the log tail in start errors.
func TestStartStopRestart(t *testing.T) {
	requirePostgres(t)
	t.Parallel()
	dir := filepath.Join(reachableTempDir(t), strings.Repeat("a-long-directory-name-", 4), "data")
	sock := hashedPath(os.TempDir(), "indicators-pgsock-", dir)
	t.Cleanup(func() { os.RemoveAll(sock) })
	logger, logs := testLogger(t)
	opts := Options{Dir: dir, Logger: logger, Fast: true}

	c1 := mustStart(t, opts)
	if want := filepath.Join(dir, "pg"); c1.DataDir() != want {
		t.Errorf("DataDir() = %q, want %q (no relocation expected)", c1.DataDir(), want)
	}
	if c1.SocketDir() != sock {
		t.Errorf("SocketDir() = %q, want shortened %q", c1.SocketDir(), sock)
	}
	if _, err := os.Stat(filepath.Join(c1.SocketDir(), socketName)); err != nil {
		t.Errorf("socket: %v", err)
	}
	execSQL(t, c1, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")

	// As if the process owning c1 had died without stopping the server.
	c2 := mustStart(t, opts)
	if !strings.Contains(logs.String(), "left by an earlier process") {
		t.Error("taking over a running server was not logged")
	}
	if got := queryInt(t, c2, "SELECT x FROM kept"); got != 42 {
		t.Errorf("after takeover: x = %d, want 42", got)
	}
	if err := c2.Check(); err != nil {
		t.Errorf("Check() of a running server = %v", err)
	}
	mustStop(t, c2)
	if err := c2.Check(); err == nil || !strings.Contains(err.Error(), "has stopped") {
		t.Errorf("Check() of a stopped server = %v, want an error saying it stopped", err)
	}
	mustStop(t, c1) // server already gone: not an error
	mustStop(t, c2) // idempotent

	c3 := mustStart(t, opts)
	if got := queryInt(t, c3, "SELECT x FROM kept"); got != 42 {
		t.Errorf("after restart: x = %d, want 42", got)
	}
	mustStop(t, c3)

	conf := filepath.Join(c3.DataDir(), "postgresql.conf")
	f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\nbogus_setting_for_test = 1\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Start(t.Context(), opts)
	if err == nil {
		t.Fatal("Start with a broken postgresql.conf succeeded")
	}
	if !strings.Contains(err.Error(), "bogus_setting_for_test") || !strings.Contains(err.Error(), c3.LogFile()) {
		t.Errorf("start error lacks the log tail: %v", err)
	}
}

func TestStartRelocatesWhenParentClosed(t *testing.T) {
	requirePostgres(t)
	if os.Geteuid() != 0 {
		t.Skip("relocation only happens when running as root")
	}
	t.Parallel()
	closed := filepath.Join(reachableTempDir(t), "closed")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(closed, "data")
	base := hashedPath(os.TempDir(), "indicators-pg-", dir)
	t.Cleanup(func() { os.RemoveAll(base) })
	logger, logs := testLogger(t)

	c := mustStart(t, Options{Dir: dir, Logger: logger, Fast: true})
	if want := filepath.Join(base, "pg"); c.DataDir() != want {
		t.Errorf("DataDir() = %q, want relocated %q", c.DataDir(), want)
	}
	if want := filepath.Join(base, "run"); c.SocketDir() != want {
		t.Errorf("SocketDir() = %q, want %q", c.SocketDir(), want)
	}
	if !strings.Contains(logs.String(), base) {
		t.Error("relocation was not logged with the new location")
	}
	if got := queryInt(t, c, "SELECT 1"); got != 1 {
		t.Errorf("SELECT 1 = %d", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster also created in the unreachable dir: %v", err)
	}
	mustStop(t, c)
}

func TestProbe(t *testing.T) {
	bin := requirePostgres(t)
	if os.Geteuid() != 0 {
		t.Skip("probing as another user needs root")
	}
	acct, err := unprivilegedAccount()
	if err != nil {
		t.Fatal(err)
	}
	open := reachableTempDir(t)
	closed := filepath.Join(open, "closed")
	if err := os.MkdirAll(filepath.Join(closed, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	r := &runner{bin: bin, acct: acct, log: slog.New(slog.DiscardHandler)}
	tests := []struct {
		name      string
		dir       string
		reachable bool
	}{
		{"open dir", open, true},
		{"closed dir itself", closed, false},
		{"open dir under a closed parent", filepath.Join(closed, "inner"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.probe(t.Context(), tt.dir)
			if (err == nil) != tt.reachable {
				t.Errorf("probe(%s) = %v, want reachable=%v", tt.dir, err, tt.reachable)
			}
		})
	}
}

func TestVersionMismatch(t *testing.T) {
	requirePostgres(t)
	dir := reachableTempDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "pg"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pg", "PG_VERSION"), []byte("9.6\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Start(t.Context(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "created by PostgreSQL 9.6") {
		t.Fatalf("Start on a 9.6 cluster: %v", err)
	}
}
