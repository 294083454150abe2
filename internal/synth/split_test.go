package synth_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/synth"
)

// writeSplit writes a data file and its observations file to a directory
// and parses the data file.
func writeSplit(tb testing.TB, o synth.Options) (*dataset.Dataset, synth.Stats) {
	tb.Helper()
	dir := tb.TempDir()
	var data bytes.Buffer
	// The observations go straight to the file, so a benchmark's heap
	// holds none of them.
	obs, err := os.Create(filepath.Join(dir, "world.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	st, err := synth.WriteSplit(&data, obs, "world.csv", o)
	if err != nil {
		tb.Fatal(err)
	}
	if err := obs.Close(); err != nil {
		tb.Fatal(err)
	}
	name := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(name, data.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	ds, err := dataset.Parse(name, data.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return ds, st
}

// TestSplitMatchesInline: the observations file states, row by row, the
// observations the YAML form states, derived ones included, and the code
// lists are the same.
func TestSplitMatchesInline(t *testing.T) {
	o := synth.Options{Observations: 5000, Seed: 3, Release: "world-test"}
	data, st := write(t, o)
	inline, err := dataset.Parse("world.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	split, splitStats := writeSplit(t, o)
	if st != splitStats || split.Release.Code != "world-test" || len(split.Dimensions) != len(inline.Dimensions) {
		t.Fatalf("split file: %s, release %s; inline: %s", splitStats, split.Release.Code, st)
	}
	i := 0
	err = split.StreamObservations(nil, func(got dataset.Observation) error {
		want := inline.Observations[i]
		if got.Key() != want.Key() || !got.Value.Equal(want.Value) || got.Status != want.Status ||
			got.DerivedFrom != want.DerivedFrom || got.Qualifier != want.Qualifier || got.Source != want.Source {
			t.Errorf("observation %d: got %+v, want %+v", i, got, want)
		}
		i++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i != len(inline.Observations) {
		t.Errorf("streamed %d observations, the YAML form has %d", i, len(inline.Observations))
	}
}

// BenchmarkStreamObservations reads a synthetic observations file of
// BENCH_OBSERVATIONS (default 100000) observations and reports the largest
// live heap while it streams: flat as the file grows, where decoding YAML
// whole took about 8 KB per observation.
//
//	BENCH_OBSERVATIONS=1000000 go test ./internal/synth -run '^$' -bench Stream -benchtime 1x
func BenchmarkStreamObservations(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_OBSERVATIONS")); err == nil && v > 0 {
		n = v
	}
	ds, _ := writeSplit(b, synth.Options{Observations: n, Seed: 1})
	runtime.GC()
	// The live heap as of the last collection: what the stream holds, not
	// the garbage between two collections.
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak uint64
	rows := 0
	for b.Loop() {
		rows = 0
		err := ds.StreamObservations(nil, func(dataset.Observation) error {
			if rows++; rows%10_000 == 0 {
				metrics.Read(live)
				peak = max(peak, live[0].Value.Uint64())
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows), "observations")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/observation")
}
