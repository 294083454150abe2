// Package server wires the HTTP interface: routes, middleware, and the
// configuration of the gqlgen handler (transports, limits, error presenter).
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"indicators/graph"
	"indicators/internal/dashboard"
	"indicators/internal/dataset"
	"indicators/internal/graphiql"
	"indicators/internal/ratelimit"
	"indicators/internal/store"
)

// Limits that keep one request from taking the service down; what a query
// may ask for is graph.Limits.
const (
	maxBodyBytes   = 1 << 20
	requestTimeout = 15 * time.Second
	// A request's headers must arrive within headerTimeout and a GraphQL
	// body within bodyTimeout (else 408).
	headerTimeout = 5 * time.Second
	bodyTimeout   = 10 * time.Second
	// An export streams every matching observation: millions of rows take
	// longer than a query may, so its bound is its own.
	exportTimeout = 10 * time.Minute
	// DefaultExportCost is what an export costs unless Config says.
	DefaultExportCost = 1000
)

// Config is what the HTTP interface needs.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	// AllowedOrigins are the browser origins the read API answers
	// cross-origin requests from; none means any ("*"): the data is public
	// and no cookie is ever read.
	AllowedOrigins []string
	// Ready is what /readyz checks; nil means that a new connection to the
	// store's database can be made (Store.Ready).
	Ready func(context.Context) error
	// Limits bound what one GraphQL request may ask for; zero values take
	// graph.DefaultLimits.
	Limits graph.Limits
	// Production switches, each on unless turned off: introspection
	// (__schema, __type), "did you mean" suggestions in validation errors,
	// and the GraphiQL page at /.
	NoIntrospection, NoFieldSuggestions, NoGraphiQL bool
	// NoPageWriter leaves every page of observations to gqlgen's own
	// execution (graph.PageWriter writes the pages it covers in one pass):
	// the switch to throw should the two ever answer differently.
	NoPageWriter bool
	// Load shedding: at most MaxConcurrent GraphQL requests execute at once
	// (default 32, twice the database pool); up to MaxQueued more wait up to
	// QueueWait (default 64 and 2 s) for a slot, the rest get 503 with
	// Retry-After.
	MaxConcurrent, MaxQueued int
	QueueWait                time.Duration
	// BodyTimeout is how long a GraphQL request's body may take to arrive
	// (default 10 s); a slower one gets 408.
	BodyTimeout time.Duration
	// RequestTimeout bounds a GraphQL request's execution (default 15 s);
	// what is not resolved by then answers TIMEOUT.
	RequestTimeout time.Duration
	// SDMXMaxObservations bounds an SDMX REST data response (413 above
	// it); 0 is the default, 200,000.
	SDMXMaxObservations int
	// RateLimit charges each client's requests; nil is a limiter of the
	// default policies kept in this process alone. Whoever makes one with a
	// ledger runs its flush (Limiter.Run).
	RateLimit *ratelimit.Limiter
	// TrustedProxies are the proxies whose X-Forwarded-For names an
	// anonymous client (a partner is its key).
	TrustedProxies []netip.Prefix
	// AuthFailures is how many failed authentications one address (see
	// TrustedProxies) may make a minute before it gets 429 without its
	// keys being looked up (default ratelimit.DefaultAuthFailures).
	AuthFailures int
	// ExportCost is what an export costs, whatever its rows (default 1,000
	// points, what __schema costs).
	ExportCost int
	// ResponseCacheBytes bounds the GraphQL responses held for repeated
	// queries (default DefaultResponseCacheBytes); negative holds none.
	ResponseCacheBytes int64
}

