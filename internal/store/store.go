// Package store keeps the indicator dataset in PostgreSQL: schema migrations,
// the all-or-nothing bulk load of data files, and the queries the API and the
// exports read through. SQL lives here and nowhere else.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
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
	// db is what every query runs through: the API's pool through
	// statements prepared once, or, in a Snapshot, its transaction.
	db querier
	// pool serves the API; exports draw their snapshots from a share of
	// their own, so that long downloads cannot take every connection the
	// API needs. Both connect as ReaderRole when it can be used (see
	// roles.go), to the read replica when there is one. admin is the
	// DATABASE_URL user itself, for loads and key management, and holds no
	// connection between them; writer is the small pool, as WriterRole, of
	// what serve writes while serving. All are nil in a snapshot's Store,
	// which only reads.
	pool    *sqlx.DB
	exports *sqlx.DB
	admin   *sqlx.DB
	writer  *sqlx.DB
	dsn     string
	// privileges is "" when the pools use the roles, else why not.
	privileges string

	keys keyCache
	used lastUsed

	// codes turns the code-list ids of observation rows into codes; a
	// snapshot's Store shares it.
	codes *codeNames

	// suppression is small-cell protection's cache, nil when it is off;
	// a snapshot's Store shares it (see suppressionOf).
	suppression *suppressionCache

	// observer is told of each statement of the pools Open opened
	// (ObserveStatements).
	observer *atomic.Pointer[StatementObserver]

	mu       sync.Mutex
	listener *pq.Listener // nil until OnChange
	onChange []func(revision int64)
}

// watchingKeys reports whether revokes reach this process (the listener
// runs), so looked-up keys may be held.
func (s *Store) watchingKeys() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listener != nil
}

// querier runs statements; both the pool and a transaction do, so each
// query is written once for both.
type querier interface {
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error)
}

var (
	_ querier             = (*sqlx.DB)(nil)
	_ querier             = (*sqlx.Tx)(nil)
	_ dataset.Reader      = (*Store)(nil)
	_ dataset.Snapshotter = (*Store)(nil)
)

// Connections per pool. The API's requests are short, so 16 serve many
// clients; an export holds its connection for the whole download, so a few
// run at once and the others wait their turn.
const (
	apiConns = 16
	// DefaultExportConns is the export share unless WithExportConns says
	// otherwise.
	DefaultExportConns = 4
)

// An Option configures Open.
type Option func(*options)

type options struct {
	exportConns   int
	replica       string
	suppressBelow int64
}

// WithReplica serves reads from the read replica at dsn: the API's pool and
// the exports connect to it, while loads, key management, what serve writes
// and the change listener (a standby cannot LISTEN) stay on the primary.
func WithReplica(dsn string) Option {
	return func(o *options) { o.replica = dsn }
}

// Sizes of the pools that write: a load or a key command at a time, and
// serve's key lookups (one per key per 30 s) and periodic writes.
const (
	adminConns  = 2
	writerConns = 4
)

// WithExportConns sets how many connections exports may hold at once
// (at least 1).
func WithExportConns(n int) Option {
	return func(o *options) { o.exportConns = max(n, 1) }
}

// Open connects to the database at dsn (a URL or lib/pq key=value string) and
// checks that it answers. The API's and the exports' connections take up
// ReaderRole, and the writer's WriterRole, when the dsn's user is a member
// of both (Migrate makes it one when it may); otherwise every pool connects
// as the user and Privileges says why.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{exportConns: DefaultExportConns}
	for _, opt := range opts {
		opt(&o)
	}
	obs := &atomic.Pointer[StatementObserver]{}
	// Connects lazily, and lets its connections go once idle: a load or a
	// key command now and then.
	admin, err := openObserved(dsn, "admin", obs)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	admin.SetMaxOpenConns(adminConns)
	admin.SetMaxIdleConns(0)
	s := &Store{admin: admin, dsn: dsn, observer: obs, codes: &codeNames{}}
	if o.suppressBelow >= 2 {
		s.suppression = &suppressionCache{threshold: o.suppressBelow}
	}
	fail := func(err error) (*Store, error) {
		s.closePools()
		return nil, err
	}
	readDSN, writeDSN := orDSN(o.replica, dsn), dsn
	privileges, err := s.usableRoles(ctx)
	if err != nil {
		return fail(err)
	}
	if privileges == "" {
		readDSN, writeDSN = withParam(readDSN, "role", ReaderRole), withParam(writeDSN, "role", WriterRole)
	}
	s.privileges = privileges
	if s.pool, err = openObserved(withoutJIT(withGenericPlans(readDSN)), "api", obs); err != nil {
		return fail(fmt.Errorf("open database: %w", err))
	}
	s.pool.SetMaxOpenConns(apiConns)
	s.pool.SetMaxIdleConns(apiConns / 2)
	if err := s.pool.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("connect to database: %w", err))
	}
	// Connect lazily: commands that export or write nothing open no
	// connection.
	if s.exports, err = openObserved(withoutJIT(readDSN), "export", obs); err != nil {
		return fail(fmt.Errorf("open database for exports: %w", err))
	}
	s.exports.SetMaxOpenConns(o.exportConns)
	s.exports.SetMaxIdleConns(o.exportConns)
	if s.writer, err = openObserved(writeDSN, "writer", obs); err != nil {
		return fail(fmt.Errorf("open database for writes: %w", err))
	}
	s.writer.SetMaxOpenConns(writerConns)
	s.writer.SetMaxIdleConns(writerConns)
	s.db = newPreparedPool(s.pool)
	return s, nil
}

