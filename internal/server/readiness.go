package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/sync/singleflight"

	"indicators/internal/dataset"
)

// readyTimeout bounds one readiness check: a database that takes longer to
// accept a connection is not ready to serve.
const readyTimeout = 2 * time.Second

// readyHandler serves /readyz: 200 when check passes now, else 503. Each
// check opens a new database connection, so probes that arrive while one is
// running wait for its answer instead of opening their own: a crowd of
// callers costs one connection at a time.
func readyHandler(check func(context.Context) error, log *slog.Logger) http.HandlerFunc {
	shared := &sharedCheck{check: check}
	return func(w http.ResponseWriter, r *http.Request) {
		if err := shared.run(r.Context()); err != nil {
			writeError(w, r, log, &dataset.Error{Code: dataset.ErrUnavailable, Message: "the database is unreachable", Err: err})
			return
		}
		writeText(w, http.StatusOK, "ok\n")
	}
}

// sharedCheck runs check at most once at a time; callers that arrive while
// it runs take its answer.
type sharedCheck struct {
	check func(context.Context) error
	group singleflight.Group
}

func (s *sharedCheck) run(ctx context.Context) error {
	select {
	case a := <-s.join(ctx):
		return a.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// join starts a check, or joins the one running, and returns where its
// answer arrives.
func (s *sharedCheck) join(ctx context.Context) <-chan singleflight.Result {
	return s.group.DoChan("ready", func() (any, error) {
		// Not bound to the first caller: the others wait on the same check.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
		defer cancel()
		return nil, s.check(ctx)
	})
}

// WatchDatabase runs check every interval until ctx ends and logs when its
// answer changes: an error once when the database stops accepting new
// connections (readiness fails from then on), a warning once when it
// accepts them again. Between the two it stays quiet, however long the
// outage, so the log says when it began and ended.
func WatchDatabase(ctx context.Context, log *slog.Logger, every time.Duration, check func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	var down error
	var since time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, readyTimeout)
		err := check(cctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil && down == nil:
			down, since = err, time.Now()
			log.ErrorContext(ctx, "the database accepts no new connections: /readyz answers 503 until it does", "error", err)
		case err == nil && down != nil:
			log.WarnContext(ctx, "the database accepts new connections again: /readyz answers 200", "down_for", time.Since(since).Round(time.Millisecond), "was", down.Error())
			down = nil
		}
	}
}
