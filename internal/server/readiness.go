package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"indicators/internal/dataset"
)

// readyTimeout bounds one readiness check: a database that takes longer to
// accept a connection is not ready to serve.
const readyTimeout = 2 * time.Second

// readyHandler serves /readyz: 200 when check passes now, else 503.
func readyHandler(check func(context.Context) error, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := check(ctx); err != nil {
			writeError(w, r, log, &dataset.Error{Code: dataset.ErrUnavailable, Message: "the database is unreachable", Err: err})
			return
		}
		writeText(w, http.StatusOK, "ok\n")
	}
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
