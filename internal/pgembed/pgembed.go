// Package pgembed starts and stops a private PostgreSQL cluster using the
// PostgreSQL server programs already installed on the machine, so that the
// application can run without an external database (DATABASE_URL unset).
// Nothing is downloaded or bundled; only the standard library is used.
//
// # Binaries
//
// initdb, pg_ctl and postgres must come from one directory. It is looked up,
// in order: the first PATH entry holding all three; `pg_config --bindir`;
// /usr/lib/postgresql/VERSION/bin (Debian, highest VERSION first); the
// Homebrew and Postgres.app locations on macOS. If none is found, Start
// returns an error wrapping [ErrNoBinaries] that says how to install
// PostgreSQL or to set DATABASE_URL instead.
//
// # Layout
//
// Given Options.Dir = DIR (the CLI passes DATA_DIR, default ./.data):
//
//	DIR/pg            cluster data directory (initdb -D)
//	DIR/pg.initdb     transient: initdb works here and the result is renamed
//	                  to DIR/pg, so an interrupted initdb never leaves a
//	                  half-built cluster that looks initialised
//	DIR/run           Unix socket directory
//	DIR/postgres.log  server log (appended to across restarts)
//
// Other entries in DIR are left alone, so DIR may be shared with other data.
//
// # Connections
//
// The server listens only on the Unix socket SOCKDIR/.s.PGSQL.5432
// (listen_addresses is empty: no TCP at all). The superuser is "postgres"
// with trust authentication; [Cluster.DSN] returns a lib/pq key=value DSN.
// Only the "postgres" database exists after initdb; callers create others
// over SQL.
//
// Unix socket paths are limited to 107 bytes (103 on macOS). When
// DIR/run/.s.PGSQL.5432 would exceed 100 bytes, the socket directory is
// TMP/indicators-pgsock-HASH instead, where TMP is os.TempDir() (or /tmp if
// that is still too long) and HASH is the first 12 hex digits of the
// SHA-256 of DIR's absolute path; the choice is logged.
//
// # Running as root
//
// initdb and postgres refuse to run as root. When the process is root, every
// PostgreSQL program runs as the system user "postgres", or "nobody" if
// there is none, and the cluster files are chowned to it. That user must be
// able to reach DIR: Start checks this for real by starting a program as
// that user with DIR as its working directory. If that fails (typically a
// checkout under /root, mode 0700), the whole cluster lives in
// TMP/indicators-pg-HASH instead (same HASH as above) and a warning names
// the location. Such a cluster survives restarts of the application but not
// necessarily a reboot or a temp-dir cleaner.
//
// # Restarts
//
// An initialised cluster (DIR/pg/PG_VERSION exists) is reused, so data
// survives Stop and Start; a cluster from a different PostgreSQL major
// version is reported as an error rather than touched. A postmaster.pid
// left by a killed server is detected as stale by pg_ctl and postgres
// themselves. If a server is still running on the data directory (a
// previous process died without calling Stop), Start stops it and starts it
// again, so the server always runs with this process's settings; two live
// processes must therefore not share one DIR.
package pgembed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	port       = 5432
	socketName = ".s.PGSQL.5432"
	superuser  = "postgres"

	// Clearly below the 107/103-byte sun_path limits of Linux/macOS.
	maxSocketPath = 100

	// pg_ctl's own -w timeout; generous because a first start after a crash
	// may have to replay WAL.
	pgCtlTimeoutSeconds = "60"

	// Bounded so a pg_ctl that exits while something still holds its output
	// pipe cannot block Start or Stop forever.
	waitDelay = 10 * time.Second
)

// Options configures Start.
type Options struct {
	// Dir holds the cluster (see the package documentation); required.
	// Created if missing.
	Dir string
	// Logger receives relocation notices and progress; nil discards.
	Logger *slog.Logger
	// Fast trades durability for speed, for tests: initdb --no-sync and
	// fsync=off. A crash may corrupt such a cluster.
	Fast bool
}

// Cluster is a running server started by Start.
type Cluster struct {
	dataDir string
	sockDir string
	logFile string
	run     *runner
	log     *slog.Logger

	mu      sync.Mutex
	stopped bool
}

