package export_test

import (
	"bytes"
	"context"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMain(m *testing.M) { testdb.Main(m) }

// loaded returns a store holding the fixture and the bundled dataset.
func loaded(t *testing.T) *store.Store {
	t.Helper()
	s := testdb.New(t)
	b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := dataset.Parse("fixture.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), []*dataset.Dataset{fixture, bundled}, false); err != nil {
		t.Fatal(err)
	}
	return s
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/export -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; rerun with -update and review the diff", name)
	}
}

func TestGoldenExports(t *testing.T) {
	s := loaded(t)
	tests := []struct {
		name   string
		format string
		query  string
	}{
		{"tidy, fixture release", "observations.csv", "release=fixture-2024"},
		{"tidy, bundled release", "observations.csv", "release=az-2024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			filter, err := export.ParseFilter(q)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := export.Write(context.Background(), s, export.Formats[tc.format], filter, &buf); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Base(tc.format)+"."+q.Get("release")+".golden", buf.Bytes())
		})
	}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		wantErr bool
		check   func(store.ObservationFilter) bool
	}{
		{"members of one dimension OR together", "member=SEX=F&member=SEX=M&member=AGE=Y18T25", false, func(f store.ObservationFilter) bool {
			return len(f.Members) == 2 && len(f.Members[0].Members) == 2 && f.Members[1].Dimension == "AGE"
		}},
		{"period sets both bounds", "period=2024", false, func(f store.ObservationFilter) bool { return f.PeriodFrom == 2024 && f.PeriodTo == 2024 }},
		{"total and by", "total=SEX&by=AGE", false, func(f store.ObservationFilter) bool { return f.TotalOver[0] == "SEX" && f.BrokenDownBy[0] == "AGE" }},
		{"unknown parameter", "indicatr=x", true, nil},
		{"bad year", "period_from=20x4", true, nil},
		{"member without member", "member=SEX", true, nil},
		{"bad status", "status=guessed", true, nil},
		{"bad qualifier", "qualifier=roughly", true, nil},
		{"bad theme", "theme=rescue", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			f, err := export.ParseFilter(q)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.check != nil && !tc.check(f) {
				t.Errorf("filter = %+v", f)
			}
		})
	}
}
