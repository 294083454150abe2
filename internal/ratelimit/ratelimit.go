// Package ratelimit keeps each client's budget of query-cost points per
// window and its requests in flight, as GitHub's GraphQL API does: a request
// is charged what it costs before it runs, and refused, spending nothing,
// when the points left in the window do not cover it.
//
// The budget is shared by every process serving the API through a Ledger
// (the database): each process spends from its own view and a background
// flush, every FlushEvery, adds what it spent since the last one and reads
// back the window's totals, in one statement for all clients. No request
// waits on the ledger. The price is a tolerance: between two flushes each
// process spends from the totals of the last one, so the processes together
// can let a client overspend by what the others admit for it within one
// flush interval.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"indicators/internal/dataset"
)

// Policy is what a client may spend: Points per window and Concurrency
// requests in flight at once (in each process).
type Policy struct {
	Points      int
	Concurrency int
}

// Client is whom a request is charged to.
type Client struct {
	// ID names the budget: "ip:203.0.113.7", or "key:12" for a partner's
	// API key (dataset.Viewer.Client). It is stored in the ledger and
	// logged, so it never holds a secret.
	ID string
	// Tier picks the client's policy (Config.Anonymous or Config.Partner);
	// "" is anonymous.
	Tier dataset.Tier
}

// Ledger keeps the windows' totals shared by the processes.
type Ledger interface {
	// SpendRateBudget adds points[i] to clients[i]'s total of the window
	// starting at window, drops the totals of earlier windows, and returns
	// every client's total in the window, all in one statement.
	SpendRateBudget(ctx context.Context, window time.Time, clients []string, points []int64) (map[string]int64, error)
}

// Config configures a Limiter.
type Config struct {
	// Anonymous is the policy of clients without a key, each IP address
	// a client (default 1,000,000 points and 10 requests in flight).
	Anonymous Policy
	// Partner is the policy of each partner's API key (default 5,000,000
	// points and 20 requests in flight); a zero field takes its default,
	// not Anonymous's.
	Partner Policy
	// Window is the length of the fixed windows budgets are kept in,
	// aligned to the clock (default one hour: 13:00 to 14:00 UTC).
	Window time.Duration
	// Ledger shares the budget with the other processes; nil keeps it in
	// this process alone.
	Ledger Ledger
	// FlushEvery is how often the spending is sent to the ledger and its
	// totals read back (default 1 s).
	FlushEvery time.Duration
	// Now is the clock (time.Now unless a test sets one).
	Now    func() time.Time
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultPoints             = 1_000_000
	DefaultConcurrency        = 10
	DefaultPartnerPoints      = 5_000_000
	DefaultPartnerConcurrency = 20
	DefaultWindow             = time.Hour
	DefaultFlushEvery         = time.Second
)

