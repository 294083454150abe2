package ratelimit_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
)

// Take counts failures per address up to the budget, refuses past it
// until the minute ends, and Refund gives one back.
func TestFailures(t *testing.T) {
	f := ratelimit.NewFailures(2)
	a, b := netip.MustParseAddr("203.0.113.9"), netip.MustParseAddr("198.51.100.4")
	start := time.Date(2026, 1, 1, 12, 0, 30, 0, time.UTC)
	steps := []struct {
		name    string
		addr    netip.Addr
		at      time.Time
		refund  bool // Refund after a successful Take
		refused bool
	}{
		{"first", a, start, false, false},
		{"second, given back", a, start, true, false},
		{"second", a, start, false, false},
		{"past the budget", a, start.Add(10 * time.Second), false, true},
		{"another address", b, start.Add(10 * time.Second), false, false},
		{"the next minute", a, start.Add(time.Minute), false, false},
	}
	for _, st := range steps {
		err := f.Take(st.addr, st.at)
		if refused := err != nil; refused != st.refused {
			t.Fatalf("%s: refused %v, want %v (%v)", st.name, refused, st.refused, err)
		}
		var ex *ratelimit.Exceeded
		if st.refused && (!errors.As(err, &ex) || ex.Reason != ratelimit.ReasonAuthFailures ||
			ex.RetryAfter != 50*time.Second || dataset.CodeOf(err) != dataset.ErrRateLimited) {
			t.Errorf("%s: %#v", st.name, err)
		}
		if st.refund {
			f.Refund(st.addr)
		}
	}
}
