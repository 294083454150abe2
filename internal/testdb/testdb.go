// Package testdb gives each test a fresh, migrated PostgreSQL database: on
// the server at TEST_DATABASE_URL when it is set, otherwise on a private
// cluster started once per test binary. Tests exercise the real database
// because the behaviour under test (constraints, keys, COPY, SQL) lives there.
//
// A package that uses it runs its tests through Main so the private cluster
// and the template database are cleaned up when the binary ends:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
package testdb

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // registers the "postgres" driver

	"indicators/internal/pgembed"
	"indicators/internal/store"
)

var (
	setupOnce sync.Once
	setupErr  error
	server    struct {
		adminDSN string // a database on the server to issue CREATE DATABASE from
		cluster  *pgembed.Cluster
		dataDir  string
		template string // migrated once, copied per test
	}
	counter atomic.Int64
)

// Main runs the package's tests and then drops the template database and
// stops the private cluster, if either was made.
func Main(m *testing.M) {
	code := m.Run()
	teardown()
	os.Exit(code)
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if dsn := os.Getenv("TEST_DATABASE_URL"); dsn != "" {
		server.adminDSN = dsn
	} else {
		stopAbandoned(ctx)
		dir, err := os.MkdirTemp("", clusterDirPrefix)
		if err != nil {
			return fmt.Errorf("make cluster dir: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			return fmt.Errorf("record cluster owner: %w", err)
		}
		server.dataDir = dir
		// MkdirTemp makes the directory 0700; opened up, the cluster's
		// unprivileged user can reach it and it is not moved elsewhere in
		// the temp dir, where RemoveAll below would miss it.
		if err := os.Chmod(dir, 0o755); err != nil {
			return fmt.Errorf("open cluster dir: %w", err)
		}
		c, err := pgembed.Start(ctx, pgembed.Options{Dir: dir, Fast: true})
		if err != nil {
			return fmt.Errorf("start private PostgreSQL for tests (or set TEST_DATABASE_URL): %w", err)
		}
		server.cluster = c
		server.adminDSN = c.DSN("postgres")
	}
	server.template = fmt.Sprintf("indicators_test_tmpl_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if err := exec(ctx, "CREATE DATABASE "+server.template); err != nil {
		return err
	}
	if err := store.Migrate(ctx, WithDatabase(server.adminDSN, server.template)); err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	return nil
}

const (
	clusterDirPrefix = "indicators-testdb-"
	// ownerFile holds the pid of the test binary that started a cluster.
	ownerFile = "owner.pid"
)

// stopAbandoned stops and removes the clusters of test binaries that died
// before Main could clean up (a timeout, a kill): each would otherwise keep
// a postgres running on the machine for good.
func stopAbandoned(ctx context.Context) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), clusterDirPrefix+"*"))
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours to judge, or still being set up
		}
		pid, err := strconv.Atoi(string(raw))
		if err != nil || processAlive(pid) {
			continue
		}
		// Start takes over a running server on the directory, so its
		// cluster can then be stopped the ordinary way.
		if c, err := pgembed.Start(ctx, pgembed.Options{Dir: dir, Fast: true}); err == nil {
			_ = c.Stop(ctx)
		}
		os.RemoveAll(dir)
	}
}

func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

func teardown() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if server.template != "" && server.cluster == nil {
		_ = exec(ctx, "DROP DATABASE IF EXISTS "+server.template)
	}
	if server.cluster != nil {
		_ = server.cluster.Stop(ctx)
		os.RemoveAll(server.dataDir)
	}
}

// exec runs one statement on the admin database with a short-lived
// connection: CREATE/DROP DATABASE cannot run inside a pooled transaction.
func exec(ctx context.Context, stmt string) error {
	db, err := sqlx.Open("postgres", server.adminDSN)
	if err != nil {
		return fmt.Errorf("open admin database: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// DSN creates a fresh migrated database for the test, drops it when the test
// ends, and returns its connection string.
func DSN(t testing.TB) string {
	t.Helper()
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
	name := fmt.Sprintf("%s_%d", server.template, counter.Add(1))
	ctx := context.Background()
	if err := exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, server.template)); err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return WithDatabase(server.adminDSN, name)
}

// New opens a store on a fresh migrated database with opts, closed when the
// test ends.
func New(t testing.TB, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t), opts...)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// WithDatabase returns dsn pointed at another database on the same server. It
// handles both URL and key=value forms.
func WithDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	// lib/pq lets a later key override an earlier one.
	return dsn + " dbname=" + name
}
