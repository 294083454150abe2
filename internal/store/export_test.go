package store

import (
	"context"
	"errors"

	"github.com/golang-migrate/migrate/v4"
)

// MigrateTo moves the schema at dsn to migration version, up or down: how
// a test puts a database in the state an older binary left it.
func MigrateTo(ctx context.Context, dsn string, version uint) error {
	return withMigrator(ctx, dsn, func(m *migrate.Migrate) error {
		if err := m.Migrate(version); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return err
		}
		return nil
	})
}

// HoldSuppression makes s hold its suppression between reads as a process
// that listens for loads does, without the listener: what a process reads
// between a load's commit and its notification.
func HoldSuppression(s *Store) { s.suppression.watching.Store(true) }
