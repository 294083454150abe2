package pgembed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoBinaries reports that no directory holding the PostgreSQL server
// programs (initdb, pg_ctl, postgres) was found. Start wraps it with
// installation advice; test for it with errors.Is.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")

// serverPrograms must all live in one directory: initdb and pg_ctl locate
// postgres next to themselves and refuse to work with a mismatched version,
// so taking programs from different directories cannot work.
var serverPrograms = []string{"initdb", "pg_ctl", "postgres"}

// finder is the binary search with its environment made explicit, so tests
// can exercise the precedence rules without touching the real PATH or the
// machine's installation.
type finder struct {
	// path is a PATH-style list searched first.
	path string
	// pgConfigBindir returns the output of `pg_config --bindir`; nil skips
	// that step.
	pgConfigBindir func(ctx context.Context) (string, error)
	// globs are tried in order after pg_config. Within one pattern the
	// highest version wins, so upgrading PostgreSQL side by side (Debian's
	// /usr/lib/postgresql/VERSION, Homebrew's postgresql@VERSION) picks up
	// the newest server.
	globs []string
}

func defaultFinder() finder {
	path := os.Getenv("PATH")
	return finder{
		path: path,
		pgConfigBindir: func(ctx context.Context) (string, error) {
			pc := lookIn(filepath.SplitList(path), "pg_config")
			if pc == "" {
				return "", errors.New("pg_config not on PATH")
			}
			out, err := exec.CommandContext(ctx, pc, "--bindir").Output()
			if err != nil {
				return "", fmt.Errorf("%s --bindir: %w", pc, err)
			}
			return strings.TrimSpace(string(out)), nil
		},
		globs: []string{
			"/usr/lib/postgresql/*/bin",
			"/opt/homebrew/opt/postgresql@*/bin",
			"/usr/local/opt/postgresql@*/bin",
			"/opt/homebrew/bin",
			"/usr/local/bin",
			"/Applications/Postgres.app/Contents/Versions/latest/bin",
		},
	}
}

// find returns the directory holding all server programs.
func (f finder) find(ctx context.Context) (string, error) {
	for _, dir := range filepath.SplitList(f.path) {
		// Relative entries (including the empty one, meaning ".") would make
		// the result depend on the working directory and could run a
		// planted binary; os/exec refuses them for the same reason.
		if !filepath.IsAbs(dir) {
			continue
		}
		if hasServer(dir) {
			return installation(filepath.Clean(dir)), nil
		}
	}

	var note string
	if f.pgConfigBindir != nil {
		dir, err := f.pgConfigBindir(ctx)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", fmt.Errorf("pg_config: %w", ctxErr)
		}
		switch {
		case err == nil && filepath.IsAbs(dir) && hasServer(dir):
			return filepath.Clean(dir), nil
		case err == nil && dir != "":
			// Typical with only libpq-dev installed: pg_config exists but
			// describes a client-only installation.
			note = fmt.Sprintf("; pg_config --bindir reported %s, which lacks them", dir)
		}
	}

	for _, pattern := range f.globs {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return "", fmt.Errorf("find PostgreSQL binaries: bad pattern %q: %w", pattern, err)
		}
		sortByVersionDesc(matches)
		for _, dir := range matches {
			if hasServer(dir) {
				return dir, nil
			}
		}
	}

	return "", fmt.Errorf("%w on PATH, via pg_config --bindir, under /usr/lib/postgresql/*/bin or in the Homebrew/Postgres.app locations%s. "+
		"Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) "+
		"or set DATABASE_URL to use an existing server", ErrNoBinaries, note)
}

// installation is the directory the server programs in dir are links to,
// when they are (a PATH entry of symbolic links into one version's
// directory, as /usr/local/bin may hold): the tools the links leave out,
// pg_basebackup say, are there beside them.
func installation(dir string) string {
	real, err := filepath.EvalSymlinks(filepath.Join(dir, "postgres"))
	if err != nil {
		return dir
	}
	if home := filepath.Dir(real); home != dir && hasServer(home) {
		return home
	}
	return dir
}

func hasServer(dir string) bool {
	for _, p := range serverPrograms {
		if !isExecutable(filepath.Join(dir, p)) {
			return false
		}
	}
	return true
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

func lookIn(dirs []string, name string) string {
	for _, dir := range dirs {
		if !filepath.IsAbs(dir) {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

// sortByVersionDesc orders bin directories by the version in their parent
// directory's name ("15" in /usr/lib/postgresql/15/bin, "16" in
// .../postgresql@16/bin), highest first; unversioned names go last.
func sortByVersionDesc(dirs []string) {
	slices.SortStableFunc(dirs, func(a, b string) int {
		return compareVersions(dirVersion(b), dirVersion(a))
	})
}

func dirVersion(binDir string) []int {
	name := filepath.Base(filepath.Dir(binDir))
	if i := strings.LastIndex(name, "@"); i >= 0 {
		name = name[i+1:]
	}
	return parseVersion(name)
}

// parseVersion parses "9.6" or "16"; nil means not a version.
func parseVersion(s string) []int {
	if s == "" {
		return nil
	}
	var v []int
	for part := range strings.SplitSeq(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil
		}
		v = append(v, n)
	}
	return v
}

// compareVersions orders numerically ("10" > "9.6"); nil sorts lowest.
func compareVersions(a, b []int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return slices.Compare(a, b)
}
