package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
)

func (c *cli) serve(ctx context.Context, args []string) error {
	if _, err := c.flags("serve", "", args, nil); err != nil {
		return err
	}
	cfg, err := c.serverConfig()
	if err != nil {
		return err
	}
	limits, err := c.rateLimitConfig()
	if err != nil {
		return err
	}
	pprofAddr := c.getenv("PPROF_ADDR")
	db, err := c.openDatasetDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	every := 5 * time.Second
	if err := c.envDuration("DB_WATCH_INTERVAL", "5s", &every); err != nil {
		return err
	}
	// The watcher ends before the database is let go of (defers run last
	// first), so it never reports the service's own shutdown.
	watchCtx, stopWatching := context.WithCancel(ctx)
	var watching sync.WaitGroup
	watching.Go(func() { server.WatchDatabase(watchCtx, c.log, every, db.ready) })
	watching.Go(func() { recordKeyUse(watchCtx, c.log, db.store) })
	defer func() { stopWatching(); watching.Wait() }()
	// The budget is shared with every process serving the same database;
	// the flusher's last flush runs before the database is let go of.
	limits.Ledger, limits.Logger = db.store, c.log
	cfg.RateLimit = ratelimit.New(limits)
	flushCtx, stopFlushing := context.WithCancel(ctx)
	var flushing sync.WaitGroup
	flushing.Go(func() { cfg.RateLimit.Run(flushCtx) })
	defer func() { stopFlushing(); flushing.Wait() }()
	if pprofAddr != "" {
		stopPprof, err := c.servePprof(ctx, pprofAddr)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	cfg.Store, cfg.Ready = db.store, db.ready
	c.tuneGC(cfg)
	h := server.New(cfg)
	addr := orDefault(c.getenv("ADDR"), "127.0.0.1:8080")
	return server.Serve(ctx, addr, h, func(a net.Addr) {
		fmt.Fprintf(c.stdout, "serving on http://%s/ (GraphQL at http://%s/graphql)\n", a, a)
	})
}

// keyUseInterval is how often serve records when keys were last used: one
// statement through the writer pool each time some key was.
const keyUseInterval = 30 * time.Second

// recordKeyUse writes the keys' last-used times every keyUseInterval, and
// once more when ctx ends.
func recordKeyUse(ctx context.Context, log *slog.Logger, s *store.Store) {
	tick := time.NewTicker(keyUseInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-ctx.Done():
			// The service is stopping: the last uses still count.
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.FlushKeyUse(final); err != nil {
				log.Warn("keys' last use not recorded", "error", err)
			}
			return
		}
		if err := s.FlushKeyUse(ctx); err != nil {
			log.Warn("keys' last use not recorded", "error", err)
		}
	}
}

// serverConfig reads the server's settings from the environment: the
// production switches (INTROSPECTION, FIELD_SUGGESTIONS, GRAPHIQL and
// PAGE_WRITER: on, or off), the load-shedding bounds (MAX_CONCURRENT_REQUESTS,
// MAX_QUEUED_REQUESTS), what an export costs (EXPORT_COST), the failed
// authentications an address may make a minute (AUTH_FAILURES_PER_MINUTE),
// the proxies trusted to name the client (TRUSTED_PROXIES) and the response
// cache's size (RESPONSE_CACHE_MB, 0 for none).
func (c *cli) serverConfig() (server.Config, error) {
	cfg := server.Config{Logger: c.log, AllowedOrigins: origins(c.getenv("CORS_ORIGINS"))}
	for _, sw := range []struct {
		name string
		off  *bool
	}{{"INTROSPECTION", &cfg.NoIntrospection}, {"FIELD_SUGGESTIONS", &cfg.NoFieldSuggestions}, {"GRAPHIQL", &cfg.NoGraphiQL}, {"PAGE_WRITER", &cfg.NoPageWriter}} {
		switch v := strings.ToLower(c.getenv(sw.name)); v {
		case "", "on":
		case "off":
			*sw.off = true
		default:
			return cfg, fmt.Errorf("%s: %q is neither on nor off", sw.name, v)
		}
	}
	for _, n := range []struct {
		name string
		v    *int
	}{{"MAX_CONCURRENT_REQUESTS", &cfg.MaxConcurrent}, {"MAX_QUEUED_REQUESTS", &cfg.MaxQueued}, {"EXPORT_COST", &cfg.ExportCost}, {"AUTH_FAILURES_PER_MINUTE", &cfg.AuthFailures}} {
		if err := c.envPositive(n.name, n.v); err != nil {
			return cfg, err
		}
	}
	if v := c.getenv("RESPONSE_CACHE_MB"); v != "" {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb < 0 || mb > 1<<20 {
			return cfg, fmt.Errorf("RESPONSE_CACHE_MB: %q is not a number of megabytes from 0 (no cache) to 1048576", v)
		}
		cfg.ResponseCacheBytes = mb << 20
		if mb == 0 {
			cfg.ResponseCacheBytes = -1
		}
	}
	proxies, err := server.ParsePrefixes(c.getenv("TRUSTED_PROXIES"))
	if err != nil {
		return cfg, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	cfg.TrustedProxies = proxies
	return cfg, nil
}

// servePprof serves net/http/pprof on addr (PPROF_ADDR), apart from the API:
// profiles show the code and its load, so they are for the operator's
// network only. stop ends the listener.
func (c *cli) servePprof(ctx context.Context, addr string) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	bound := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Serve(ctx, addr, server.PprofHandler(), func(a net.Addr) { bound <- a })
	}()
	select {
	case a := <-bound:
		c.log.Info("pprof listening", "addr", a.String())
		return func() { cancel(); <-done }, nil
	case err := <-done:
		cancel()
		return nil, fmt.Errorf("PPROF_ADDR: %w", err)
	}
}