// usableRoles is "" when the user may take up both roles, else why not.
func (s *Store) usableRoles(ctx context.Context) (string, error) {
	for _, role := range []string{ReaderRole, WriterRole} {
		exists, member, err := roleOf(ctx, s.admin.DB, role)
		if err != nil {
			return "", fmt.Errorf("connect to database: %w", err)
		}
		if !member {
			what := "does not exist"
			if exists {
				what = "is not granted to the DATABASE_URL user"
			}
			return fmt.Sprintf("role %s %s (migrate creates it when the user may create roles): "+
				"requests are served as the DATABASE_URL user, with every privilege it has", role, what), nil
		}
	}
	return "", nil
}

// Privileges is "" when requests are served through ReaderRole and serve's
// writes through WriterRole, otherwise the reason they are not, for the
// operator's log.
func (s *Store) Privileges() string { return s.privileges }

func orDSN(dsn, fallback string) string {
	if dsn != "" {
		return dsn
	}
	return fallback
}

// StatementObserver is told of each SQL statement sent: its pool ("api",
// "export", "writer", "admin") and the time until its first answer.
type StatementObserver func(pool string, d time.Duration)

// ObserveStatements has f told of every statement from now on (metrics).
// A Store made by New, over a handle of its caller's, tells nothing.
func (s *Store) ObserveStatements(f StatementObserver) {
	if s.observer != nil {
		s.observer.Store(&f)
	}
}

func openObserved(dsn, pool string, obs *atomic.Pointer[StatementObserver]) (*sqlx.DB, error) {
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(sql.OpenDB(ObservedConnector(c, func(st SentStatement) {
		if f := obs.Load(); f != nil {
			(*f)(pool, st.Duration)
		}
	})), "postgres"), nil
}

// CreateDatabase creates the database name on the server adminDSN connects
// to; one that exists already (a reused cluster) is left as it is.
func CreateDatabase(ctx context.Context, adminDSN, name string) error {
	db, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return fmt.Errorf("open database %s: %w", adminDSN, err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // duplicate_database
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// withGenericPlans sets plan_cache_mode for the API's connections. Their
// statements are prepared once (preparedPool) and run many times with
// parameters that do not change the best plan: codes resolve to ids through
// unique indexes, and every filter is a condition on indexed columns. Left
// to choose, PostgreSQL keeps planning each execution anew whenever the
// generic plan's estimate looks worse, as it does for ANY($1) over arrays,
// and for a one-cell query planning costs twenty times what executing does.
// lib/pq sends a connection string's unknown keys as run-time parameters.
func withGenericPlans(dsn string) string {
	return withParam(dsn, "plan_cache_mode", "force_generic_plan")
}

// withoutJIT turns JIT compilation off for the readers' connections. A
// generic plan over the world dataset estimates millions of rows for the
// branches it never runs (a series' default area, say), which passes
// jit_above_cost, and PostgreSQL then compiles the whole plan at every
// execution: 0.6 s of a 0.65 s series at 5 million observations. The
// readers' statements are index lookups and streamed scans, which
// compiling does not speed up.
func withoutJIT(dsn string) string {
	return withParam(dsn, "jit", "off")
}

// Close stops the change listeners and releases the connection pools.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.listener != nil {
		s.listener.Close()
		s.listener = nil
	}
	s.mu.Unlock()
	if p, ok := s.db.(*preparedPool); ok {
		p.close()
	}
	return s.closePools()
}

