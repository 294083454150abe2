package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// splitFixture writes testdata/fixture-split.yaml and fixture.csv, each
// edited, to a directory and parses the data file there.
func splitFixture(t *testing.T, editYAML, editCSV func(string) string) (*Dataset, error) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		name string
		edit func(string) string
	}{{"fixture-split.yaml", editYAML}, {"fixture.csv", editCSV}} {
		b, err := os.ReadFile(filepath.Join("testdata", f.name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if f.edit != nil {
			text = f.edit(text)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "fixture-split.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(filepath.Join(dir, "fixture-split.yaml"), data)
}

func streamAll(ds *Dataset) ([]Observation, error) {
	var obs []Observation
	err := ds.StreamObservations(nil, func(o Observation) error {
		obs = append(obs, o)
		return nil
	})
	return obs, err
}

// TestStreamObservationsMatchesYAML: the fixture's observations read from
// CSV are those of the YAML fixture (but `also`, which CSV does not have),
// in the same order, a derived one right after its source.
func TestStreamObservationsMatchesYAML(t *testing.T) {
	inline, err := Parse("fixture.yaml", []byte(readFixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := splitFixture(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Observations) != 0 || !strings.HasSuffix(ds.ObservationsFile, "/fixture.csv") {
		t.Fatalf("observations file %q, %d observations in memory; want the CSV beside the data file, none", ds.ObservationsFile, len(ds.Observations))
	}
	got, err := streamAll(ds)
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	if len(got) != len(inline.Observations) {
		t.Fatalf("streamed %d observations, the YAML fixture has %d", len(got), len(inline.Observations))
	}
	for i, want := range inline.Observations {
		g := got[i]
		want.AlsoStated, want.Line = nil, 0
		g.Line = 0
		if g.Key() != want.Key() || g.Value.String() != want.Value.String() || g.Status != want.Status ||
			g.DerivedFrom != want.DerivedFrom || g.Source != want.Source || g.Note != want.Note ||
			g.Agency != want.Agency || g.Unit != want.Unit || g.Qualifier != want.Qualifier {
			t.Errorf("observation %d:\n got %+v\nwant %+v", i, g, want)
		}
	}
}

// TestStreamObservationsRejects: every problem of an observations file is
// reported at its FILE:LINE, by the rules of a YAML observation.
func TestStreamObservationsRejects(t *testing.T) {
	tests := []struct {
		name    string
		old     string // text of fixture.csv to replace (first occurrence)
		new     string
		line    int
		problem string
	}{
		{"unknown indicator", "hotline_calls,", "hotline_call,", 6, `unknown indicator "hotline_call"`},
		{"unknown dimension", ",SEX=F,", ",GENDER=F,", 3, `unknown dimension "GENDER"`},
		{"unknown member", ",SEX=F,", ",SEX=X,", 3, `unknown member "X" of dimension SEX`},
		{"dimension twice", ",SEX=F,", ",SEX=F;SEX=M,", 3, `dimension "SEX" given twice`},
		{"by not DIM=MEMBER", ",SEX=F,", ",SEX:F,", 3, `by: "SEX:F" is not DIMENSION=MEMBER`},
		{"thousands separator", ",10254,", `,"10,254",`, 6, `value "10,254" is not a plain decimal (write 10254)`},
		{"missing quote", ",1.441,", ",,", 5, "quote is required"},
		{"bad change", ",+628,", ",628 more,", 6, `change "628 more"`},
		{"bad qualifier", ",exact,", ",roughly,", 6, `unknown qualifier "roughly"`},
		{"bad period", ",2005-2024,1441", ",2024-2005,1441", 5, "ends before it starts"},
		{"unknown area", ",AZE,", ",AZR,", 4, `unknown area "AZR"`},
		{"unknown unit", ",persons,", ",people,", 5, `unknown unit "people"`},
		{"unknown agency", ",MIA,,persons", ",MOI,,persons", 5, `unknown agency "MOI"`},
		{"unknown column", ",note\n", ",notes\n", 1, `unknown column "notes"`},
		{"required column missing", ",quote,", ",quotation,", 1, `column "quote" is required`},
		{"column twice", ",note\n", ",quote\n", 1, `column "quote" given twice`},
		{"wrong number of fields", "(90 women, 1 man)\",\n", "(90 women, 1 man)\"\n", 3, "wrong number of fields"},
		{"bare quote", ",1.441,", `,1.4"41,`, 5, `bare " in non-quoted-field`},
		{"a line after a quoted line break", "(90 women, 1 man)\",\n", "(90 women,\n1 man)\",\n", 7, `unknown indicator "hotline_call"`},
		{"empty file", "", "", 1, "observations file: empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edit := func(s string) string {
				if tc.name == "empty file" {
					return ""
				}
				if !strings.Contains(s, tc.old) {
					t.Fatalf("fixture.csv has no %q", tc.old)
				}
				s = strings.Replace(s, tc.old, tc.new, 1)
				if tc.name == "a line after a quoted line break" {
					s = strings.Replace(s, "hotline_calls,", "hotline_call,", 1)
				}
				return s
			}
			ds, err := splitFixture(t, nil, edit)
			if err != nil {
				t.Fatalf("parse the data file: %v", err)
			}
			var emitted int
			err = ds.StreamObservations(nil, func(Observation) error { emitted++; return nil })
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("stream error = %v, want a ValidationError", err)
			}
			for _, p := range verr.Problems {
				if strings.Contains(p.Reason, tc.problem) {
					if p.Line != tc.line || p.File != ds.ObservationsFile {
						t.Errorf("problem %q at %s:%d, want %s:%d", p.Reason, p.File, p.Line, ds.ObservationsFile, tc.line)
					}
					return
				}
			}
			t.Errorf("problems %v do not include %q", verr.Problems, tc.problem)
		})
	}
}

// TestObservationsFileInDataFile: what the data file itself may get wrong
// about its observations file, at its own lines.
func TestObservationsFileInDataFile(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		line    int
		problem string
	}{
		{"observations beside it", func(s string) string {
			return s + "observations:\n  - {indicator: hotline_calls, period: 2023, value: 1, agency: MIA, section: S, quote: \"1\"}\n"
		}, 52, "observations and observations_file exclude each other"},
		{"relation without parts", func(s string) string {
			return s + "relations:\n  - {name: R, kind: sum, whole: {indicator: hotline_calls, period: 2024}, parts: []}\n"
		}, 52, "relation: parts are required"},
		{"relation to an unknown indicator", func(s string) string {
			return s + splitRelation("hotline_call", "SEX: F")
		}, 54, `relation: unknown indicator "hotline_call"`},
		{"relation to an unknown member", func(s string) string {
			return s + splitRelation("victims_identified", "SEX: X")
		}, 56, `relation: unknown member "X" of dimension SEX`},
		{"headline with a total in the observations file", func(s string) string {
			return strings.Replace(s, "    unit: persons\n    theme: protection\n", "    unit: persons\n    theme: protection\n    headline: {by: {SEX: F}}\n", 1)
		}, 42, "indicator victims_identified: headline: the file states a total of it (line 2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := splitFixture(t, tc.edit, nil)
			if err == nil {
				_, err = streamAll(ds)
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("error = %v, want a ValidationError", err)
			}
			for _, p := range verr.Problems {
				if strings.Contains(p.Reason, tc.problem) {
					if p.Line != tc.line || !strings.HasSuffix(p.File, "fixture-split.yaml") {
						t.Errorf("problem %q at %s:%d, want fixture-split.yaml:%d", p.Reason, p.File, p.Line, tc.line)
					}
					return
				}
			}
			t.Errorf("problems %v do not include %q", verr.Problems, tc.problem)
		})
	}
}

