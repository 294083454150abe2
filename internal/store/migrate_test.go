package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
	"indicators/migrations"
)

// Versions of the migrations this test steps between: the shared rate-limit
// budget, then the access tiers (restricted cells, API keys).
const (
	rateLimitVersion = 6
	accessVersion    = 7
)

// migrateTo moves the schema at dsn to version, up or down.
func migrateTo(t *testing.T, dsn string, version uint) {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	driver, err := postgres.WithInstance(db, &postgres.Config{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "postgres", driver)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Migrate(version); err != nil {
		t.Fatalf("migrate to %d: %v", version, err)
	}
}

func tableExists(t *testing.T, s *store.Store, table string) bool {
	t.Helper()
	var exists bool
	if err := s.AdminDB().Get(&exists, `SELECT to_regclass($1) IS NOT NULL`, table); err != nil {
		t.Fatal(err)
	}
	return exists
}

// A database at the rate limit's migration (a deployment from before the
// access tiers) migrates up: the budget it shares is kept, the writer may
// spend it, and the tiers' schema works; the access migration goes down to
// that version and up again.
func TestMigrateFromRateLimit(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.DSN(t)
	if err := store.MigrateDown(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	migrateTo(t, dsn, rateLimitVersion)
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	window := time.Now().UTC().Truncate(time.Hour)
	if _, err := admin.ExecContext(ctx, `INSERT INTO rate_limit_spend VALUES ($1, 'ip:192.0.2.1', 40)`, window); err != nil {
		t.Fatalf("the rate limit's table at version %d: %v", rateLimitVersion, err)
	}

	if err := store.Migrate(ctx, dsn); err != nil {
		t.Fatalf("migrate up from %d: %v", rateLimitVersion, err)
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if why := s.Privileges(); why != "" {
		t.Fatalf("roles unused after migrating up: %s", why)
	}
	totals, err := s.SpendRateBudget(ctx, window, []string{"ip:192.0.2.1"}, []int64{2})
	if err != nil || totals["ip:192.0.2.1"] != 42 {
		t.Errorf("the budget kept across the migration: %v, %v", totals, err)
	}
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
		t.Errorf("load after migrating up: %v", err)
	}
	if _, secret, err := s.CreateKey(ctx, "after migrating", nil); err != nil {
		t.Errorf("create key: %v", err)
	} else if _, err := s.Authenticate(ctx, secret); err != nil {
		t.Errorf("authenticate: %v", err)
	}

	migrateTo(t, dsn, rateLimitVersion)
	if tableExists(t, s, "api_key") || !tableExists(t, s, "rate_limit_spend") {
		t.Errorf("down to %d: api_key %v, rate_limit_spend %v", rateLimitVersion, tableExists(t, s, "api_key"), tableExists(t, s, "rate_limit_spend"))
	}
	migrateTo(t, dsn, accessVersion)
	if !tableExists(t, s, "api_key") {
		t.Errorf("up to %d again: no api_key", accessVersion)
	}
}