func (s *Store) closePools() error {
	var errs []error
	for _, db := range []*sqlx.DB{s.exports, s.writer, s.pool, s.admin} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// changeChannel is the PostgreSQL notification channel a committed load
// signals on (see Load).
const changeChannel = "dataset_changed"

// OnChange calls fn after every committed load that changed the dataset, by
// this process or any other on the same database, so caches in every
// running process can drop what they hold. fn is given the revision the
// load made (dataset.Version.Revision): with DATABASE_READ_URL the replica
// may not have replayed it yet, and a cache must not keep what it reads
// there until it has. It also calls fn, with revision 0, when the listening
// connection is re-established, as a notification may have been missed
// while it was down. Callbacks run one after another in the order they
// were registered, on one goroutine; OnChange returns once listening has
// begun.
func (s *Store) OnChange(fn func(revision int64)) error {
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
		if s.suppression != nil {
			// From now on a load drops the held suppression.
			s.suppression.watching.Store(true)
		}
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
	for _, ch := range []string{changeChannel, keyChannel} {
		if err := l.Listen(ch); err != nil {
			l.Close()
			return nil, fmt.Errorf("listen for loads: %w", err)
		}
	}
	// A nil notification means the connection was re-established: anything
	// may have been missed.
	go func() {
		for n := range l.Notify {
			if n == nil || n.Channel == keyChannel {
				s.keys.clear()
			}
			if n != nil && n.Channel == keyChannel {
				continue
			}
			var revision int64
			if n != nil {
				// A payload that is not a number (a load by an older
				// binary) is a change of unknown revision.
				revision, _ = strconv.ParseInt(n.Extra, 10, 64)
			}
			if s.suppression != nil {
				s.suppression.invalidate()
			}
			s.mu.Lock()
			fns := slices.Clone(s.onChange)
			s.mu.Unlock()
			for _, fn := range fns {
				fn(revision)
			}
		}
	}()
	return l, nil
}

// DB exposes the API's pool to tests and tools that count or inspect
// statements.
func (s *Store) DB() *sqlx.DB { return s.pool }

// AdminDB exposes the DATABASE_URL user's pool to tests that change the
// schema.
func (s *Store) AdminDB() *sqlx.DB { return s.admin }

// WriterDB exposes the writer pool to metrics and tests.
func (s *Store) WriterDB() *sqlx.DB { return s.writer }

// ExportDB exposes the export share to metrics and tests.
func (s *Store) ExportDB() *sqlx.DB { return s.exports }

// Ping reports whether the database answers through the pool.
func (s *Store) Ping(ctx context.Context) error { return s.pool.PingContext(ctx) }

// Ready reports whether the store can serve: its pool answers, and a new
// connection to the database can be made now. A PostgreSQL asked to shut
// down (smart shutdown) keeps serving the pool's open connections while it
// refuses every new one, so the ping alone would say ok to the last. The new
// connection is closed again at once. A store without a connection string
// (New) only pings.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil || s.dsn == "" {
		return err
	}
	c, err := pq.NewConnector(s.dsn)
	if err != nil {
		return fmt.Errorf("open a new database connection: %w", err)
	}
	type result struct {
		conn driver.Conn
		err  error
	}
	// lib/pq bounds its handshake only by connect_timeout, so ctx is
	// honoured here; a connection that arrives late is closed.
	done := make(chan result, 1)
	go func() {
		conn, err := c.Connect(ctx)
		done <- result{conn, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return fmt.Errorf("open a new database connection: %w", r.err)
		}
		return r.conn.Close()
	case <-ctx.Done():
		go func() {
			if r := <-done; r.err == nil {
				r.conn.Close()
			}
		}()
		return fmt.Errorf("open a new database connection: %w", ctx.Err())
	}
}

// Snapshot runs fn with a Reader over one read-only REPEATABLE READ
// transaction: every statement fn makes sees the dataset as it was at the
// first, whatever loads commit meanwhile, so an export's code lists, releases
// and observations agree. The transaction holds a connection of the export
// share while fn runs; when all are taken, Snapshot waits for one as long as
// ctx allows.
func (s *Store) Snapshot(ctx context.Context, fn func(dataset.Reader) error) error {
	tx, err := s.exports.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &dataset.Error{Code: dataset.ErrUnavailable,
				Message: "every database connection for exports stayed busy; try again later", Err: err}
		}
		return fmt.Errorf("begin snapshot: %w", unavailable(err))
	}
	// Read only: there is nothing to commit.
	defer tx.Rollback() //nolint:errcheck
	return fn(&Store{db: tx, codes: s.codes, suppression: s.suppression})
}

// Migrate brings the schema at dsn up to the newest migration, then the
// roles the API serves through (ensureRoles). It opens its own connection
// because golang-migrate closes the one it is given.
func Migrate(ctx context.Context, dsn string) error {
	err := withMigrator(ctx, dsn, func(m *migrate.Migrate) error {
		if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate up: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return fmt.Errorf("open database for roles: %w", err)
	}
	defer db.Close()
	// Replicas starting together migrate together: golang-migrate locks
	// its own steps, and this lock the grants, which PostgreSQL refuses to
	// run side by side on one object ("tuple concurrently updated").
	lock, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect for roles: %w", err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, rolesLockKey); err != nil {
		return fmt.Errorf("lock roles: %w", err)
	}
	defer lock.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, rolesLockKey) //nolint:errcheck // closing the session frees it too
	if err := ensureRoles(ctx, db); err != nil {
		return fmt.Errorf("migrate roles: %w", err)
	}
	return nil
}

// rolesLockKey serialises Migrate's grants (loadLockKey's neighbour).
const rolesLockKey = loadLockKey + 1

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
// Exports share db's pool.
// Every role is db's user.
func New(db *sql.DB, dsn string) *Store {
	x := sqlx.NewDb(db, "postgres")
	return &Store{db: newPreparedPool(x), pool: x, exports: x, admin: x, writer: x, dsn: dsn, codes: &codeNames{}}
}
