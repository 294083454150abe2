package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// clock is a settable time for windows that roll when the test says.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// replicas returns n limiters as n serve processes would hold them: each
// with a Store of its own, over one database.
func replicas(t *testing.T, n int, cfg ratelimit.Config) []*ratelimit.Limiter {
	t.Helper()
	dsn := testdb.DSN(t)
	var out []*ratelimit.Limiter
	for range n {
		s, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		c := cfg
		c.Ledger = s
		out = append(out, ratelimit.New(c))
	}
	return out
}

func flushAll(t *testing.T, ls ...*ratelimit.Limiter) {
	t.Helper()
	for _, l := range ls {
		if err := l.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

var alice = ratelimit.Client{ID: "ip:192.0.2.1"}

func TestReplicasShareOneBudget(t *testing.T) {
	clk := &clock{now: time.Date(2026, 12, 2, 13, 20, 0, 0, time.UTC)}
	ls := replicas(t, 2, ratelimit.Config{Anonymous: ratelimit.Policy{Points: 100}, Now: clk.Now})
	a, b := ls[0], ls[1]

	if _, err := a.Charge(alice, 60); err != nil {
		t.Fatal(err)
	}
	// Before a flush, b spends from what it knew: the tolerance.
	if st := b.Peek(alice); st.Used != 0 {
		t.Errorf("b knew of a's spending before any flush: %+v", st)
	}
	flushAll(t, a, b)
	st := b.Peek(alice)
	if st.Used != 60 || st.Remaining != 40 || !st.ResetAt.Equal(time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("b after the flush: %+v; want 60 used, 40 left, reset at 14:00", st)
	}
	var ex *ratelimit.Exceeded
	if _, err := b.Charge(alice, 50); !errors.As(err, &ex) || ex.Reason != ratelimit.ReasonPoints || dataset.CodeOf(err) != dataset.ErrRateLimited {
		t.Fatalf("50 points with 40 left: %v", err)
	}
	if ex.RetryAfter != 40*time.Minute || ex.Remaining != 40 {
		t.Errorf("refusal %+v; want retry after 40m with 40 left", ex)
	}
	// The refusal spent nothing: 40 points still buy 40.
	if _, err := b.Charge(alice, 40); err != nil {
		t.Fatalf("40 points with 40 left: %v", err)
	}
	flushAll(t, b, a)
	if st := a.Peek(alice); st.Used != 100 || st.Remaining != 0 {
		t.Errorf("a after b spent the rest: %+v", st)
	}
	if _, err := a.Charge(alice, 1); err == nil {
		t.Error("a charged a client whose budget b spent")
	}
	// Another client's budget is its own.
	if _, err := a.Charge(ratelimit.Client{ID: "ip:192.0.2.2"}, 100); err != nil {
		t.Errorf("another client: %v", err)
	}

	// The next window is whole again, in both, and the ledger forgets the
	// last one.
	clk.now = clk.now.Add(time.Hour)
	flushAll(t, a, b)
	for i, l := range ls {
		if st := l.Peek(alice); st.Used != 0 || st.Remaining != 100 {
			t.Errorf("replica %d in the next window: %+v", i, st)
		}
	}
}

func TestFailedFlushKeepsSpending(t *testing.T) {
	ls := replicas(t, 2, ratelimit.Config{Anonymous: ratelimit.Policy{Points: 100}})
	a, b := ls[0], ls[1]
	gone, err := store.Open(context.Background(), testdb.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	gone.Close()
	broken := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: 100}, Ledger: gone})
	if _, err := broken.Charge(alice, 30); err != nil {
		t.Fatal(err)
	}
	if err := broken.Flush(context.Background()); err == nil {
		t.Fatal("a flush to a closed store succeeded")
	}
	if st := broken.Peek(alice); st.Used != 30 {
		t.Errorf("after a failed flush: %+v; the spending is still this process's", st)
	}
	// A working pair is unaffected by the broken one.
	if _, err := a.Charge(alice, 10); err != nil {
		t.Fatal(err)
	}
	flushAll(t, a, b)
	if st := b.Peek(alice); st.Used != 10 {
		t.Errorf("b: %+v", st)
	}
}

func TestCharge(t *testing.T) {
	tests := []struct {
		name       string
		tier       dataset.Tier
		costs      []int
		wantErr    []bool
		wantRemain int
	}{
		{"within the budget", dataset.TierAnonymous, []int{3, 3, 4}, []bool{false, false, false}, 0},
		{"a refusal spends nothing", dataset.TierAnonymous, []int{8, 5, 2}, []bool{false, true, false}, 0},
		{"a query over the whole budget", dataset.TierAnonymous, []int{11, 1}, []bool{true, false}, 9},
		{"nothing costs less than a point", "", []int{0, 0, 9}, []bool{false, false, true}, 8},
		{"a partner's budget, not the anonymous one", dataset.TierPartner, []int{500}, []bool{false}, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: 10}, Partner: ratelimit.Policy{Points: 1000}})
			c := ratelimit.Client{ID: "key:1", Tier: tc.tier}
			for i, cost := range tc.costs {
				if _, err := l.Charge(c, cost); (err != nil) != tc.wantErr[i] {
					t.Errorf("charge %d of %d: err %v, want error %v", i, cost, err, tc.wantErr[i])
				}
			}
			if st := l.Peek(c); st.Remaining != tc.wantRemain {
				t.Errorf("remaining %d, want %d", st.Remaining, tc.wantRemain)
			}
		})
	}
}

// TestConcurrencyByTier: each tier has its own number of requests in
// flight.
func TestConcurrencyByTier(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Concurrency: 1}, Partner: ratelimit.Policy{Concurrency: 2}})
	for _, tc := range []struct {
		name   string
		client ratelimit.Client
		places int
	}{
		{"anonymous", ratelimit.Client{ID: "ip:192.0.2.9", Tier: dataset.TierAnonymous}, 1},
		{"partner", ratelimit.Client{ID: "key:1", Tier: dataset.TierPartner}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.places {
				if _, err := l.Acquire(tc.client); err != nil {
					t.Fatalf("place %d of %d: %v", i+1, tc.places, err)
				}
			}
			if _, err := l.Acquire(tc.client); err == nil {
				t.Errorf("more than %d in flight", tc.places)
			}
		})
	}
}

func TestConcurrencyPerClient(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Concurrency: 2}})
	r1, err := l.Acquire(alice)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := l.Acquire(alice)
	if err != nil {
		t.Fatal(err)
	}
	var ex *ratelimit.Exceeded
	if _, err := l.Acquire(alice); !errors.As(err, &ex) || ex.Reason != ratelimit.ReasonConcurrency {
		t.Fatalf("a third request in flight: %v", err)
	}
	if _, err := l.Acquire(ratelimit.Client{ID: "ip:192.0.2.9"}); err != nil {
		t.Errorf("another client's request: %v", err)
	}
	r1()
	r1() // releasing twice gives back one place
	r3, err := l.Acquire(alice)
	if err != nil {
		t.Fatalf("after one finished: %v", err)
	}
	if _, err := l.Acquire(alice); err == nil {
		t.Error("a double release gave back two places")
	}
	r2()
	r3()
}