func (c Config) withDefaults() Config {
	c.Anonymous = c.Anonymous.or(Policy{DefaultPoints, DefaultConcurrency})
	c.Partner = c.Partner.or(Policy{DefaultPartnerPoints, DefaultPartnerConcurrency})
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.FlushEvery <= 0 {
		c.FlushEvery = DefaultFlushEvery
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Limiter charges clients for their requests.
type Limiter struct {
	cfg Config

	mu       sync.Mutex
	window   time.Time // start of the current window
	accounts map[string]*account
	failing  bool // the last flush failed (logged once)
}

type account struct {
	// shared is the window's total in the ledger as of the last flush,
	// this process's flushed spending included; pending is what this
	// process spent since.
	shared, pending int64
	inFlight        int
}

// New returns a limiter; Run flushes it to the ledger.
func New(cfg Config) *Limiter {
	return &Limiter{cfg: cfg.withDefaults(), accounts: map[string]*account{}}
}

// Status is what a client is told of its budget.
type Status struct {
	// Limit is the client's points per window, Used what it has spent in
	// this one (this request included), Remaining what is left.
	Limit, Used, Remaining int
	// Cost is what the request was charged (or would have been, refused).
	Cost int
	// ResetAt is when the window ends and the budget is whole again.
	ResetAt time.Time
	// Window is the window's length.
	Window time.Duration
}

// Exceeded is the refusal of a request over its client's limits: a
// dataset.Error coded RATE_LIMITED underneath.
type Exceeded struct {
	Status
	// Reason is "points" or "concurrency".
	Reason string
	// RetryAfter is when the request may succeed.
	RetryAfter time.Duration
	err        *dataset.Error
}

func (e *Exceeded) Error() string { return e.err.Error() }
func (e *Exceeded) Unwrap() error { return e.err }

// Refusal reasons.
const (
	ReasonPoints      = "points"
	ReasonConcurrency = "concurrency"
)

// or is p with its zero fields taken from d.
func (p Policy) or(d Policy) Policy {
	if p.Points <= 0 {
		p.Points = d.Points
	}
	if p.Concurrency <= 0 {
		p.Concurrency = d.Concurrency
	}
	return p
}

// policy is the policy of c's tier.
func (l *Limiter) policy(c Client) Policy {
	if c.Tier == dataset.TierPartner {
		return l.cfg.Partner
	}
	return l.cfg.Anonymous
}

// roll starts a new window when the clock has left the current one: every
// budget is whole again. l.mu is held.
func (l *Limiter) roll(now time.Time) {
	if w := now.Truncate(l.cfg.Window); !w.Equal(l.window) {
		l.window = w
		for id, a := range l.accounts {
			if a.inFlight == 0 {
				delete(l.accounts, id)
			} else {
				a.shared, a.pending = 0, 0
			}
		}
	}
}

func (l *Limiter) account(id string) *account {
	a := l.accounts[id]
	if a == nil {
		a = &account{}
		l.accounts[id] = a
	}
	return a
}

// Charge spends cost points (at least 1) of c's budget, or refuses with an
// *Exceeded and spends nothing when fewer are left.
func (l *Limiter) Charge(c Client, cost int) (Status, error) {
	cost = max(cost, 1)
	p := l.policy(c)
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	a := l.account(c.ID)
	used := int(a.shared + a.pending)
	if used+cost > p.Points {
		st := l.status(p, used)
		st.Cost = cost
		var msg string
		if cost > p.Points {
			msg = fmt.Sprintf("the request costs %d points, more than the whole budget of %d points per %s: ask for less", cost, p.Points, l.cfg.Window)
		} else {
			msg = fmt.Sprintf("the request costs %d points and %d of the %d points per %s are left; the budget is whole again at %s",
				cost, st.Remaining, p.Points, l.cfg.Window, st.ResetAt.UTC().Format(time.RFC3339))
		}
		return st, &Exceeded{Status: st, Reason: ReasonPoints, RetryAfter: st.ResetAt.Sub(now),
			err: &dataset.Error{Code: dataset.ErrRateLimited, Message: msg}}
	}
	a.pending += int64(cost)
	st := l.status(p, used+cost)
	st.Cost = cost
	return st, nil
}

// Peek is c's status without charging anything.
func (l *Limiter) Peek(c Client) Status {
	p := l.policy(c)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(l.cfg.Now())
	used := 0
	if a := l.accounts[c.ID]; a != nil {
		used = int(a.shared + a.pending)
	}
	return l.status(p, used)
}

// status is the status of a client of policy p that has used points in the
// current window. l.mu is held.
func (l *Limiter) status(p Policy, used int) Status {
	return Status{Limit: p.Points, Used: used, Remaining: max(p.Points-used, 0),
		ResetAt: l.window.Add(l.cfg.Window), Window: l.cfg.Window}
}

// Acquire takes one of c's places for a request in flight, or refuses with
// an *Exceeded when they are all taken; release gives it back.
func (l *Limiter) Acquire(c Client) (release func(), err error) {
	p := l.policy(c)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(l.cfg.Now())
	a := l.account(c.ID)
	if a.inFlight >= p.Concurrency {
		msg := fmt.Sprintf("%d requests of this client are running, the most it may have at once: wait for one to finish", p.Concurrency)
		return nil, &Exceeded{Reason: ReasonConcurrency, RetryAfter: time.Second,
			Status: l.status(p, int(a.shared+a.pending)),
			err:    &dataset.Error{Code: dataset.ErrRateLimited, Message: msg}}
	}
	a.inFlight++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			// The window may have rolled and dropped idle accounts; this
			// one was in flight, so it was kept.
			a.inFlight--
		})
	}, nil
}

// Flush sends what this process spent since the last flush to the ledger and
// takes the window's totals from it: one statement for every client.
func (l *Limiter) Flush(ctx context.Context) error {
	if l.cfg.Ledger == nil {
		return nil
	}
	l.mu.Lock()
	l.roll(l.cfg.Now())
	window := l.window
	var ids []string
	var points []int64
	for id, a := range l.accounts {
		if a.pending > 0 {
			ids = append(ids, id)
			points = append(points, a.pending)
			a.pending = 0
		}
	}
	l.mu.Unlock()

	totals, err := l.cfg.Ledger.SpendRateBudget(ctx, window, ids, points)

	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.window.Equal(window) {
		// The window ended meanwhile: its spending no longer matters.
		return err
	}
	if err != nil {
		// Spent all the same: charged again at the next flush.
		for i, id := range ids {
			l.account(id).pending += points[i]
		}
		return fmt.Errorf("share the rate-limit budget: %w", err)
	}
	for id, a := range l.accounts {
		a.shared = totals[id]
		if a.shared == 0 && a.pending == 0 && a.inFlight == 0 {
			delete(l.accounts, id)
		}
	}
	for id, total := range totals {
		if _, ok := l.accounts[id]; !ok {
			l.accounts[id] = &account{shared: total}
		}
	}
	return nil
}

// Run flushes every FlushEvery until ctx ends, then once more so that
// nothing this process spent is lost to the others.
func (l *Limiter) Run(ctx context.Context) {
	if l.cfg.Ledger == nil {
		return
	}
	t := time.NewTicker(l.cfg.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			l.report(l.Flush(final))
			cancel()
			return
		case <-t.C:
			l.report(l.Flush(ctx))
		}
	}
}

// report logs a failing ledger once, and its recovery.
func (l *Limiter) report(err error) {
	l.mu.Lock()
	was := l.failing
	l.failing = err != nil
	l.mu.Unlock()
	switch {
	case err != nil && !was:
		l.cfg.Logger.Warn("the rate-limit budget is kept in this process until the database answers", "error", err)
	case err == nil && was:
		l.cfg.Logger.Info("the rate-limit budget is shared again")
	}
}

type statusKey struct{}

// WithStatus carries the status of the request's charge to what answers it
// (the GraphQL rateLimit field).
func WithStatus(ctx context.Context, st Status) context.Context {
	return context.WithValue(ctx, statusKey{}, st)
}

// StatusFrom is the status WithStatus carries; ok is false when the
// request was not charged.
func StatusFrom(ctx context.Context) (st Status, ok bool) {
	st, ok = ctx.Value(statusKey{}).(Status)
	return st, ok
}
