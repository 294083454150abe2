package server

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
)

// ClientIP is the address a request comes from: the connection's peer, or,
// when the peer is one of the trusted proxies, the last address of
// X-Forwarded-For that is not (each proxy appends the address it was
// reached from; a client can write anything before them). An IPv6 address
// stands for its /64, which one subscriber usually holds whole.
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	addr = addr.Unmap()
	if isTrusted(addr, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = hop.Unmap()
			if !isTrusted(addr, trusted) {
				break
			}
		}
	}
	if addr.Is6() {
		addr = netip.PrefixFrom(addr, 64).Masked().Addr()
	}
	return addr
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParsePrefixes reads TRUSTED_PROXIES: addresses or CIDR prefixes,
// separated by commas.
func ParsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// rateLimits charges requests to their clients' budgets.
type rateLimits struct {
	limiter *ratelimit.Limiter
	// trusted are the proxies whose X-Forwarded-For names the client.
	trusted []netip.Prefix
	metrics *metrics
}

// client is whom r is charged to, noted for its log line: the partner's
// key withAuth verified (dataset.ViewerOf), with the partner tier's policy,
// else the address r comes from (ClientIP), with the anonymous one. Only a
// verified key names a budget: a key withAuth refused never gets here.
func (rl *rateLimits) client(r *http.Request) ratelimit.Client {
	v := dataset.ViewerOf(r.Context())
	c := ratelimit.Client{ID: v.Client(), Tier: v.Tier}
	if c.ID == "" {
		c.ID = "ip:" + ClientIP(r, rl.trusted).String()
	}
	info := infoOf(r.Context())
	info.client, info.tier = c.ID, string(c.Tier)
	return c
}

// refused records a refusal and answers it: 429, Retry-After and the
// client's budget in the headers, and the body write writes, in the
// route's own error shape.
func (rl *rateLimits) refused(w http.ResponseWriter, r *http.Request, err error, write func(http.ResponseWriter, error)) {
	var ex *ratelimit.Exceeded
	if !errors.As(err, &ex) {
		panic("rateLimits.refused: not a rate-limit refusal")
	}
	rl.metrics.rateLimited.WithLabelValues(ex.Reason).Inc()
	info := infoOf(r.Context())
	info.outcome, info.code = outcomeRateLimited, string(dataset.CodeOf(err))
	setRateLimitHeaders(w.Header(), ex.Status)
	w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(ex.RetryAfter)))
	write(w, err)
}

// jsonRefusal writes a refusal in the one error shape of the HTTP endpoints.
func jsonRefusal(contentType string) func(http.ResponseWriter, error) {
	return func(w http.ResponseWriter, err error) {
		writeErrorBody(w, contentType, statusOf(dataset.CodeOf(err)), string(dataset.CodeOf(err)), dataset.MessageOf(err))
	}
}

// flat charges each request to next a flat cost, before it runs, and holds
// one of its client's places for requests in flight while it does: for
// exports and SDMX, whose rows are only known once they are sent. refuse
// writes a refusal's body for r.
func (rl *rateLimits) flat(cost int, refuse func(*http.Request) func(http.ResponseWriter, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := rl.client(r)
		release, err := rl.limiter.Acquire(c)
		if err != nil {
			rl.refused(w, r, err, refuse(r))
			return
		}
		defer release()
		st, err := rl.limiter.Charge(c, cost)
		if err != nil {
			rl.refused(w, r, err, refuse(r))
			return
		}
		infoOf(r.Context()).cost = st.Cost
		setRateLimitHeaders(w.Header(), st)
		next.ServeHTTP(w, r.WithContext(ratelimit.WithStatus(r.Context(), st)))
	})
}

// setRateLimitHeaders tells the client its budget twice over: in the IETF
// draft's structured fields (draft-ietf-httpapi-ratelimit-headers: a policy
// of q points per w seconds; r points remain for t seconds) and in GitHub's
// X-RateLimit-* headers, which clients of GitHub's API already read.
func setRateLimitHeaders(h http.Header, st ratelimit.Status) {
	reset := ceilSeconds(time.Until(st.ResetAt))
	h.Set("RateLimit-Policy", `"cost";q=`+strconv.Itoa(st.Limit)+";w="+strconv.Itoa(int(st.Window/time.Second)))
	h.Set("RateLimit", `"cost";r=`+strconv.Itoa(st.Remaining)+";t="+strconv.Itoa(reset))
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.Remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(st.Used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(st.ResetAt.Unix(), 10))
}

// rateLimitHeaders are exposed to pages on other origins.
var rateLimitHeaders = []string{"RateLimit-Policy", "RateLimit", "Retry-After",
	"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset"}

func ceilSeconds(d time.Duration) int {
	return max(int(math.Ceil(d.Seconds())), 1)
}
