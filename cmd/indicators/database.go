package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/pgembed"
	"indicators/internal/store"
)

// embeddedDatabase is the database the private cluster holds the dataset in.
const embeddedDatabase = "indicators"

// database is an open, migrated store and how to let go of it.
type database struct {
	store   *store.Store
	cluster *pgembed.Cluster // nil when DATABASE_URL is used
}

// openDatabase connects to DATABASE_URL, or starts the private cluster in
// DATA_DIR, and migrates the schema.
func (c *cli) openDatabase(ctx context.Context) (*database, error) {
	var opts []store.Option
	if v := c.getenv("EXPORT_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("EXPORT_MAX_CONNS: %q is not a positive number of connections", v)
		}
		opts = append(opts, store.WithExportConns(n))
	}
	if v := c.getenv("SUPPRESS_BELOW"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n == 1 {
			return nil, fmt.Errorf("SUPPRESS_BELOW: %q is not a threshold: give a count of 2 or more (counts from 1 below it are suppressed), or 0 for off", v)
		}
		opts = append(opts, store.WithSuppressBelow(n))
	}
	db := &database{}
	dsn := c.getenv("DATABASE_URL")
	if dsn == "" {
		dir, err := filepath.Abs(orDefault(c.getenv("DATA_DIR"), ".data"))
		if err != nil {
			return nil, fmt.Errorf("resolve DATA_DIR: %w", err)
		}
		c.log.Info("starting private PostgreSQL", "data_dir", dir)
		db.cluster, err = pgembed.Start(ctx, pgembed.Options{Dir: dir, Logger: c.log})
		if err != nil {
			return nil, fmt.Errorf("start private PostgreSQL (or set DATABASE_URL): %w", err)
		}
		if err := createDatabase(ctx, db.cluster); err != nil {
			db.close()
			return nil, err
		}
		dsn = db.cluster.DSN(embeddedDatabase)
	}
	if err := store.Migrate(ctx, dsn); err != nil {
		db.close()
		return nil, err
	}
	if replica := c.getenv("DATABASE_READ_URL"); replica != "" {
		opts = append(opts, store.WithReplica(replica))
	}
	s, err := store.Open(ctx, dsn, opts...)
	if err != nil {
		db.close()
		return nil, err
	}
	if why := s.Privileges(); why != "" {
		c.log.Warn("not least privilege", "reason", why)
	}
	db.store = s
	return db, nil
}

// ready reports whether the database accepts new connections now, and when
// it is the private cluster, whether its postmaster runs and is not
// shutting down: the pid file says why before a connection attempt could.
func (db *database) ready(ctx context.Context) error {
	if db.cluster != nil {
		if err := db.cluster.Check(); err != nil {
			return err
		}
	}
	return db.store.Ready(ctx)
}

// createDatabase makes the dataset's database in a fresh cluster.
func createDatabase(ctx context.Context, cluster *pgembed.Cluster) error {
	return store.CreateDatabase(ctx, cluster.DSN("postgres"), embeddedDatabase)
}

func (db *database) close() {
	if db.store != nil {
		db.store.Close()
	}
	if db.cluster != nil {
		// The command's context may already be cancelled (Ctrl-C): stopping
		// must still happen.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.cluster.Stop(ctx)
	}
}

// openDatasetDatabase opens the database and, when it holds no release yet,
// loads the bundled report: what serve and export read from.
func (c *cli) openDatasetDatabase(ctx context.Context) (*database, error) {
	db, err := c.openDatabase(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.loadBundledIfEmpty(ctx, db.store); err != nil {
		db.close()
		return nil, err
	}
	return db, nil
}

// loadBundledIfEmpty gives a new database the report's data.
func (c *cli) loadBundledIfEmpty(ctx context.Context, s *store.Store) error {
	empty, err := s.IsEmpty(ctx)
	if err != nil || !empty {
		return err
	}
	ds, err := dataset.Bundled()
	if err != nil {
		return fmt.Errorf("parse bundled dataset: %w", err)
	}
	res, err := s.Load(ctx, []*dataset.Dataset{ds}, false)
	if err != nil {
		return fmt.Errorf("load bundled dataset: %w", err)
	}
	c.log.Info("loaded bundled dataset", "release", res[0].Release, "observations", res[0].Observations)
	return nil
}
