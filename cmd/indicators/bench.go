package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"strings"
	"time"

	_ "github.com/lib/pq" // the floor goes through the service's own driver

	"indicators/internal/bench"
)

// bench drives a running service with the fixed query mix (internal/bench)
// and prints what each query costs; with --sql, the same queries as plain
// SQL on DATABASE_URL beside them.
func (c *cli) bench(ctx context.Context, args []string) error {
	cfg := bench.Config{}
	var queries, key string
	var floor bool
	if _, err := c.flags("bench", "[--url URL] [--concurrency N] [--duration D] [--warmup D] [--queries a,b] [--seed S] [--key KEY] [--sql | --mixed]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the running service")
		fs.IntVar(&cfg.Concurrency, "concurrency", 8, "requests in flight at once")
		fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long each query is measured")
		fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "how long each query runs first, unmeasured")
		fs.Uint64Var(&cfg.Seed, "seed", 1, "the same seed draws the same requests")
		fs.StringVar(&queries, "queries", "", "the queries of the mix to run, comma-separated (default all: "+strings.Join(bench.Names(), ",")+")")
		fs.StringVar(&key, "key", "", "a partner's API key to send (its rate limits apply instead of the anonymous ones)")
		fs.BoolVar(&floor, "sql", false, "also run each query's plain-SQL equivalent on DATABASE_URL, the floor")
		fs.BoolVar(&cfg.Mixed, "mixed", false, "run the queries at once, each request drawn from them at random, instead of one after another")
	}); err != nil {
		return err
	}
	if cfg.Concurrency < 1 || cfg.Duration <= 0 || cfg.Warmup < 0 {
		fmt.Fprintln(c.stderr, "bench: --concurrency must be at least 1, --duration positive, --warmup not negative")
		return errReported
	}
	var names []string
	if queries != "" {
		names = strings.Split(queries, ",")
	}
	qs, err := bench.Select(names)
	if err != nil {
		fmt.Fprintf(c.stderr, "bench: %v\n", err)
		return errReported
	}
	cfg.Queries = qs
	cfg.URL = strings.TrimSuffix(cfg.URL, "/")
	if floor {
		dsn := c.getenv("DATABASE_URL")
		if dsn == "" {
			// Starting the private cluster here would restart the one serve
			// runs on.
			fmt.Fprintln(c.stderr, "bench: --sql needs DATABASE_URL, the database the service reads")
			return errReported
		}
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			return fmt.Errorf("bench: open DATABASE_URL: %w", err)
		}
		defer db.Close()
		db.SetMaxOpenConns(cfg.Concurrency)
		db.SetMaxIdleConns(cfg.Concurrency)
		cfg.DB = db
	}
	cfg.Client = bench.NewClient(cfg.Concurrency, key)
	pools, err := bench.Discover(ctx, cfg.Client, cfg.URL)
	if err != nil {
		return err
	}
	results, err := bench.Run(ctx, cfg, pools)
	if err != nil {
		return err
	}
	bench.Print(c.stdout, cfg, results)
	return nil
}
