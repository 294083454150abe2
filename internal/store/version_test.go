package store_test

import (
	"context"
	"os"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/testdb"
)

func TestDatasetVersion(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t)
	b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := dataset.Parse("fixture.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	corrected, err := dataset.Parse("fixture.yaml", append(b, []byte("# corrected\n")...))
	if err != nil {
		t.Fatal(err)
	}
	version := func() string {
		t.Helper()
		v, err := s.DatasetVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v.String()
	}
	load := func(ds *dataset.Dataset) {
		t.Helper()
		if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]string{}
	steps := []struct {
		name    string
		do      func()
		changes bool
	}{
		{"empty database", func() {}, true},
		{"first load", func() { load(fixture) }, true},
		{"same file again", func() { load(fixture) }, false},
		{"corrected file replaces the release", func() { load(corrected) }, true},
	}
	prev := ""
	for _, st := range steps {
		st.do()
		v := version()
		if changed := v != prev; changed != st.changes {
			t.Errorf("%s: version changed = %v, want %v", st.name, changed, st.changes)
		}
		if other, ok := seen[v]; ok && st.changes {
			t.Errorf("%s: version %s repeats %s", st.name, v, other)
		}
		seen[v], prev = st.name, v
	}
}
