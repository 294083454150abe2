package server

import (
	"context"
	"sync/atomic"
	"time"

	"indicators/internal/dataset"
)

// slots bounds the GraphQL requests executing at once. A request past the
// bound waits in a queue of its own bound for up to wait; a full queue or a
// wait that runs out answers 503 at once. Shedding early keeps the latency
// of the requests admitted near that of an idle server: past the database
// pool's size, more concurrent queries only wait on each other.
type slots struct {
	run     chan struct{}
	queued  atomic.Int64
	maxWait time.Duration
	queue   int64
}

func newSlots(concurrent, queue int, wait time.Duration) *slots {
	return &slots{run: make(chan struct{}, concurrent), queue: int64(queue), maxWait: wait}
}

// acquire takes a slot, waiting for one within the queue's bounds; release
// gives it back.
func (s *slots) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-s.run }
	select {
	case s.run <- struct{}{}:
		return release, nil
	default:
	}
	if s.queued.Add(1) > s.queue {
		s.queued.Add(-1)
		return nil, s.busy()
	}
	defer s.queued.Add(-1)
	timer := time.NewTimer(s.maxWait)
	defer timer.Stop()
	select {
	case s.run <- struct{}{}:
		return release, nil
	case <-timer.C:
		return nil, s.busy()
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (s *slots) busy() error {
	return dataset.Errorf(dataset.ErrUnavailable,
		"the server is busy (%d requests running, %d waiting); retry in a few seconds", cap(s.run), s.queue)
}
