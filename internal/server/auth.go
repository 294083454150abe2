package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/sdmx"
	"indicators/internal/store"
)

// withAuth decides who is asking, once per request, and puts the viewer in
// the request's context (dataset.WithViewer), where every read of the
// dataset and the rate limits inside find it with dataset.ViewerOf (the
// rate limit notes its client and tier for the request's log line, which
// withObservability, outside, writes). It runs before any rate limit, so a
// budget is only ever a verified key's or an address's. No Authorization
// header is an anonymous client; a bearer key (RFC 6750) that is valid is a
// partner; anything else sent as credentials (another scheme, an unknown,
// expired or revoked key) is refused with 401 and WWW-Authenticate, never
// read as anonymous: a partner whose key lapsed must be told, not served
// the public subset.
//
// A refused key spends no cost budget, so failures are limited apart, per
// address (ClientIP, so behind TRUSTED_PROXIES the client's): past its
// budget an address gets 429 RATE_LIMITED with Retry-After instead of 401,
// decided before the key would be looked up, so a flood of invented keys
// costs no statement. A key the store holds still answers from there: a
// partner behind an address that floods keeps working.
func withAuth(s *store.Store, log *slog.Logger, m *metrics, failures *ratelimit.Failures, trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Responses differ by tier: no shared cache may give one tier's
		// answer to another.
		w.Header().Add("Vary", "Authorization")
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		addr := ClientIP(r, trusted)
		scheme, token, _ := strings.Cut(header, " ")
		token = strings.TrimSpace(token)
		var v dataset.Viewer
		err := dataset.Errorf(dataset.ErrUnauthenticated,
			"send an API key as Authorization: Bearer KEY, or no Authorization header for anonymous access")
		// taken: a failure was counted before the lookup, held under
		// concurrent requests, and is given back if the key is valid.
		taken := false
		if strings.EqualFold(scheme, "Bearer") && token != "" {
			v, err = s.AuthenticateGated(r.Context(), token, func() error {
				err := failures.Take(addr, time.Now())
				taken = err == nil
				return err
			})
		}
		failed := dataset.CodeOf(err) == dataset.ErrUnauthenticated
		switch {
		case taken && !failed: // valid, or the keys could not be read
			failures.Refund(addr)
		case failed && !taken:
			// A failure the store answered without a statement counts
			// alike, and past the budget is refused alike.
			if limited := failures.Take(addr, time.Now()); limited != nil {
				err = limited
			}
		}
		var ex *ratelimit.Exceeded
		if errors.As(err, &ex) {
			m.rateLimited.WithLabelValues(ex.Reason).Inc()
			infoOf(r.Context()).outcome = outcomeRateLimited
			infoOf(r.Context()).client = "ip:" + addr.String()
			w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(ex.RetryAfter)))
		}
		if err != nil {
			refuse(w, r, log, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(dataset.WithViewer(r.Context(), v)))
	})
}

// refuse answers a request whose credentials failed: 401 with the bearer
// challenge for a bad key, or what the error's code says (503 when the keys
// cannot be read); under /sdmx/rest/ as an SDMX error message.
func refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	infoOf(r.Context()).code = string(dataset.CodeOf(err))
	if dataset.CodeOf(err) == dataset.ErrUnauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="indicators", error="invalid_token", error_description=`+
			strconv.Quote(dataset.MessageOf(err)))
	}
	if strings.HasPrefix(r.URL.Path, "/sdmx/rest/") {
		if _, internal := sdmx.ErrorOf(err); internal {
			log.ErrorContext(r.Context(), "authentication failed", "path", r.URL.Path, "error", err)
		}
		sdmxRefusal(r)(w, err)
		return
	}
	writeError(w, r, log, err)
}
