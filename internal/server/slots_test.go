package server

import (
	"context"
	"testing"
	"time"

	"indicators/internal/dataset"
)

// TestSlots: requests past the concurrency bound queue within theirs, and
// past the queue are shed at once with a retryable code.
func TestSlots(t *testing.T) {
	s := newSlots(1, 1, time.Minute)
	ctx := context.Background()
	release, err := s.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queued := make(chan error, 1)
	go func() {
		r, err := s.acquire(ctx)
		if err == nil {
			r()
		}
		queued <- err
	}()
	// Wait until the second request is in the queue.
	for s.queued.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := s.acquire(ctx); dataset.CodeOf(err) != dataset.ErrUnavailable {
		t.Errorf("past the queue: %v, want %s", err, dataset.ErrUnavailable)
	}
	release()
	if err := <-queued; err != nil {
		t.Errorf("queued request: %v", err)
	}

	t.Run("a wait that runs out", func(t *testing.T) {
		s := newSlots(1, 1, time.Millisecond)
		release, _ := s.acquire(ctx)
		defer release()
		if _, err := s.acquire(ctx); dataset.CodeOf(err) != dataset.ErrUnavailable {
			t.Errorf("%v, want %s", err, dataset.ErrUnavailable)
		}
	})
}