// Start initialises the cluster if needed and starts the server, returning
// once it accepts connections.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	c, err := prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := c.initdb(ctx, opts.Fast); err != nil {
		return nil, fmt.Errorf("pgembed: %w", err)
	}
	if err := c.startOnce(ctx, opts.Fast); err != nil {
		return nil, err
	}
	return c, nil
}

// StartStandby makes the cluster in opts.Dir a streaming replica of primary,
// copied with pg_basebackup (whose -R configures it to follow the primary
// over its socket) unless the directory already holds one, and starts it.
// It answers reads, as a hot standby does, once it accepts connections: for
// testing a read replica (DATABASE_READ_URL) with PostgreSQL's own
// replication on one machine.
func StartStandby(ctx context.Context, primary *Cluster, opts Options) (*Cluster, error) {
	c, err := prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := c.basebackup(ctx, primary); err != nil {
		return nil, fmt.Errorf("pgembed: %w", err)
	}
	if err := c.startOnce(ctx, opts.Fast); err != nil {
		return nil, err
	}
	return c, nil
}

// startOnce starts the prepared cluster, stopping first a server an earlier
// process left running on it.
func (c *Cluster) startOnce(ctx context.Context, fast bool) error {
	running, err := c.run.running(ctx, c.dataDir)
	if err != nil {
		return fmt.Errorf("pgembed: pg_ctl status: %w", err)
	}
	if running {
		c.log.Warn("pgembed: a server left by an earlier process is running on the data dir; restarting it with this process's settings",
			"data_dir", c.dataDir)
		if err := c.run.stop(ctx, c.dataDir); err != nil {
			return fmt.Errorf("pgembed: stop leftover server: %w", err)
		}
	}
	if err := c.start(ctx, fast); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	c.log.Info("pgembed: PostgreSQL started", "data_dir", c.dataDir, "socket_dir", c.sockDir, "log", c.logFile)
	return nil
}

// prepare finds the binaries and lays out the cluster's directories, its
// socket and its log.
func prepare(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Dir == "" {
		return nil, errors.New("pgembed: Options.Dir is empty")
	}
	absDir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgembed: resolve data dir: %w", err)
	}
	if err := os.MkdirAll(absDir, 0o755); err != nil {
		return nil, fmt.Errorf("pgembed: create data dir: %w", err)
	}

	bin, err := defaultFinder().find(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgembed: %w", err)
	}

	var acct *account
	if os.Geteuid() == 0 {
		if acct, err = unprivilegedAccount(); err != nil {
			return nil, fmt.Errorf("pgembed: %w", err)
		}
	}
	r := &runner{bin: bin, acct: acct, dir: absDir, log: log}
	log.Debug("pgembed: using PostgreSQL binaries", "dir", bin)

	base := absDir
	if acct != nil {
		if probeErr := r.probe(ctx, absDir); probeErr != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("pgembed: check data dir access: %w", ctx.Err())
			}
			base = hashedPath(os.TempDir(), "indicators-pg-", absDir)
			log.Warn("pgembed: data dir is not reachable by the PostgreSQL user; keeping the cluster in the temp dir instead",
				"dir", absDir, "user", acct.name, "cluster", base, "reason", probeErr.Error())
			if err := privateDir(base, acct); err != nil {
				return nil, fmt.Errorf("pgembed: prepare relocated cluster dir: %w", err)
			}
			if err := r.probe(ctx, base); err != nil {
				return nil, fmt.Errorf("pgembed: relocated cluster dir %s is not reachable by user %s either: %w", base, acct.name, err)
			}
			r.dir = base
		}
	}

	c := &Cluster{
		dataDir: filepath.Join(base, "pg"),
		logFile: filepath.Join(base, "postgres.log"),
		run:     r,
		log:     log,
	}

	sockDir, shortened := socketDir(filepath.Join(base, "run"), absDir, os.TempDir())
	c.sockDir = sockDir
	if shortened {
		log.Info("pgembed: socket path under the data dir is too long; using a short socket dir in the temp dir",
			"dir", absDir, "socket_dir", sockDir)
		if err := privateDir(sockDir, acct); err != nil {
			return nil, fmt.Errorf("pgembed: prepare socket dir: %w", err)
		}
	} else if err := ownedDir(sockDir, acct); err != nil {
		return nil, fmt.Errorf("pgembed: prepare socket dir: %w", err)
	}

	if err := c.prepareLogFile(); err != nil {
		return nil, fmt.Errorf("pgembed: prepare log file: %w", err)
	}
	return c, nil
}

