package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"time"
)

// requestInfo is what the handlers learn about a request as they serve it,
// for its log line and its metrics: the outermost middleware puts it in the
// context and reads it when the handler returns.
type requestInfo struct {
	id, traceID, parentID string
	// route is the route's name (metrics label), set by instrument.
	route string
	// operation is the GraphQL operation's name once the document is
	// validated, "" for an anonymous one.
	operation string
	// client is the rate limit's (ip:… or key:ID), tier its access tier.
	client, tier string
	cost         int
	// outcome is one of the outcome constants; code the error code that
	// decided it, if any.
	outcome, code string
	// cache is cacheHit or cacheMiss for a GraphQL request the response
	// cache could answer, "" for one it may not.
	cache string
}

// Results of the response cache (a metrics label).
const (
	cacheHit  = "hit"
	cacheMiss = "miss"
)

// Outcomes of a request, a bounded set (a metrics label).
const (
	outcomeOK = "ok"
	// outcomeError: executed, with errors in the response.
	outcomeError = "error"
	// outcomeRefused: not executed, a request error (parse, validation, a
	// limit of admission) or a request that is not one.
	outcomeRefused     = "refused"
	outcomeRateLimited = "rate_limited"
	// outcomeUnavailable: 503, busy or the database down; also a timeout.
	outcomeUnavailable = "unavailable"
)

type infoKey struct{}

// infoOf is the request's info; outside withObservability (a handler tested
// alone) one that nobody reads.
func infoOf(ctx context.Context) *requestInfo {
	if i, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

// requestIDPattern is what an incoming X-Request-Id may be to be kept: a
// proxy's or a client's own id, printable and short, so it can go into a
// log line and a header unchanged.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:/+=-]{1,128}$`)

// traceparentPattern is a W3C Trace Context traceparent of version 00:
// version, trace id, parent id, flags.
var traceparentPattern = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$`)

const (
	zeroTraceID  = "00000000000000000000000000000000"
	zeroParentID = "0000000000000000"
)

// withObservability gives each request an id (the client's X-Request-Id when
// it is sane, else a new one, returned in X-Request-Id), takes the trace of
// its W3C traceparent, and when the handler is done writes the request's
// log line and its metrics. Every log line written with the request's
// context carries its id and trace (requestAttrs).
func withObservability(log *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !requestIDPattern.MatchString(info.id) {
			info.id = newRequestID()
		}
		if sm := traceparentPattern.FindStringSubmatch(r.Header.Get("traceparent")); sm != nil && sm[1] != zeroTraceID && sm[2] != zeroParentID {
			info.traceID, info.parentID = sm[1], sm[2]
		}
		w.Header().Set("X-Request-Id", info.id)
		ctx := context.WithValue(r.Context(), infoKey{}, info)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(ctx))
		elapsed := time.Since(start)
		if info.outcome == "" {
			info.outcome = outcomeOfStatus(rec.status)
		}
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", elapsed), slog.String("outcome", info.outcome)}
		if info.route == "/graphql" {
			attrs = append(attrs, slog.String("operation", info.operation))
		}
		if info.cache != "" {
			attrs = append(attrs, slog.String("cache", info.cache))
		}
		if info.client != "" {
			attrs = append(attrs, slog.String("client", info.client), slog.String("tier", info.tier), slog.Int("cost", info.cost))
		}
		if info.code != "" {
			attrs = append(attrs, slog.String("code", info.code))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
		m.observe(info, elapsed)
	})
}

func outcomeOfStatus(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return outcomeRateLimited
	case status == http.StatusServiceUnavailable:
		return outcomeUnavailable
	case status >= http.StatusInternalServerError:
		return outcomeError
	case status >= http.StatusBadRequest:
		return outcomeRefused
	}
	return outcomeOK
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// requestAttrs adds the request id and trace of a record's context to every
// record, so a resolver's error logged with its context names the request.
type requestAttrs struct{ slog.Handler }

func (h requestAttrs) Handle(ctx context.Context, r slog.Record) error {
	if i, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		r.AddAttrs(slog.String("request_id", i.id))
		if i.traceID != "" {
			r.AddAttrs(slog.String("trace_id", i.traceID), slog.String("parent_id", i.parentID))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestAttrs) WithAttrs(as []slog.Attr) slog.Handler {
	return requestAttrs{h.Handler.WithAttrs(as)}
}

func (h requestAttrs) WithGroup(name string) slog.Handler {
	return requestAttrs{h.Handler.WithGroup(name)}
}
