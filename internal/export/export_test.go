package export_test

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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
	f, ok := export.Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	eq, err := export.ParseQuery(f, q)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	// Through a snapshot, as every export reads.
	err = s.Snapshot(context.Background(), func(r dataset.Reader) error {
		in, err := export.NewInput(context.Background(), r, eq.Filter)
		if err != nil {
			return err
		}
		in.Prepared = prepared
		return f.Write(context.Background(), eq.Writer(&buf), in)
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

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name   string
		format string // observations.csv when empty
		query  string
		want   export.Query
		// wantErr is a part of the message of the BAD_USER_INPUT refusal.
		wantErr string
	}{
		{name: "GraphQL's names and enum spellings",
			query: "indicators=victims_identified&themes=PROTECTION&agencies=MIA&refAreas=AZE&releases=az-2024&statuses=REPORTED&qualifiers=MORE_THAN&periodFrom=2020&periodTo=2024",
			want: export.Query{Filter: dataset.Filter{Indicators: []string{"victims_identified"}, Themes: []dataset.Theme{dataset.ThemeProtection},
				Agencies: []string{"MIA"}, RefAreas: []string{"AZE"}, Releases: []string{"az-2024"}, Statuses: []dataset.Status{dataset.Reported},
				Qualifiers: []dataset.Qualifier{dataset.MoreThan}, PeriodFrom: 2020, PeriodTo: 2024}}},
		{name: "lists by separator and by repetition, in order",
			query: "indicators=a,b&indicators=c&qualifiers=EXACT,AT_LEAST",
			want:  export.Query{Filter: dataset.Filter{Indicators: []string{"a", "b", "c"}, Qualifiers: []dataset.Qualifier{dataset.Exact, dataset.AtLeast}}}},
		{name: "members of one dimension OR together across values",
			query: "members=SEX=F,AGE=Y18T25&members=SEX=M",
			want: export.Query{Filter: dataset.Filter{Members: []dataset.MemberFilter{
				{Dimension: "SEX", Members: []string{"F", "M"}}, {Dimension: "AGE", Members: []string{"Y18T25"}}}}}},
		{name: "totalOver, brokenDownBy, exactlyBy",
			query: "totalOver=SEX&brokenDownBy=AGE&exactlyBy=AGE,REGION",
			want:  export.Query{Filter: dataset.Filter{TotalOver: []string{"SEX"}, BrokenDownBy: []string{"AGE"}, ExactlyBy: []string{"AGE", "REGION"}}}},
		{name: "an empty exactlyBy is [] (totals over every dimension), not absent",
			query: "exactlyBy=",
			want:  export.Query{Filter: dataset.Filter{ExactlyBy: []string{}}}},
		{name: "legacy names and lower-case enums",
			query: "indicator=a&theme=protection&agency=MIA&area=AZE&release=az-2024&status=derived&qualifier=more_than&member=SEX=F&total=AGE&by=REGION&period_from=2020&period_to=2024",
			want: export.Query{Filter: dataset.Filter{Indicators: []string{"a"}, Themes: []dataset.Theme{dataset.ThemeProtection},
				Agencies: []string{"MIA"}, RefAreas: []string{"AZE"}, Releases: []string{"az-2024"}, Statuses: []dataset.Status{dataset.Derived},
				Qualifiers: []dataset.Qualifier{dataset.MoreThan}, Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}},
				TotalOver: []string{"AGE"}, BrokenDownBy: []string{"REGION"}, PeriodFrom: 2020, PeriodTo: 2024}}},
		{name: "legacy period sets both bounds", query: "period=2024",
			want: export.Query{Filter: dataset.Filter{PeriodFrom: 2024, PeriodTo: 2024}}},
		{name: "legacy and new name of one list merge", query: "indicator=a&indicators=b",
			want: export.Query{Filter: dataset.Filter{Indicators: []string{"a", "b"}}}},
		{name: "exact periods, by separator and repetition", query: "periods=2024,2005-2024&periods=2019-2022",
			want: export.Query{Filter: dataset.Filter{Periods: []dataset.Period{{Start: 2024, End: 2024}, {Start: 2005, End: 2024}, {Start: 2019, End: 2022}}}}},
		{name: "period length and lastN", query: "periodLength=1&lastN=3",
			want: export.Query{Filter: dataset.Filter{PeriodLength: ptr(1), LastN: ptr(3)}}},
		{name: "bom on a CSV", query: "bom=true", want: export.Query{BOM: true}},
		{name: "bom on SDMX-CSV", format: "sdmx.csv", query: "bom=1", want: export.Query{BOM: true}},
		{name: "bom=false", query: "bom=false", want: export.Query{}},

		{name: "unknown parameter lists the valid ones", query: "indicatr=x",
			wantErr: `unknown parameter "indicatr"; the parameters are indicators, themes, agencies, refAreas, releases, statuses, qualifiers, periodFrom, periodTo, periods, periodLength, lastN, firstN, members, totalOver, brokenDownBy, exactlyBy, updatedAfter, asOf, bom`},
		{name: "a huge unknown name is cut", query: "x" + strings.Repeat("y", 5000) + "=1", wantErr: `unknown parameter "xyyy`},
		{name: "a value too long for any code", query: "releases=" + strings.Repeat("r", 100_000), wantErr: "releases: a value of 100000 bytes; values are at most 256"},
		{name: "mixed-case enum", query: "themes=Protection", wantErr: `themes: "Protection": write enum values as GraphQL does, in upper case (PROTECTION)`},
		{name: "unknown enum value in GraphQL spelling", query: "themes=RESCUE", wantErr: `themes: "RESCUE" is not one of PREVENTION, PROTECTION, PROSECUTION, PARTNERSHIP, CONTEXT`},
		{name: "bad status", query: "statuses=GUESSED", wantErr: `statuses: "GUESSED" is not one of REPORTED, DERIVED`},
		{name: "bad qualifier", query: "qualifier=roughly", wantErr: `qualifiers: "ROUGHLY" is not one of EXACT`},
		{name: "not a year", query: "periodFrom=20x4", wantErr: `periodFrom: "20x4" is not an integer`},
		{name: "a year out of range", query: "periodTo=32768", wantErr: "periodTo: 32768 is not a year between"},
		{name: "a bound given twice", query: "period=2024&periodFrom=2020", wantErr: "periodFrom: given 2 times; it takes one value"},
		{name: "member without member", query: "members=SEX", wantErr: `members: "SEX" is not DIMENSION=MEMBER`},
		{name: "an empty item in a list", query: "indicators=a,,b", wantErr: `indicators: "a,,b" has an empty item`},
		{name: "bom on JSON", format: "sdmx.json", query: "bom=true", wantErr: "bom: sdmx.json is not a CSV export"},
		{name: "bom neither true nor false", query: "bom=yes", wantErr: `bom: "yes" is neither true nor false`},
		{name: "a backwards period", query: "periods=2024-2005", wantErr: `periods: "2024-2005": period "2024-2005" ends before it starts`},
		{name: "not a period", query: "periods=last", wantErr: `periods: "last": period "last": year "last" is not a number`},
		{name: "period length 0", query: "periodLength=0", wantErr: "periodLength: 0 is not a number of years between 1 and 301"},
		{name: "period length not a number", query: "periodLength=yearly", wantErr: `periodLength: "yearly" is not an integer`},
		{name: "lastN 0", query: "lastN=0", wantErr: "lastN: 0; give at least 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			values, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			format := cmp.Or(tc.format, "observations.csv")
			f, ok := export.Lookup(format)
			if !ok {
				t.Fatalf("no format %s", format)
			}
			got, err := export.ParseQuery(f, values)
			if tc.wantErr != "" {
				if err == nil || dataset.CodeOf(err) != dataset.ErrBadInput || !strings.Contains(dataset.MessageOf(err), tc.wantErr) {
					t.Fatalf("error %v (code %s), want BAD_USER_INPUT containing %q", err, dataset.CodeOf(err), tc.wantErr)
				}
				if len(dataset.MessageOf(err)) > 1000 {
					t.Errorf("message of %d bytes echoes the input", len(dataset.MessageOf(err)))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestBOM reads the bytes: with bom=true a CSV starts with EF BB BF and is
// otherwise the same file.
func TestBOM(t *testing.T) {
	s := loaded(t)
	for _, format := range []string{"observations.csv", "sdmx.csv", "glotip.csv"} {
		t.Run(format, func(t *testing.T) {
			plain := exportBytes(t, s, format, "release=az-2024")
			marked := exportBytes(t, s, format, "release=az-2024&bom=true")
			if !bytes.HasPrefix(marked, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(plain, []byte{0xEF, 0xBB, 0xBF}) {
				t.Fatalf("bom=true starts % x, without % x", marked[:min(3, len(marked))], plain[:min(3, len(plain))])
			}
			if !bytes.Equal(marked[3:], plain) {
				t.Error("with the mark, the rest of the file differs")
			}
		})
	}
}

// TestFileName: the name that goes into Content-Disposition holds only safe
// characters and stays short, whatever the release codes.
func TestFileName(t *testing.T) {
	f, _ := export.Lookup("sdmx.csv")
	tests := []struct {
		name     string
		releases []string
		want     string
	}{
		{"one release", []string{"az-2024"}, "TIP_INDICATORS_az-2024_sdmx.csv"},
		{"sorted, once each", []string{"b", "a", "b"}, "TIP_INDICATORS_a+b_sdmx.csv"},
		{"quotes, separators, control characters", []string{"a\"b;c\r\nd/é"}, "TIP_INDICATORS_a_b_c__d___sdmx.csv"},
		{"long", []string{strings.Repeat("r", 5000)}, "TIP_INDICATORS_" + strings.Repeat("r", 120) + "+more_sdmx.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := export.FileName(f, export.Input{Filter: dataset.Filter{Releases: tc.releases}})
			if got != tc.want {
				t.Errorf("FileName = %q, want %q", got, tc.want)
			}
		})
	}
}

func ptr(n int) *int { return &n }
