package ratelimit

import (
	"fmt"
	"net/netip"
	"sync"
	"time"

	"indicators/internal/dataset"
)

// ReasonAuthFailures refuses an address that sent too many credentials
// that failed.
const ReasonAuthFailures = "auth_failures"

// DefaultAuthFailures is how many failed authentications an address may
// make per minute unless configured.
const DefaultAuthFailures = 20

// failuresMax bounds the addresses tracked; past it the windows that ended
// are dropped, and if none had, tracking starts afresh, so a flood from
// many addresses cannot grow the map without end.
const failuresMax = 100_000

// Failures counts failed authentications per client address in fixed
// windows of a minute. An address past its budget is refused before its
// credentials are looked up, so a flood of invented keys costs no
// statement: a failure spends none of a cost budget (a refused key names
// none), and without this each would cost a lookup.
type Failures struct {
	per    int
	window time.Duration
	mu     sync.Mutex
	addrs  map[netip.Addr]failureWindow
}

type failureWindow struct {
	count int
	start time.Time
}

// NewFailures allows per failed authentications a minute to each address
// (DefaultAuthFailures when per is 0 or less).
func NewFailures(per int) *Failures {
	if per <= 0 {
		per = DefaultAuthFailures
	}
	return &Failures{per: per, window: time.Minute, addrs: make(map[netip.Addr]failureWindow)}
}

// Take counts a failed authentication from addr, or refuses addr with an
// *Exceeded (RATE_LIMITED) once it has failed per times in the current
// window. Taken before the credentials are checked, it holds under
// concurrent requests: no more than per lookups start in a window. A
// request whose credentials then prove valid gives it back (Refund).
func (f *Failures) Take(addr netip.Addr, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	w, ok := f.addrs[addr]
	if !ok || now.Sub(w.start) >= f.window {
		if !ok && len(f.addrs) >= failuresMax {
			f.prune(now)
		}
		w = failureWindow{start: now}
	}
	if w.count >= f.per {
		reset := w.start.Add(f.window)
		return &Exceeded{Reason: ReasonAuthFailures, RetryAfter: reset.Sub(now),
			Status: Status{Limit: f.per, Used: w.count, ResetAt: reset, Window: f.window},
			err: &dataset.Error{Code: dataset.ErrRateLimited, Message: fmt.Sprintf(
				"too many failed authentications from this address (%d a minute): wait until %s, and send a valid API key or none",
				f.per, reset.UTC().Format(time.RFC3339))}}
	}
	w.count++
	f.addrs[addr] = w
	return nil
}

// Refund gives back what Take counted for a request that did not fail.
func (f *Failures) Refund(addr netip.Addr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if w, ok := f.addrs[addr]; ok && w.count > 0 {
		w.count--
		f.addrs[addr] = w
	}
}

// prune drops the windows that ended, or all of them if none had.
func (f *Failures) prune(now time.Time) {
	for a, w := range f.addrs {
		if now.Sub(w.start) >= f.window {
			delete(f.addrs, a)
		}
	}
	if len(f.addrs) >= failuresMax {
		f.addrs = make(map[netip.Addr]failureWindow)
	}
}
