// Package store keeps the indicator dataset in PostgreSQL: schema migrations,
// the all-or-nothing bulk load of data files, and the queries the API and the
// exports read through. SQL lives here and nowhere else.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // also registers the "postgres" driver

	"indicators/internal/dataset"
	"indicators/migrations"
)

// Store reads and writes the dataset.
type Store struct {
	db  *sqlx.DB
	dsn string

	mu       sync.Mutex
	listener *pq.Listener // nil until OnChange
	onChange []func()
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
	return &Store{db: db, dsn: dsn}, nil
}

// Close stops the change listeners and releases the connection pool.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.listener != nil {
		s.listener.Close()
		s.listener = nil
	}
	s.mu.Unlock()
	return s.db.Close()
}

// changeChannel is the PostgreSQL notification channel a committed load
// signals on (see Load).
const changeChannel = "dataset_changed"

// OnChange calls fn after every committed load that changed the dataset, by
// this process or any other on the same database, so caches in every
// running process can drop what they hold. It also calls fn when the
// listening connection is re-established, as a notification may have been
// missed while it was down. Callbacks run one after another in the order
// they were registered, on one goroutine; OnChange returns once listening
// has begun.
func (s *Store) OnChange(fn func()) error {
	if s.dsn == "" {
		return errors.New("listen for loads: the store has no connection string")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		l, err := s.listen()
		if err != nil {
			return err
		}
		s.listener = l
	}
	s.onChange = append(s.onChange, fn)
	return nil
}

// listen opens the one listening connection of the store and starts calling
// the registered callbacks. s.mu is held.
func (s *Store) listen() (*pq.Listener, error) {
	ready := make(chan error, 1)
	l := pq.NewListener(s.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventConnected:
			select {
			case ready <- nil:
			default:
			}
		case pq.ListenerEventConnectionAttemptFailed:
			select {
			case ready <- err:
			default:
			}
		}
	})
	if err := <-ready; err != nil {
		l.Close()
		return nil, fmt.Errorf("listen for loads: %w", err)
	}
	if err := l.Listen(changeChannel); err != nil {
		l.Close()
		return nil, fmt.Errorf("listen for loads: %w", err)
	}
	// A nil notification means the connection was re-established.
	go func() {
		for range l.Notify {
			s.mu.Lock()
			fns := slices.Clone(s.onChange)
			s.mu.Unlock()
			for _, fn := range fns {
				fn()
			}
		}
	}()
	return l, nil
}

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
// instruments; dsn names the same database, for OnChange's listener.
func New(db *sql.DB, dsn string) *Store { return &Store{db: sqlx.NewDb(db, "postgres"), dsn: dsn} }