// splitRelation is a sum relation for the split fixture: the 2024 victims as
// whole, of indicator whole, and one part by the coordinates by.
func splitRelation(whole, by string) string {
	return "relations:\n  - name: R\n    kind: sum\n    whole: {indicator: " + whole +
		", period: 2024}\n    parts:\n      - {indicator: victims_identified, period: 2024, by: {" + by + "}}\n"
}

// TestObservationsFileRelations: a data file with an observations file may
// have relations. Their references are read with the code lists' checks
// when the data file is parsed, and the cells they name are the streamed
// rows' to fill: CheckRelationCells reports, at the data file's line, one
// no row fills once the rows are held (the loader checks the staged rows
// in SQL: store's TestStreamedRelations).
func TestObservationsFileRelations(t *testing.T) {
	tests := []struct {
		name    string
		by      string
		line    int
		problem string
	}{
		{"every cell streamed", "SEX: F", 0, ""},
		{"a part no row fills", "SEX: M", 56, "relation: no observation victims_identified AZE 2024 SEX=M in this file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := splitFixture(t, func(s string) string { return s + splitRelation("victims_identified", tc.by) }, nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(ds.Relations) != 1 || len(ds.Relations[0].Cells) != 2 || ds.Relations[0].Parts[0] != ds.Relations[0].Cells[1].Key() {
				t.Fatalf("relations %+v, want one of two cells", ds.Relations)
			}
			if ds.Observations, err = streamAll(ds); err != nil {
				t.Fatal(err)
			}
			err = ds.CheckRelationCells()
			if tc.problem == "" {
				if err != nil {
					t.Errorf("CheckRelationCells: %v", err)
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) != 1 {
				t.Fatalf("CheckRelationCells = %v, want one problem", err)
			}
			if p := verr.Problems[0]; p.Line != tc.line || p.File != ds.File || !strings.HasSuffix(p.File, "fixture-split.yaml") || p.Reason != tc.problem {
				t.Errorf("problem %s, want fixture-split.yaml:%d: %s", p, tc.line, tc.problem)
			}
		})
	}
}

// TestObservationsFileChecksum: the release's checksum covers the
// observations file, so a load tells a corrected CSV from the same one.
func TestObservationsFileChecksum(t *testing.T) {
	sum := func(editCSV func(string) string) string {
		t.Helper()
		ds, err := splitFixture(t, nil, editCSV)
		if err != nil {
			t.Fatal(err)
		}
		// Hashing twice adds the file once.
		for range 2 {
			if err := ds.HashObservationsFile(); err != nil {
				t.Fatal(err)
			}
		}
		return ds.Release.Checksum
	}
	a := sum(nil)
	once, err := splitFixture(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := once.HashObservationsFile(); err != nil {
		t.Fatal(err)
	}
	b := once.Release.Checksum
	c := sum(func(s string) string { return strings.Replace(s, ",10254,", ",10255,", 1) })
	if a != b || a == c || len(a) != 64 {
		t.Errorf("checksums %s, %s (same files), %s (one figure changed)", a, b, c)
	}
}
