package export_test

import (
	"bytes"
	"context"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/framework"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMain(m *testing.M) { testdb.Main(m) }

// loaded returns a store holding the fixture and the bundled dataset, and
// the data files at the given paths.
func loaded(t testing.TB, files ...string) *store.Store {
	t.Helper()
	s := testdb.New(t)
	sets := []*dataset.Dataset{parseFile(t, "../dataset/testdata/fixture.yaml")}
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	sets = append(sets, bundled)
	for _, f := range files {
		sets = append(sets, parseFile(t, f))
	}
	if _, err := s.Load(context.Background(), sets, false); err != nil {
		t.Fatal(err)
	}
	return s
}

func parseFile(t testing.TB, path string) *dataset.Dataset {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Parse(filepath.Base(path), b)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// populationFixture is a made-up population figure for the rate tests; it
// is not real data and never part of the bundled dataset.
const populationFixture = "testdata/population-fixture.yaml"

// prepared stands in for the load time in golden files, which would
// otherwise differ on every run.
var prepared = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// exportBytes writes format f for the query, with the fixed preparation time.
func exportBytes(t testing.TB, s *store.Store, format, query string) []byte {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	filter, err := export.ParseFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := export.Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	var buf bytes.Buffer
	// Through a snapshot, as every export reads.
	err = s.Snapshot(context.Background(), func(r dataset.Reader) error {
		in, err := export.NewInput(context.Background(), r, filter)
		if err != nil {
			return err
		}
		in.Prepared = prepared
		return f.Write(context.Background(), &buf, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
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
	withPopulation := loaded(t, populationFixture)
	tests := []struct {
		name   string
		store  *store.Store
		format string
		query  string
		golden string
	}{
		{"tidy, fixture release", s, "observations.csv", "release=fixture-2024", "observations.csv.fixture-2024"},
		{"tidy, bundled release", s, "observations.csv", "release=az-2024", "observations.csv.az-2024"},
		{"SDMX-CSV", s, "sdmx.csv", "release=az-2024", "sdmx.csv.az-2024"},
		{"SDMX-JSON", s, "sdmx.json", "release=az-2024", "sdmx.json.az-2024"},
		{"SDMX-JSON, one indicator", s, "sdmx.json", "release=az-2024&indicator=victims_identified", "sdmx.json.az-2024-victims"},
		{"SDMX structure", s, "structure.json", "", "structure.json"},
		{"UNODC GLOTIP", s, "glotip.csv", "release=az-2024", "glotip.csv.az-2024"},
		{"SDG 16.2.2 without population", s, "sdg-16-2-2.csv", "release=az-2024", "sdg-16-2-2.csv.az-2024"},
		{"SDG 16.2.2 with population", withPopulation, "sdg-16-2-2.csv", "release=az-2024", "sdg-16-2-2.csv.az-2024+population"},
		{"GRETA coverage", s, "greta-coverage.csv", "release=az-2024", "greta-coverage.csv.az-2024"},
		{"GLOTIP coverage", s, "glotip-coverage.csv", "release=az-2024", "glotip-coverage.csv.az-2024"},
		{"SDG coverage with population", withPopulation, "sdg-16-2-2-coverage.csv", "release=az-2024", "sdg-16-2-2-coverage.csv.az-2024+population"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.golden+".golden", exportBytes(t, tc.store, tc.format, tc.query))
		})
	}
}

func TestFormatRegistry(t *testing.T) {
	if names := export.FormatNames(); len(slices.Compact(names)) != len(export.Formats) {
		t.Errorf("format names are not unique: %v", names)
	}
	tests := []struct {
		name, lookup, want string
	}{
		{"by name", "sdmx.csv", "sdmx.csv"},
		{"by alias", "structure", "structure.json"},
	}
	for _, fw := range framework.All() {
		tests = append(tests, struct{ name, lookup, want string }{"coverage of " + fw.Name, fw.Name + "-coverage.csv", fw.Name + "-coverage.csv"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := export.Lookup(tc.lookup)
			if !ok || f.Name != tc.want || f.Write == nil || f.ContentType == "" || f.Description == "" {
				t.Errorf("Lookup(%q) = %+v, %v", tc.lookup, f, ok)
			}
		})
	}
	if _, ok := export.Lookup("sdmx.xml"); ok {
		t.Error("Lookup of an unknown format succeeded")
	}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		wantErr bool
		check   func(dataset.Filter) bool
	}{
		{"members of one dimension OR together", "member=SEX=F&member=SEX=M&member=AGE=Y18T25", false, func(f dataset.Filter) bool {
			return len(f.Members) == 2 && len(f.Members[0].Members) == 2 && f.Members[1].Dimension == "AGE"
		}},
		{"period sets both bounds", "period=2024", false, func(f dataset.Filter) bool { return f.PeriodFrom == 2024 && f.PeriodTo == 2024 }},
		{"total and by", "total=SEX&by=AGE", false, func(f dataset.Filter) bool { return f.TotalOver[0] == "SEX" && f.BrokenDownBy[0] == "AGE" }},
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
			if err != nil && dataset.CodeOf(err) != dataset.ErrBadInput {
				t.Errorf("code %s, want %s", dataset.CodeOf(err), dataset.ErrBadInput)
			}
			if tc.check != nil && !tc.check(f) {
				t.Errorf("filter = %+v", f)
			}
		})
	}
}