// DSN returns a lib/pq key=value DSN for database dbname over the socket.
func (c *Cluster) DSN(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable",
		dsnValue(c.sockDir), port, superuser, dsnValue(dbname))
}

// DataDir is the cluster data directory (initdb -D).
func (c *Cluster) DataDir() string { return c.dataDir }

// SocketDir is the directory holding the server's Unix socket.
func (c *Cluster) SocketDir() string { return c.sockDir }

// LogFile is the server log that pg_ctl appends to.
func (c *Cluster) LogFile() string { return c.logFile }

// Stop shuts the server down (fast mode: sessions are disconnected, data is
// flushed). Stopping an already stopped cluster is not an error.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if err := c.run.stop(ctx, c.dataDir); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	c.stopped = true
	c.log.Info("pgembed: PostgreSQL stopped", "data_dir", c.dataDir)
	return nil
}

// Check reports whether the server is up and accepting work, from the
// postmaster's own pid file: an error when the file is gone (the server
// stopped), names a process that no longer exists (it died), or says the
// server is shutting down (asked to stop, it refuses new connections while
// the open ones finish) or still starting. It reads a file and nothing more,
// so a watcher may call it often.
func (c *Cluster) Check() error {
	b, err := os.ReadFile(filepath.Join(c.dataDir, "postmaster.pid"))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgembed: the private PostgreSQL in %s has stopped (no postmaster.pid)", c.dataDir)
	}
	if err != nil {
		return fmt.Errorf("pgembed: read postmaster.pid: %w", err)
	}
	// Lines: pid, data dir, start time, port, socket dir, listen address,
	// shared memory key, status (PostgreSQL 10 and later).
	lines := strings.Split(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil {
		return fmt.Errorf("pgembed: postmaster.pid in %s names no process: %q", c.dataDir, lines[0])
	}
	if !processExists(pid) {
		return fmt.Errorf("pgembed: the private PostgreSQL in %s has died (process %d is gone)", c.dataDir, pid)
	}
	if len(lines) > 7 {
		switch status := strings.TrimSpace(lines[7]); status {
		case "stopping":
			return fmt.Errorf("pgembed: the private PostgreSQL in %s is shutting down and refuses new connections", c.dataDir)
		case "starting":
			return fmt.Errorf("pgembed: the private PostgreSQL in %s is starting", c.dataDir)
		}
	}
	return nil
}

func (c *Cluster) initdb(ctx context.Context, fast bool) error {
	_, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION"))
	if err == nil {
		return c.checkVersion(ctx)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("inspect cluster: %w", err)
	}
	// An empty leftover is harmless; anything else might be someone's data.
	if err := os.Remove(c.dataDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s exists but is not an initialised cluster (no PG_VERSION); move it away: %w", c.dataDir, err)
	}

	tmp := c.dataDir + ".initdb"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove interrupted initdb dir: %w", err)
	}
	if err := ownedDir(tmp, c.run.acct); err != nil {
		return fmt.Errorf("prepare initdb dir: %w", err)
	}
	args := []string{"-D", tmp, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C"}
	if fast {
		args = append(args, "--no-sync")
	}
	c.log.Info("pgembed: initialising new cluster", "data_dir", c.dataDir)
	if _, err := c.run.cmd(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	if err := os.Rename(tmp, c.dataDir); err != nil {
		return fmt.Errorf("initdb: move cluster into place: %w", err)
	}
	return nil
}

// basebackup copies primary into the cluster's data directory, unless it
// holds a cluster already, and configures it as primary's standby.
func (c *Cluster) basebackup(ctx context.Context, primary *Cluster) error {
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		return c.checkVersion(ctx)
	}
	tmp := c.dataDir + ".basebackup"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove interrupted base backup: %w", err)
	}
	if err := ownedDir(tmp, c.run.acct); err != nil {
		return fmt.Errorf("prepare base backup dir: %w", err)
	}
	// The server refuses a data directory others may read.
	if err := os.Chmod(tmp, 0o700); err != nil {
		return fmt.Errorf("prepare base backup dir: %w", err)
	}
	c.log.Info("pgembed: copying the primary", "primary", primary.dataDir, "data_dir", c.dataDir)
	if _, err := c.run.cmd(ctx, "pg_basebackup", "-D", tmp, "-h", primary.sockDir, "-p", strconv.Itoa(port),
		"-U", superuser, "-X", "stream", "-R", "--no-sync",
		// At once, not after a spread checkpoint (minutes on an idle primary).
		"--checkpoint=fast"); err != nil {
		return fmt.Errorf("pg_basebackup: %w", err)
	}
	if err := os.Rename(tmp, c.dataDir); err != nil {
		return fmt.Errorf("pg_basebackup: move cluster into place: %w", err)
	}
	return nil
}

var serverVersionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// checkVersion turns the server's cryptic "database files are incompatible
// with server" (e.g. after a Homebrew upgrade) into an actionable error
// before anything is started.
func (c *Cluster) checkVersion(ctx context.Context) error {
	b, err := os.ReadFile(filepath.Join(c.dataDir, "PG_VERSION"))
	if err != nil {
		return fmt.Errorf("read PG_VERSION: %w", err)
	}
	cluster := strings.TrimSpace(string(b))
	out, err := c.run.cmd(ctx, "postgres", "--version")
	if err != nil {
		return fmt.Errorf("postgres --version: %w", err)
	}
	m := serverVersionRE.FindStringSubmatch(string(out))
	if m == nil {
		// Unknown format: let the server itself judge compatibility.
		return nil
	}
	server := m[1]
	if major, _ := strconv.Atoi(m[1]); major < 10 && m[2] != "" {
		server = m[1] + "." + m[2] // before 10 the major version had two parts
	}
	if server != cluster {
		return fmt.Errorf("cluster %s was created by PostgreSQL %s but the binaries in %s are PostgreSQL %s; "+
			"install PostgreSQL %s, or move %s away to start with an empty database",
			c.dataDir, cluster, c.run.bin, server, cluster, c.dataDir)
	}
	return nil
}

func (c *Cluster) start(ctx context.Context, fast bool) error {
	// pg_ctl pastes -o into a /bin/sh command line, hence shell quoting.
	o := []string{
		"-c", shellQuote("listen_addresses="),
		"-c", shellQuote("unix_socket_directories=" + gucListItem(c.sockDir)),
		"-c", shellQuote("port=" + strconv.Itoa(port)),
	}
	if fast {
		o = append(o, "-c", "fsync=off")
	}
	_, err := c.run.cmd(ctx, "pg_ctl", "-D", c.dataDir, "-w", "-t", pgCtlTimeoutSeconds,
		"-l", c.logFile, "start", "-o", strings.Join(o, " "))
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w\nlast lines of %s:\n%s", err, c.logFile, logTail(c.logFile, 4096))
	}
	return nil
}

func (c *Cluster) prepareLogFile() error {
	f, err := os.OpenFile(c.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return chownTree(c.logFile, c.run.acct)
}

// runner runs the PostgreSQL programs, as acct when the process is root.
type runner struct {
	bin  string   // directory holding the server programs
	acct *account // nil: run as the current user
	// dir is the working directory: initdb and postgres resolve their own
	// location through it and fail if the account cannot enter it (root's
	// cwd is often /root), and probe relies on exactly that.
	dir string
	log *slog.Logger
}

func (r *runner) cmd(ctx context.Context, prog string, args ...string) ([]byte, error) {
	return r.cmdIn(ctx, r.dir, prog, args...)
}

func (r *runner) cmdIn(ctx context.Context, dir, prog string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(r.bin, prog), args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	cmd.SysProcAttr = r.acct.sysProcAttr()
	cmd.WaitDelay = waitDelay
	r.log.Debug("pgembed: run", "cmd", cmd.String(), "dir", dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		if msg := strings.TrimSpace(string(out)); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return out, err
	}
	return out, nil
}

// probe fails if the account cannot use dir: the kernel changes the
// credentials before it changes directory, so starting a program as the
// account inside dir tests search permission on dir and every ancestor,
// ACLs and all, exactly as the server will experience it.
func (r *runner) probe(ctx context.Context, dir string) error {
	if _, err := r.cmdIn(ctx, dir, "pg_ctl", "--version"); err != nil {
		// A failed chdir in the child surfaces as "fork/exec PROGRAM", which
		// would wrongly blame the program.
		return fmt.Errorf("user %s cannot enter %s: %w", r.acct.name, dir, err)
	}
	return nil
}

// running reports whether pg_ctl sees a live server on dataDir.
func (r *runner) running(ctx context.Context, dataDir string) (bool, error) {
	_, err := r.cmd(ctx, "pg_ctl", "-D", dataDir, "status")
	if err == nil {
		return true, nil
	}
	// Exit status 3 is pg_ctl's documented "no server running".
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 3 && ctx.Err() == nil {
		return false, nil
	}
	return false, err
}

func (r *runner) stop(ctx context.Context, dataDir string) error {
	_, err := r.cmd(ctx, "pg_ctl", "-D", dataDir, "-m", "fast", "-w", "-t", pgCtlTimeoutSeconds, "stop")
	if err == nil {
		return nil
	}
	// The server may already be gone, e.g. a terminal's Ctrl-C reached the
	// postmaster too; that is the outcome Stop wants.
	if running, statusErr := r.running(ctx, dataDir); statusErr == nil && !running {
		return nil
	}
	return fmt.Errorf("pg_ctl stop: %w", err)
}

// childEnv drops PG* variables: PGPORT, PGDATA, PGOPTIONS and friends would
// silently redirect or reconfigure the private server.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// account is the unprivileged user the PostgreSQL programs run as when the
// process is root.
type account struct {
	name     string
	uid, gid uint32
}

func unprivilegedAccount() (*account, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("user %s: bad uid %q", name, u.Uid)
		}
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("user %s: bad gid %q", name, u.Gid)
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, errors.New(`running as root, but neither a "postgres" nor a "nobody" user exists to run PostgreSQL as ` +
		`(initdb refuses to run as root); create one (useradd --system postgres) or run as a normal user`)
}

