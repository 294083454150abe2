// Package store keeps the indicator dataset in PostgreSQL: schema migrations,
// the all-or-nothing bulk load of data files, and the queries the API and the
// exports read through. SQL lives here and nowhere else.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // registers the "postgres" driver

	"indicators/internal/dataset"
	"indicators/migrations"
)

// Store reads and writes the dataset.
type Store struct {
	db *sqlx.DB
}

var _ dataset.Reader = (*Store)(nil)

// Open connects to the database at dsn (a URL or lib/pq key=value string) and
// checks that it answers.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{db: db}, nil
}

// Close releases the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the pool to tests and tools that count or inspect statements.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping reports whether the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate brings the schema at dsn up to the newest migration. It opens its own
// connection because golang-migrate closes the one it is given.
func Migrate(ctx context.Context, dsn string) error {
	return withMigrator(ctx, dsn, func(m *migrate.Migrate) error {
		if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate up: %w", err)
		}
		return nil
	})
}

// MigrateDown removes every table the migrations created.
func MigrateDown(ctx context.Context, dsn string) error {
	return withMigrator(ctx, dsn, func(m *migrate.Migrate) error {
		if err := m.Down(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate down: %w", err)
		}
		return nil
	})
}

func withMigrator(ctx context.Context, dsn string, do func(*migrate.Migrate) error) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return fmt.Errorf("open database for migration: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("connect for migration: %w", err)
	}
	driver, err := postgres.WithInstance(db, &postgres.Config{})
	if err != nil {
		db.Close()
		return fmt.Errorf("prepare migration driver: %w", err)
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		driver.Close()
		return fmt.Errorf("read embedded migrations: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "postgres", driver)
	if err != nil {
		driver.Close()
		return fmt.Errorf("prepare migration: %w", err)
	}
	defer m.Close() // closes db too
	// golang-migrate takes no context; stopping it early is what GracefulStop is for.
	stop := context.AfterFunc(ctx, func() { m.GracefulStop <- true })
	defer stop()
	return do(m)
}

// New wraps an open database handle, e.g. one whose driver a test
// instruments.
func New(db *sql.DB) *Store { return &Store{db: sqlx.NewDb(db, "postgres")} }