// withDefaults fills what cfg leaves zero.
func (cfg Config) withDefaults() Config {
	cfg.Limits = cfg.Limits.WithDefaults()
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 32
	}
	if cfg.MaxQueued <= 0 {
		cfg.MaxQueued = 64
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = 2 * time.Second
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = bodyTimeout
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = requestTimeout
	}
	if cfg.SDMXMaxObservations <= 0 {
		cfg.SDMXMaxObservations = defaultSDMXMaxObservations
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = slog.New(requestAttrs{cfg.Logger.Handler()})
	if cfg.RateLimit == nil {
		cfg.RateLimit = ratelimit.New(ratelimit.Config{Logger: cfg.Logger})
	}
	if cfg.ExportCost <= 0 {
		cfg.ExportCost = DefaultExportCost
	}
	return cfg
}

// ResponseCacheSize is the most the response cache holds under c:
// DefaultResponseCacheBytes when ResponseCacheBytes is 0, nothing when it is
// negative.
func (c Config) ResponseCacheSize() int64 {
	switch {
	case c.ResponseCacheBytes == 0:
		return DefaultResponseCacheBytes
	case c.ResponseCacheBytes < 0:
		return 0
	}
	return c.ResponseCacheBytes
}

// New returns the service's HTTP handler.
func New(cfg Config) http.Handler {
	cfg = cfg.withDefaults()
	log := cfg.Logger
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		// Waits on the export share show downloads queueing; on the API's
		// pool, requests starved of connections.
		collectors.NewDBStatsCollector(cfg.Store.DB().DB, "api"),
		collectors.NewDBStatsCollector(cfg.Store.ExportDB().DB, "export"),
		collectors.NewDBStatsCollector(cfg.Store.WriterDB().DB, "writer"))
	m := newMetrics(reg)
	cfg.Store.ObserveStatements(m.observeStatement)
	limits := &rateLimits{limiter: cfg.RateLimit, trusted: cfg.TrustedProxies, metrics: m}

	mux := http.NewServeMux()
	res := graph.NewResolver(cfg.Store)
	// Code lists are held between loads; a load in any process notifies
	// every one. Without the notification they are read per request.
	// Responses are held likewise, and emptied after the catalog is
	// dropped (callbacks run in order), so a response is never computed
	// from the old catalog after the cache was emptied.
	cache := newResponseCache(cfg.ResponseCacheSize(), res.Catalogs)
	if err := cfg.Store.OnChange(res.Catalogs.Changed); err != nil {
		log.Warn("code lists will be read for every request, and no response is cached", "error", err)
		res.Catalogs.Disable()
		cache = nil
	} else if cache != nil {
		if err := cfg.Store.OnChange(cache.changed); err != nil {
			log.Warn("no response is cached", "error", err)
			cache = nil
		}
	}
	exec := graph.NewExecutableSchema(graph.Config{Resolvers: res})
	gql := res.WithLoaders(graphQLHandler(exec, res, cfg, limits, cache, func(ctx context.Context) (dataset.Version, error) {
		c, err := res.Catalogs.Get(ctx)
		if err != nil {
			return dataset.Version{}, err
		}
		return c.Version(), nil
	}))
	mux.Handle("GET /graphql", m.instrument("/graphql", withTimeout(cfg.RequestTimeout, gql)))
	mux.Handle("POST /graphql", m.instrument("/graphql", withTimeout(cfg.RequestTimeout, gql)))
	// The SDL tells what introspection would, so the one switch hides both.
	if !cfg.NoIntrospection {
		mux.Handle("GET /graphql/schema.graphql", schemaHandler(exec.Schema()))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	ready := cfg.Ready
	if ready == nil {
		ready = cfg.Store.Ready
	}
	mux.Handle("GET /readyz", readyHandler(ready, log))
	mux.Handle("GET /export/{name}", m.instrument("/export", limits.flat(cfg.ExportCost, exportRefusal, withTimeout(exportTimeout, exportHandler(cfg.Store, log)))))
	mux.Handle("GET /sdmx/rest/{path...}", m.instrument("/sdmx/rest", limits.flat(cfg.ExportCost, sdmxRefusal, withTimeout(exportTimeout, sdmxHandler(cfg.Store, log, cfg.SDMXMaxObservations)))))
	if !cfg.NoGraphiQL {
		mux.Handle("GET /", graphiql.Handler("Anti-trafficking indicators — GraphiQL", "/graphql", Examples))
	}
	dash := dashboard.Handler()
	mux.Handle("GET /dashboard", dash)
	mux.Handle("GET /dashboard/assets/{name}", dash)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return withObservability(log, m, withCORS(cfg.AllowedOrigins, withAuth(cfg.Store, log, m, ratelimit.NewFailures(cfg.AuthFailures), cfg.TrustedProxies, mux)))
}

