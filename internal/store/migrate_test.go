package store_test

import (
	"context"
	"database/sql"
	"strings"
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

func indexDef(t *testing.T, s *store.Store, name string) string {
	t.Helper()
	var def string
	if err := s.AdminDB().Get(&def, `SELECT pg_get_indexdef($1::regclass)`, name); err != nil {
		t.Fatal(err)
	}
	return def
}

// loadedDatabase is a fresh database, migrated, with each of loads loaded
// in turn (as today's code writes them: the rows an older binary wrote),
// and its address, for a test to migrate down and up from.
func loadedDatabase(t *testing.T, loads ...[]*dataset.Dataset) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, sets := range loads {
		if _, err := s.Load(ctx, sets, false); err != nil {
			t.Fatal(err)
		}
	}
	return s, dsn
}

// bulkLoadVersion is the migration that made refresh_current_cells
// set-based, with an index that finds every row of a cell.
const bulkLoadVersion = 10

// A database with two releases in overlapping cells, as it stood before the
// bulk load's migration (loaded by today's code, whose rows are those an
// older binary wrote, and migrated down to then), migrates up keeping every
// row and current cell, loads through the new refresh, and migrates down
// and up again.
func TestMigrateBulkLoadWithData(t *testing.T) {
	ctx := context.Background()
	b := parseFixture(t, func(s string) string {
		return strings.Replace(strings.Replace(s, "code: fixture-2024", "code: fixture-b", 1), "value: 10254", "value: 10000", 1)
	})
	s, dsn := loadedDatabase(t, []*dataset.Dataset{parseFixture(t, nil), b})
	before := liveRows(t, s)
	migrateTo(t, dsn, bulkLoadVersion-2)
	migrateTo(t, dsn, bulkLoadVersion)
	if def := indexDef(t, s, "observation_indicator_period_idx"); !strings.Contains(def, "coordinate_key") {
		t.Errorf("after migrating up: %s; want the whole cell", def)
	}
	if after := liveRows(t, s); after != before {
		t.Errorf("rows or current cells changed by the migration:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if err := store.Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	// fixture-b wins every cell (the greater code); fixture-2024 corrected
	// to a later reference year wins them all back.
	later := parseFixture(t, func(s string) string {
		return strings.Replace(s, "reference_year: 2024", "reference_year: 2025", 1)
	})
	if _, err := s.Load(ctx, []*dataset.Dataset{later}, false); err != nil {
		t.Fatalf("load after migrating up: %v", err)
	}
	if got := count(t, s, `SELECT count(*) FROM observation o JOIN release r ON r.id = o.release_id
		WHERE o.is_current AND r.code = 'fixture-2024'`); got != 7 {
		t.Errorf("current rows of the release now newer: %d, want 7", got)
	}
	if got := count(t, s, `SELECT count(*) FROM observation WHERE is_current`); got != 7 {
		t.Errorf("current rows: %d, want one per cell, 7", got)
	}
	migrateTo(t, dsn, bulkLoadVersion-2)
	if def := indexDef(t, s, "observation_indicator_period_idx"); strings.Contains(def, "coordinate_key") {
		t.Errorf("after migrating down: %s; want migration 0001's", def)
	}
	migrateTo(t, dsn, bulkLoadVersion)
}

// relationsVersion is the migration that stores the data files' relations.
const relationsVersion = 11

// A database loaded before the relations were stored migrates up with its
// rows as they were and the relation tables empty; loading the same file
// again then stores its relations once, as a revision that keeps every row
// (the file is the only place they are), and a third load changes nothing.
// Down, the tables go and the rows stay.
func TestMigrateRelations(t *testing.T) {
	ctx := context.Background()
	ds := parseFixture(t, nil)
	s, dsn := loadedDatabase(t, []*dataset.Dataset{ds})
	before := liveRows(t, s)
	migrateTo(t, dsn, relationsVersion-1)
	if tableExists(t, s, "relation") || tableExists(t, s, "relation_cell") {
		t.Fatalf("down to %d: the relation tables are still there", relationsVersion-1)
	}
	if after := liveRows(t, s); after != before {
		t.Errorf("rows changed by migrating down:\n%s\nwant:\n%s", after, before)
	}
	migrateTo(t, dsn, relationsVersion)
	if got := count(t, s, `SELECT count(*) FROM relation`); got != 0 {
		t.Fatalf("relations after migrating up: %d, want none yet", got)
	}
	// Today's loader writes the columns of later migrations too (0012).
	if err := store.Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	for i, want := range []store.LoadAction{store.Replaced, store.Unchanged} {
		res, err := s.Load(ctx, []*dataset.Dataset{ds}, false)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Action != want {
			t.Errorf("load %d of the same file after migrating up: %s, want %s", i+2, res[0].Action, want)
		}
	}
	if got := count(t, s, `SELECT count(*) FROM relation WHERE replaced_in IS NULL`); got != 1 {
		t.Errorf("relations stored by loading the file again: %d, want the fixture's 1", got)
	}
	if after := liveRows(t, s); after != before {
		t.Errorf("rows changed by loading the same file again:\n%s\nwant:\n%s", after, before)
	}
	if got := count(t, s, `SELECT count(*) FROM observation WHERE revision_id <> 1`); got != 0 {
		t.Errorf("%d rows took the new revision; want every row kept with its own", got)
	}
}

// TestMigrateConcurrently starts several migrations of one database at once,
// as replicas starting together do: each must succeed (the grants on the
// same objects, side by side, failed with "tuple concurrently updated").
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.DSN(t)
	if err := store.MigrateDown(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	const replicas = 6
	errs := make(chan error, replicas)
	for range replicas {
		go func() { errs <- store.Migrate(ctx, dsn) }()
	}
	for range replicas {
		if err := <-errs; err != nil {
			t.Errorf("a replica's migration: %v", err)
		}
	}
}
