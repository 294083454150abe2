package server

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"golang.org/x/sync/singleflight"
)

// TestReadinessProbesShareOneCheck: probes arriving while a check runs take
// its answer (one new database connection for the crowd); a probe after it
// checks again.
func TestReadinessProbesShareOneCheck(t *testing.T) {
	var calls atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	refused := errors.New("refused")
	shared := &sharedCheck{check: func(context.Context) error {
		if calls.Add(1) == 1 {
			close(started)
			<-release
		}
		return refused
	}}

	ctx := context.Background()
	answers := []<-chan singleflight.Result{shared.join(ctx)}
	<-started
	for range 9 {
		answers = append(answers, shared.join(ctx))
	}
	close(release)
	for _, a := range answers {
		if r := <-a; !errors.Is(r.Err, refused) {
			t.Errorf("a probe answered %v, want the shared check's answer", r.Err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d probes arriving during one check ran %d checks, want 1", len(answers), n)
	}
	if err := shared.run(ctx); !errors.Is(err, refused) {
		t.Errorf("a later probe answered %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("a probe after the check ran %d checks in all, want 2", n)
	}
}