// ownedDir creates dir (0700, as PostgreSQL requires for its data) and
// hands it to acct.
func ownedDir(dir string, acct *account) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return chownTree(dir, acct)
}

// privateDir prepares a directory at a predictable path in the shared temp
// dir. Another local user could have created it first to capture the
// socket or the data, so an existing entry must be a real directory owned
// by us or by acct.
func privateDir(dir string, acct *account) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	if uid, ok := fileOwner(fi); ok {
		euid := os.Geteuid()
		if int64(uid) != int64(euid) && (acct == nil || uid != acct.uid) {
			return fmt.Errorf("refusing to use %s: it is owned by uid %d, not by this process's user", dir, uid)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	return chownTree(dir, acct)
}

// chownTree gives path and everything below it to acct. The walk only
// happens when the top is owned by someone else (first start, or the
// account changed), so an existing cluster costs one Lstat per start.
func chownTree(path string, acct *account) error {
	if acct == nil {
		return nil
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if uid, ok := fileOwner(fi); ok && uid == acct.uid {
		return nil
	}
	return filepath.WalkDir(path, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(acct.uid), int(acct.gid))
	})
}

// socketDir returns preferred unless the socket path inside it would be too
// long for sun_path; then a short per-data-dir directory in the temp dir.
func socketDir(preferred, absDir, tmp string) (dir string, shortened bool) {
	if len(filepath.Join(preferred, socketName)) <= maxSocketPath {
		return preferred, false
	}
	// macOS's per-user $TMPDIR alone is about 50 bytes; /tmp always fits.
	var cand string
	for _, t := range []string{tmp, "/tmp"} {
		cand = hashedPath(t, "indicators-pgsock-", absDir)
		if len(filepath.Join(cand, socketName)) <= maxSocketPath {
			break
		}
	}
	return cand, true
}

// hashedPath names a directory in tmp that is stable for one data dir and
// distinct between data dirs, so a relocated cluster or socket is found
// again on the next start.
func hashedPath(tmp, prefix, absDir string) string {
	sum := sha256.Sum256([]byte(absDir))
	return filepath.Join(tmp, prefix+hex.EncodeToString(sum[:])[:12])
}

// dsnValue quotes per the libpq key=value syntax when needed.
func dsnValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\r\v\f'\\") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// gucListItem quotes one element of a list setting such as
// unix_socket_directories, which splits on commas.
func gucListItem(s string) string {
	if !strings.ContainsAny(s, ", \t\"") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// logTail returns about the last limit bytes of path, starting at a line.
func logTail(path string, limit int64) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	off := max(0, fi.Size()-limit)
	b, err := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	if off > 0 {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return strings.TrimRight(string(b), "\n")
}