// withCORS lets pages on other origins read the API from a browser: GraphQL
// by GET and POST, the exports and their validators. Preflights are answered
// here, before routing, which knows no OPTIONS.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		// Authorization for partners' keys; If-None-Match and
		// If-Modified-Since for polling; X-Request-Id and traceparent to
		// follow a request into the logs.
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", "If-None-Match", "If-Modified-Since", "X-Request-Id", "traceparent"},
		ExposedHeaders: append([]string{"ETag", "Content-Disposition", "X-Request-Id", "WWW-Authenticate"}, rateLimitHeaders...),
		MaxAge:         600,
	}).Handler(next)
}

// graphQLHandler serves exec; version gives the dataset version that GET
// answers' validators derive from.
func graphQLHandler(exec graphql.ExecutableSchema, resolvers graph.ResolverRoot, cfg Config, limits *rateLimits, cache *responseCache, version func(context.Context) (dataset.Version, error)) http.Handler {
	log := cfg.Logger
	srv := handler.New(exec)
	// GET and POST per the GraphQL-over-HTTP spec draft (transport.go);
	// the routes admit no other method.
	srv.AddTransport(httpTransport{version: version, reads: cfg.Store.Reads, bodyTimeout: cfg.BodyTimeout, slots: newSlots(cfg.MaxConcurrent, cfg.MaxQueued, cfg.QueueWait), limits: limits, cache: cache})
	docs := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(docs)
	if !cfg.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.SetDisableSuggestion(cfg.NoFieldSuggestions)
	// Before admission, which parses the document the hash stands for.
	srv.Use(newPersistedQueries())
	srv.Use(&graph.Admission{Limits: cfg.Limits, Introspection: !cfg.NoIntrospection, Cache: docs})
	if !cfg.NoPageWriter {
		// After admission: a page it writes is one field to the deadline
		// and takes its values from the budget at once.
		srv.Use(graph.PageWriter{Resolvers: resolvers})
	}
	srv.SetErrorPresenter(graph.ErrorPresenter(log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "resolver panicked", "panic", fmt.Sprint(v), "operation", operationName(ctx))
		return errors.New("internal error")
	})
	return http.MaxBytesHandler(srv, maxBodyBytes)
}

func operationName(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return ""
	}
	return graphql.GetOperationContext(ctx).OperationName
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// withTimeout bounds the work of one request: the context reaches every SQL
// statement, so a slow query is cancelled rather than left running. The
// connection's write deadline moves with it, as the server's own is set for
// the short requests.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeoutCause(r.Context(), d, &dataset.Error{Code: dataset.ErrTimeout,
			Message: fmt.Sprintf("the request took longer than %s, the most one may take: ask for less", d)})
		defer cancel()
		// Not every ResponseWriter supports deadlines (httptest's recorder);
		// the context bound holds regardless.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + 5*time.Second))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// statusRecorder keeps the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection, e.g. to move
// an export's write deadline.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Serve listens on addr and serves h until ctx ends, then shuts down
// gracefully. ready, if not nil, receives the bound address once listening
// (useful when addr asks for port 0).
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: headerTimeout,
		// A backstop: the GraphQL transport answers a slow body with 408
		// after bodyTimeout.
		ReadTimeout:  headerTimeout + bodyTimeout + 5*time.Second,
		WriteTimeout: requestTimeout + 15*time.Second,
		IdleTimeout:  2 * time.Minute,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
