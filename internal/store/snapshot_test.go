package store_test

import (
	"context"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// TestSnapshotIgnoresLaterLoads: a load that commits while a snapshot is
// open changes nothing the snapshot reads, and the next snapshot sees it.
func TestSnapshotIgnoresLaterLoads(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t)
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, []*dataset.Dataset{bundled}, false); err != nil {
		t.Fatal(err)
	}
	type state struct {
		version      dataset.Version
		releases     int
		observations int
	}
	read := func(r dataset.Reader) state {
		t.Helper()
		var st state
		var err error
		if st.version, err = r.DatasetVersion(ctx); err != nil {
			t.Fatal(err)
		}
		rels, err := r.Releases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st.releases = len(rels)
		if err := r.EachObservation(ctx, dataset.Filter{}, func(dataset.Observation) error {
			st.observations++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	var before, during state
	err = s.Snapshot(ctx, func(r dataset.Reader) error {
		before = read(r)
		if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
			t.Fatal(err)
		}
		during = read(r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if during != before {
		t.Errorf("inside the snapshot after a load: %+v, before it %+v", during, before)
	}
	after := read(s)
	if after.releases != before.releases+1 || after.observations <= before.observations || after.version == before.version {
		t.Errorf("after the snapshot: %+v, before %+v", after, before)
	}
}

// TestSnapshotWaitsForTheExportShare: with every export connection held,
// another snapshot waits, and gives up as SERVICE_UNAVAILABLE when its
// context ends; the API's pool is not affected.
func TestSnapshotWaitsForTheExportShare(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, testdb.DSN(t), store.WithExportConns(1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Snapshot(ctx, func(dataset.Reader) error {
		// The only export connection is held here; the deadline only bounds
		// the wait, which cannot end with a connection.
		waitCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := s.Snapshot(waitCtx, func(dataset.Reader) error {
			t.Error("a second snapshot ran beside the first with a share of one")
			return nil
		})
		if code := dataset.CodeOf(err); code != dataset.ErrUnavailable {
			t.Errorf("second snapshot: %v (code %s), want %s", err, code, dataset.ErrUnavailable)
		}
		if _, err := s.DatasetVersion(ctx); err != nil {
			t.Errorf("the API's pool while exports are busy: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
