// Command indicators serves the anti-trafficking indicator dataset over
// GraphQL and manages its database: migrate, load, serve.
//
// Every subcommand that needs the database uses DATABASE_URL, or, when it is
// unset, a private PostgreSQL cluster in DATA_DIR (default ./.data), started
// for the command and stopped when it ends.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGPIPE is received (and dropped) rather than left to kill the
	// process, so a reader that goes away (`indicators export … | head`)
	// makes the next write fail with EPIPE and the command unwinds: a private
	// cluster it started is stopped instead of left running. It must not
	// cancel ctx: serve's clients hanging up raise it too.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		// The reader of stdout stopped reading: it has what it wanted.
		if !errors.Is(err, errReported) && !errors.Is(err, syscall.EPIPE) {
			fmt.Fprintln(os.Stderr, "indicators:", err)
		}
		os.Exit(1)
	}
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("failed")

const usage = `usage: indicators COMMAND [ARGS]

Commands:
  serve                      run the HTTP service (GraphQL at /graphql, GraphiQL at /)
  migrate                    bring the database schema up to date
  load [--dry-run] FILE...   validate data files and load them in one transaction
  export --format F [FILTERS] write observations to stdout (observations.csv, …;
                             see indicators export -h for formats and filters)
  keys create|list|revoke    manage partners' API keys (see indicators keys)
  check [FILE...]            list breakdowns whose members do not add up to their
                             total (default: the bundled dataset); no database needed;
                             --suppress-below N: the cells small-cell protection hides
  dictionary                 write the data dictionary (Markdown) of the bundled dataset
  verify REPORT.txt FILE...  list the numbers of a report no data file captures or ignores
  extract [-o F] REPORT.txt  draft a data file from a report's text, for review
  synth [--observations N] [--seed S] [-o F]
                             write a synthetic world-sized data file (default 5M
                             observations) shaped like the report, for benchmarks
  bench [--url U] [--concurrency N] [--duration D] [--queries a,b] [--key K] [--sql | --mixed]
                             drive a running service with the fixed query mix and print
                             throughput, latency, SQL statements and database time per request

Environment:
  DATABASE_URL      PostgreSQL to use; unset: a private cluster in DATA_DIR
  DATABASE_READ_URL a read replica of DATABASE_URL to serve reads from (optional)
  DATA_DIR          where the private cluster lives (default ./.data)
  ADDR              address serve listens on (default 127.0.0.1:8080)
  EXPORT_MAX_CONNS  database connections exports hold at once (default 4)
  SUPPRESS_BELOW    small-cell protection: counts below it are suppressed for
                    clients without a key, in serve and export (default 0, off)
  CORS_ORIGINS      browser origins allowed to call the API, comma-separated (default any)
  DB_WATCH_INTERVAL how often serve checks that the database accepts new connections (default 5s)
  LOG_LEVEL         debug, info (default), warn or error
  LOG_FORMAT        json (default for serve) or text (default for the other commands)
  PPROF_ADDR        serve: address of a net/http/pprof listener (default none)
  RESPONSE_CACHE_MB serve: megabytes of GraphQL responses held for repeated queries (default 64; 0: none)
  GOGC, GOMEMLIMIT  Go's garbage collector; unset, serve runs at GOGC=400 with a soft limit of
                    512 MiB plus twice the response cache
  RATE_LIMIT_POINTS, RATE_LIMIT_CONCURRENCY, RATE_LIMIT_PARTNER_POINTS,
  RATE_LIMIT_PARTNER_CONCURRENCY, RATE_LIMIT_WINDOW, RATE_LIMIT_FLUSH_INTERVAL,
  EXPORT_COST, AUTH_FAILURES_PER_MINUTE, TRUSTED_PROXIES
                    serve: the per-client rate limits, anonymous and partner (see README.md)
`

// cli is one invocation's environment: everything run may touch from outside.
type cli struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	var level slog.Level
	if err := level.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return fmt.Errorf("LOG_LEVEL: %w", err)
	}
	// serve logs JSON by default, for the machines that collect its logs;
	// the other commands text, for the person running them.
	format := getenv("LOG_FORMAT")
	if format == "" {
		format = "text"
		if len(args) > 1 && args[1] == "serve" {
			format = "json"
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "json":
		c.log = slog.New(slog.NewJSONHandler(stderr, opts))
	case "text":
		c.log = slog.New(slog.NewTextHandler(stderr, opts))
	default:
		return fmt.Errorf("LOG_FORMAT: %q is neither json nor text", format)
	}

	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return errReported
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "serve":
		return c.serve(ctx, rest)
	case "migrate":
		return c.migrate(ctx, rest)
	case "load":
		return c.load(ctx, rest)
	case "export":
		return c.export(ctx, rest)
	case "keys":
		return c.keys(ctx, rest)
	case "check":
		return c.check(ctx, rest)
	case "dictionary":
		return c.dictionary(ctx, rest)
	case "verify":
		return c.verify(ctx, rest)
	case "extract":
		return c.extract(ctx, rest)
	case "synth":
		return c.synth(ctx, rest)
	case "bench":
		return c.bench(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return errReported
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// flags parses a subcommand's flags, printing errors and help to stderr.
func (c *cli) flags(name, synopsis string, args []string, define func(*flag.FlagSet)) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: indicators %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errReported
		}
		return nil, errReported
	}
	return fs, nil
}