// rateLimitConfig reads the rate limits: RATE_LIMIT_POINTS per
// RATE_LIMIT_WINDOW and RATE_LIMIT_CONCURRENCY requests in flight for each
// anonymous client, RATE_LIMIT_PARTNER_POINTS and
// RATE_LIMIT_PARTNER_CONCURRENCY for each partner's key, and how often the
// budget is shared (RATE_LIMIT_FLUSH_INTERVAL).
func (c *cli) rateLimitConfig() (ratelimit.Config, error) {
	var cfg ratelimit.Config
	for _, n := range []struct {
		name string
		v    *int
	}{
		{"RATE_LIMIT_POINTS", &cfg.Anonymous.Points}, {"RATE_LIMIT_CONCURRENCY", &cfg.Anonymous.Concurrency},
		{"RATE_LIMIT_PARTNER_POINTS", &cfg.Partner.Points}, {"RATE_LIMIT_PARTNER_CONCURRENCY", &cfg.Partner.Concurrency},
	} {
		if err := c.envPositive(n.name, n.v); err != nil {
			return cfg, err
		}
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
	}{{"RATE_LIMIT_WINDOW", &cfg.Window}, {"RATE_LIMIT_FLUSH_INTERVAL", &cfg.FlushEvery}} {
		if err := c.envDuration(d.name, "1h or 500ms", d.v); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// envPositive sets *v from the environment variable name, when it is set,
// refusing anything but a positive whole number.
func (c *cli) envPositive(name string, v *int) error {
	s := c.getenv(name)
	if s == "" {
		return nil
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 1 {
		return fmt.Errorf("%s: %q is not a positive number", name, s)
	}
	*v = i
	return nil
}

// envDuration sets *v from the environment variable name, when it is set,
// refusing anything but a positive duration; example shows one in the error.
func (c *cli) envDuration(name, example string, v *time.Duration) error {
	s := c.getenv(name)
	if s == "" {
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%s: %q is not a positive duration such as %s", name, s, example)
	}
	*v = d
	return nil
}

// origins reads CORS_ORIGINS: origins separated by commas, none for any.
func origins(v string) []string {
	var out []string
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

func (c *cli) migrate(ctx context.Context, args []string) error {
	if _, err := c.flags("migrate", "", args, nil); err != nil {
		return err
	}
	db, err := c.openDatabase(ctx) // migrates on open
	if err != nil {
		return err
	}
	db.close()
	fmt.Fprintln(c.stdout, "schema is up to date")
	if db.store.Privileges() == "" {
		fmt.Fprintf(c.stdout, "requests are served as role %s, serve's writes as %s\n", store.ReaderRole, store.WriterRole)
	}
	return nil
}

func (c *cli) load(ctx context.Context, args []string) error {
	var dryRun bool
	fs, err := c.flags("load", "[--dry-run] FILE...", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "validate and load in a transaction that is rolled back")
	})
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errReported
	}
	// Every file is read and validated before the database is touched.
	sets, err := c.parseFiles(fs.Args())
	if errors.Is(err, errReported) {
		fmt.Fprintln(c.stderr, "nothing was loaded")
	}
	if err != nil {
		return err
	}
	db, err := c.openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	results, err := db.store.LoadWith(ctx, sets, store.LoadOptions{DryRun: dryRun, Progress: newProgress(c.stderr).report})
	if c.reportProblems(err) {
		fmt.Fprintln(c.stderr, "nothing was loaded")
		return errReported
	}
	if err != nil {
		return fmt.Errorf("%w; nothing was loaded", err)
	}
	for _, r := range results {
		fmt.Fprintf(c.stdout, "%s: %s, %d observations", r.Release, r.Action, r.Observations)
		if r.Revision != 0 && !dryRun {
			fmt.Fprintf(c.stdout, ", revision %d", r.Revision)
		}
		fmt.Fprintln(c.stdout)
	}
	if dryRun {
		fmt.Fprintln(c.stdout, "dry run: rolled back, the database is unchanged")
	}
	return nil
}

func (c *cli) export(ctx context.Context, args []string) error {
	var format string
	var restricted bool
	filters := url.Values{}
	fs, err := c.flags("export", "--format FORMAT [--restricted] [FILTERS]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "", "one of: "+strings.Join(export.FormatNames(), ", "))
		fs.BoolVar(&restricted, "restricted", false, "include restricted cells, as a partner with a key reads them (default: what anonymous clients read)")
		for _, p := range export.Params {
			fs.Func(p.Name, p.Help, func(v string) error {
				filters.Add(p.Name, v)
				return nil
			})
		}
		for _, alias := range slices.Sorted(maps.Keys(export.LegacyAliases)) {
			fs.Func(alias, "the first exports' name for --"+strings.Join(export.LegacyAliases[alias], " and --"), func(v string) error {
				filters.Add(alias, v)
				return nil
			})
		}
	})
	if err != nil {
		return err
	}
	f, ok := export.Lookup(format)
	if !ok || fs.NArg() > 0 {
		fs.Usage()
		return errReported
	}
	q, err := export.ParseQuery(f, filters)
	if err != nil {
		return err
	}
	db, err := c.openDatasetDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	if restricted {
		// The operator reads as a partner would; no key is involved.
		ctx = dataset.WithViewer(ctx, dataset.Viewer{Tier: dataset.TierPartner})
	}
	return export.Write(ctx, db.store, f, q, c.stdout)
}
