package server

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// By GraphQL operation (and route) and outcome.
	operations        *prometheus.CounterVec
	operationDuration *prometheus.HistogramVec
	cost              *prometheus.HistogramVec
	refusals          *prometheus.CounterVec
	rateLimited       *prometheus.CounterVec
	statements        *prometheus.CounterVec
	statementDuration *prometheus.HistogramVec
	responseCache     *prometheus.CounterVec

	names operationNames
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "indicators_http_requests_total",
			Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "indicators_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "code"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "indicators_requests_total",
			Help: "API requests by route, GraphQL operation name (the first 100 names seen; then \"other\"; \"anonymous\" for none; \"\" outside GraphQL) and outcome (ok, error, refused, rate_limited, unavailable).",
		}, []string{"route", "operation", "outcome"}),
		operationDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "indicators_request_duration_seconds",
			Help:    "Time to serve API requests by route, GraphQL operation name and outcome.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "operation", "outcome"}),
		cost: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "indicators_request_cost_points",
			Help:    "Points charged to the client's rate-limit budget per request, by route.",
			Buckets: []float64{1, 10, 100, 500, 1000, 2500, 5000, 10000},
		}, []string{"route"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "indicators_refusals_total",
			Help: "Requests refused or cut short, by reason: the error code (COMPLEXITY_LIMIT_EXCEEDED, RATE_LIMITED, UNAUTHENTICATED, SERVICE_UNAVAILABLE, TIMEOUT, …).",
		}, []string{"reason"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "indicators_rate_limit_hits_total",
			Help: "Requests refused with 429 by the per-client rate limit, by limit: points (the window's budget), concurrency, or auth_failures (an address past its failed authentications).",
		}, []string{"limit"}),
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "indicators_sql_statements_total",
			Help: "SQL statements sent, by pool (api, export, writer, admin).",
		}, []string{"pool"}),
		statementDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "indicators_sql_statement_duration_seconds",
			Help:    "Time until a SQL statement's first answer (its rows are read after), by pool.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"pool"}),
		responseCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "indicators_response_cache_total",
			Help: "GraphQL requests the response cache could answer, by result: hit (answered from it) or miss (executed).",
		}, []string{"result"}),
		names: operationNames{seen: map[string]bool{}},
	}
	reg.MustRegister(m.requests, m.duration, m.operations, m.operationDuration, m.cost,
		m.refusals, m.rateLimited, m.statements, m.statementDuration, m.responseCache)
	return m
}

// instrument labels by route, not path: paths are unbounded and would blow up
// the series count.
func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	labels := prometheus.Labels{"route": route}
	h = promhttp.InstrumentHandlerCounter(m.requests.MustCurryWith(labels),
		promhttp.InstrumentHandlerDuration(m.duration.MustCurryWith(labels), h))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infoOf(r.Context()).route = route
		h.ServeHTTP(w, r)
	})
}

// observe records a request of an instrumented route.
func (m *metrics) observe(info *requestInfo, elapsed time.Duration) {
	// Refused before any route, too: a bad API key (UNAUTHENTICATED).
	if info.code != "" && info.outcome != outcomeOK {
		m.refusals.WithLabelValues(info.code).Inc()
	}
	if info.route == "" {
		return
	}
	op := ""
	if info.route == "/graphql" {
		op = m.names.label(info.operation)
	}
	m.operations.WithLabelValues(info.route, op, info.outcome).Inc()
	m.operationDuration.WithLabelValues(info.route, op, info.outcome).Observe(elapsed.Seconds())
	if info.cost > 0 {
		m.cost.WithLabelValues(info.route).Observe(float64(info.cost))
	}
	if info.cache != "" {
		m.responseCache.WithLabelValues(info.cache).Inc()
	}
}

// observeStatement records one SQL statement of a pool.
func (m *metrics) observeStatement(pool string, d time.Duration) {
	m.statements.WithLabelValues(pool).Inc()
	m.statementDuration.WithLabelValues(pool).Observe(d.Seconds())
}

// maxOperationNames bounds the operation label: clients choose the names,
// so the names past this many, and those longer than
// maxOperationNameLength, share "other".
const (
	maxOperationNames      = 100
	maxOperationNameLength = 64
)

type operationNames struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (n *operationNames) label(name string) string {
	switch {
	case name == "":
		return "anonymous"
	case len(name) > maxOperationNameLength:
		return "other"
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen[name] {
		return name
	}
	if len(n.seen) >= maxOperationNames {
		return "other"
	}
	n.seen[name] = true
	return name
}
