package dataset

import (
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func readFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseFixture(t *testing.T) {
	ds, err := Parse("fixture.yaml", []byte(readFixture(t)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := len(ds.Observations), 7; got != want {
		t.Fatalf("observations = %d, want %d (5 reported + 2 derived)", got, want)
	}
	if len(ds.Release.Checksum) != 64 {
		t.Errorf("checksum %q is not sha256 hex", ds.Release.Checksum)
	}
	byKey := map[string]Observation{}
	for _, o := range ds.Observations {
		byKey[o.Key()] = o
	}
	tests := []struct {
		name      string
		key       string
		value     string
		status    Status
		qualifier Qualifier
	}{
		{"total as reported", "victims_identified AZE 2024 ", "91", Reported, Exact},
		{"unchanged derives the same value", "victims_identified AZE 2023 ", "91", Derived, Exact},
		{"plus change derives the smaller value", "hotline_calls AZE 2023 ", "9626", Derived, Exact},
		{"coordinates sorted by dimension", "victims_identified AZE 2024 COUNTRY_OF_EXPLOITATION=TUR;SEX=F", "53", Reported, Exact},
		{"cumulative period", "victims_identified AZE 2005-2024 ", "1441", Reported, Exact},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, ok := byKey[tc.key]
			if !ok {
				t.Fatalf("no observation %q", tc.key)
			}
			if FormatValue(o.Value) != tc.value || o.Status != tc.status || o.Qualifier != tc.qualifier {
				t.Errorf("got value %s status %s qualifier %s, want %s %s %s", FormatValue(o.Value), o.Status, o.Qualifier, tc.value, tc.status, tc.qualifier)
			}
			if o.Status == Derived && (o.DerivedFrom < 0 || ds.Observations[o.DerivedFrom].Period.Start != 2024 || o.Source.Quote == "") {
				t.Errorf("derived observation %+v does not point at its 2024 source with the same quote", o)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		old     string // text of the fixture to replace (first occurrence)
		new     string
		line    int
		problem string
	}{
		{"unknown indicator", "indicator: hotline_calls", "indicator: hotline_call", 78, `unknown indicator "hotline_call"`},
		{"unknown unit on indicator", "unit: calls\n    theme", "unit: call\n    theme", 45, `unknown unit "call"`},
		{"unknown agency", "agency: MIA\n    section: Victims", "agency: MOI\n    section: Victims", 75, `unknown agency "MOI"`},
		{"unknown dimension", "by: {SEX: F}", "by: {GENDER: F}", 59, `unknown dimension "GENDER"`},
		{"unknown member", "by: {SEX: F}", "by: {SEX: X}", 59, `unknown member "X" of dimension SEX`},
		{"thousands separator", "value: 10254", "value: 10,254", 80, `value "10,254" is not a plain decimal (write 10254)`},
		{"word for a number", "value: 91", "value: ninety-one", 50, `value "ninety-one" is not a plain decimal`},
		{"missing quote", "    quote: \"1.441\"\n", "", 72, "quote is required"},
		{"empty quote", `quote: "1.441"`, `quote: ""`, 77, "quote is empty"},
		{"bad change", `change: "+628"`, `change: "628 more"`, 81, `change "628 more"`},
		{"bad qualifier", "qualifier: exact", "qualifier: roughly", 82, `unknown qualifier "roughly"`},
		{"misspelt key", "qualifier: exact", "qualifer: exact", 82, `unknown key "qualifer"`},
		{"bad period", "period: 2005-2024", "period: 2024-2005", 73, "ends before it starts"},
		{"duplicate key", "    by: {SEX: F}\n", "", 55, "duplicate key victims_identified AZE 2024  (first at line 48)"},
		{"derived value collides", "period: 2005-2024", "period: 2023", 72, "duplicate key victims_identified AZE 2023  (first at line 48)"},
		{"duplicate member", "- {code: M, name: Male}", "- {code: F, name: Male}", 31, `member "F" is declared twice (first at line 30)`},
		{"unknown theme", "theme: protection", "theme: rescue", 41, `unknown theme "rescue"`},
		{"unknown parent", "parent: MIA", "parent: MINISTRY", 18, `unknown parent "MINISTRY"`},
		{"bad m49", `m49: "031"`, `m49: 31`, 15, `m49 "31" does not match`},
		{"wrong format", "format: indicators/v1", "format: indicators/v2", 2, `format "indicators/v2" is not supported`},
		{"unknown release publisher", "publisher: MIA", "publisher: NOBODY", 6, `unknown publisher agency "NOBODY"`},
		{"YAML syntax", "by: {SEX: F}", "by: {SEX: F", 58, "yaml"},
		{"relation to a missing observation", "parts:\n      - {indicator: victims_identified, period: 2024, by: {SEX: F}}",
			"parts:\n      - {indicator: victims_identified, period: 2024, by: {SEX: M}}", 95, "relation: no observation victims_identified AZE 2024 SEX=M in this file"},
		{"relation to an unknown indicator", "parts:\n      - {indicator: victims_identified, period: 2024, by: {SEX: F}}",
			"parts:\n      - {indicator: victim_identified, period: 2024, by: {SEX: F}}", 95, `relation: unknown indicator "victim_identified"`},
		{"relation to an unknown dimension", "parts:\n      - {indicator: victims_identified, period: 2024, by: {SEX: F}}",
			"parts:\n      - {indicator: victims_identified, period: 2024, by: {GENDER: F}}", 95, `relation: unknown dimension "GENDER"`},
		{"relation kind", "kind: part_of", "kind: subset", 92, `relation: unknown kind "subset"`},
		{"synonyms not a list", "- {code: M, name: Male}", "- {code: M, name: Male, synonyms: men}", 31, "synonyms: expected a list"},
		{"empty synonym", "- {code: M, name: Male}", `- {code: M, name: Male, synonyms: [men, ""]}`, 31, "each of synonyms must be a non-empty text"},
		{"restricted not a boolean", "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: yes please\n", 74, `restricted "yes please" is neither true nor false`},
		{"label language not BCP 47", "- {code: F, name: Female}", "- {code: F, name: {en: Female, azeri!: Qadın}}", 30, `name: "azeri!" is not a BCP 47 language tag`},
		{"label without English", "- {code: F, name: Female}", "- {code: F, name: {az: Qadın}}", 30, "name has no English (en) text"},
		{"label language twice", "- {code: F, name: Female}", "- {code: F, name: {en: Female, az: Qadın, AZ: Qadın}}", 30, "name: language az given twice"},
		{"empty label", "- {code: F, name: Female}", `- {code: F, name: {en: Female, ru: ""}}`, 30, "name in ru must be a non-empty text"},
		{"label not a text", "- {code: F, name: Female}", "- {code: F, name: {en: Female, ru: [a]}}", 30, "name in ru must be a non-empty text"},
		{"line separator in a quote", `quote: "1.441"`, "quote: \"1.\u2028441\"", 77, "character U+2028 is a line break to some YAML readers"},
		{"next line in a name, a break to YAML 1.1", "- {code: M, name: Male}", "- {code: M, name: Ma\u0085le}", 31, "character U+0085"},
		{"restricted indicator not a boolean", "unit: calls\n    theme: protection\n", "unit: calls\n    theme: protection\n    restricted: 1\n", 47, `indicator: restricted "1" is neither true nor false`},
	}
	fixture := readFixture(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(fixture, tc.old) {
				t.Fatalf("fixture has no %q", tc.old)
			}
			broken := strings.Replace(fixture, tc.old, tc.new, 1)
			_, err := Parse("broken.yaml", []byte(broken))
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse error = %v, want a ValidationError", err)
			}
			for _, p := range verr.Problems {
				if strings.Contains(p.Reason, tc.problem) {
					if p.Line != tc.line || p.File != "broken.yaml" {
						t.Errorf("problem %q at %s:%d, want broken.yaml:%d", p.Reason, p.File, p.Line, tc.line)
					}
					return
				}
			}
			t.Errorf("problems %v do not include %q", verr.Problems, tc.problem)
		})
	}
}

// TestParseSynonyms: members and indicators may list the other words the
// reports use for them.
func TestParseSynonyms(t *testing.T) {
	fixture := strings.Replace(readFixture(t), "- {code: M, name: Male}", "- {code: M, name: Male, synonyms: [men, boys]}", 1)
	fixture = strings.Replace(fixture, "unit: calls\n    theme", "unit: calls\n    synonyms: [phone calls]\n    theme", 1)
	ds, err := Parse("fixture.yaml", []byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds.Dimensions {
		for _, m := range d.Members {
			if d.Code == "SEX" && m.Code == "M" && strings.Join(m.Synonyms, "|") != "men|boys" {
				t.Errorf("SEX=M synonyms = %q", m.Synonyms)
			}
		}
	}
	found := false
	for _, ind := range ds.Indicators {
		if strings.Join(ind.Synonyms, "|") == "phone calls" {
			found = true
		}
	}
	if !found {
		t.Error("the indicator's synonyms were not read")
	}
}

// TestParseLabels: a name or description is a plain (English) text or one
// text per language, English among them.
func TestParseLabels(t *testing.T) {
	fixture := strings.Replace(readFixture(t), "- {code: F, name: Female}", "- {code: F, name: {en: Female, az: Qadın, RU: Женщины}, description: {en: Women and girls}}", 1)
	fixture = strings.Replace(fixture, "name: Sex\n", "name:\n      en: Sex\n      az-Latn: Cins\n", 1)
	ds, err := Parse("fixture.yaml", []byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	sex := ds.Dimensions[0]
	tests := []struct {
		name    string
		english string
		labels  Labels
		want    string
		wantOK  bool
	}{
		{"per-language member name", sex.Members[0].Name, sex.Members[0].Names, "Female az=Qadın ru=Женщины", true},
		{"English-only mapping", sex.Members[0].Description, sex.Members[0].Descriptions, "Women and girls", true},
		{"plain text is English", sex.Members[1].Name, sex.Members[1].Names, "Male", true},
		{"tag in canonical form", sex.Name, sex.Names, "Sex az-Latn=Cins", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.english
			for _, l := range AllLabels(tc.english, tc.labels, StandardCodes{})[1:] {
				got += " " + l.Language + "=" + l.Text
			}
			if got != tc.want {
				t.Errorf("labels %q, want %q", got, tc.want)
			}
		})
	}
}

// A file in UTF-16, which YAML allows, is checked for the same characters.
func TestParseUTF16(t *testing.T) {
	tests := []struct {
		name     string
		order    binary.AppendByteOrder
		bom      []byte
		text     string
		problems string
	}{
		{"little-endian", binary.LittleEndian, []byte{0xFF, 0xFE}, "a: 1\r\nb: x\u2029\n", "u.yaml:2: character U+2029"},
		{"big-endian", binary.BigEndian, []byte{0xFE, 0xFF}, "a: 1\rb: x\u2028", "u.yaml:2: character U+2028"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.bom
			for _, u := range utf16.Encode([]rune(tc.text)) {
				data = tc.order.AppendUint16(data, u)
			}
			_, err := Parse("u.yaml", data)
			if err == nil || !strings.Contains(err.Error(), tc.problems) {
				t.Errorf("Parse error %v, want %q", err, tc.problems)
			}
		})
	}
}

func TestParseFilesReportsEveryFile(t *testing.T) {
	fixture := readFixture(t)
	_, err := ParseFiles([]NamedFile{
		{Name: "a.yaml", Data: []byte(fixture)},
		{Name: "b.yaml", Data: []byte(strings.Replace(fixture, "value: 91", "value: x", 1))},
		{Name: "c.yaml", Data: []byte(fixture)},
	})
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("ParseFiles error = %v, want a ValidationError", err)
	}
	got := verr.Error()
	for _, want := range []string{"b.yaml:50: observation: value \"x\"", `c.yaml:1: release "fixture-2024" is also in a.yaml`} {
		if !strings.Contains(got, want) {
			t.Errorf("error %q lacks %q", got, want)
		}
	}
}

// An observation marked restricted is, and every observation of an
// indicator marked restricted is, derived ones included.
func TestParseRestricted(t *testing.T) {
	text := strings.Replace(readFixture(t), "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: true\n", 1)
	text = strings.Replace(text, "unit: calls\n    theme: protection\n", "unit: calls\n    theme: protection\n    restricted: true\n", 1)
	ds, err := Parse("fixture.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var restricted []string
	for _, o := range ds.Observations {
		if o.Restricted {
			restricted = append(restricted, o.Key())
		}
	}
	want := []string{"victims_identified AZE 2005-2024 ", "hotline_calls AZE 2024 ", "hotline_calls AZE 2023 "}
	if !slices.Equal(restricted, want) {
		t.Errorf("restricted %q, want %q", restricted, want)
	}
	if !ds.Indicators[1].Restricted || ds.Indicators[0].Restricted {
		t.Errorf("indicators %+v", ds.Indicators)
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Period
		wantErr bool
	}{
		{"year", "2024", Period{2024, 2024}, false},
		{"range", "2005-2024", Period{2005, 2024}, false},
		{"reversed", "2024-2005", Period{}, true},
		{"two digits", "24", Period{}, true},
		{"out of range", "1800", Period{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePeriod(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParsePeriod(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
	if got := (Period{2005, 2024}).Previous(); got != (Period{1985, 2004}) {
		t.Errorf("Previous of 2005-2024 = %v", got)
	}
}

func TestCheckRelations(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(string) string
		holds bool
	}{
		{"part within its whole", func(s string) string { return s }, true},
		{"part larger than its whole", func(s string) string { return strings.Replace(s, "value: 90", "value: 92", 1) }, false},
		{"sum that adds up", func(s string) string {
			return strings.Replace(strings.Replace(s, "kind: part_of", "kind: sum", 1), "value: 90", "value: 91", 1)
		}, true},
		{"sum that does not", func(s string) string { return strings.Replace(s, "kind: part_of", "kind: sum", 1) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := Parse("fixture.yaml", []byte(tc.edit(readFixture(t))))
			if err != nil {
				t.Fatal(err)
			}
			checks := CheckRelations(ds)
			if len(checks) != 1 || !checks[0].Checkable() || checks[0].Holds() != tc.holds {
				t.Errorf("checks = %+v, want one that holds: %v", checks, tc.holds)
			}
		})
	}
}

// TestParseHeadline reads an indicator's declared headline cell, and refuses
// one that is malformed, names unknown codes, stands beside a total or names
// a cell the file states nothing for.
func TestParseHeadline(t *testing.T) {
	// hotline_calls, broken down by sex and without a total, leads with
	// women's calls: the smallest file with a valid declaration.
	const declaration = "    theme: protection\n    headline: {by: {SEX: F}}\nobservations:"
	noTotal := func(s string) string {
		return strings.Replace(s, "    qualifier: exact\n", "    qualifier: exact\n    by: {SEX: F}\n", 1)
	}
	tests := []struct {
		name     string
		headline string // replaces the declaration's `headline: …` line
		edit     func(string) string
		line     int
		problem  string // "" for a file that parses; "; " between several
	}{
		{"a cell the file states", "headline: {by: {SEX: F}}", noTotal, 0, ""},
		{"not a mapping", "headline: SEX=F", noTotal, 47, "indicator: headline: expected a mapping"},
		{"misspelt key", "headline: {cell: {SEX: F}}", noTotal, 47, `indicator: headline: unknown key "cell" (allowed: by); indicator: headline: by is required`},
		{"no by", "headline: {}", noTotal, 47, "indicator: headline: by is required"},
		{"by not a mapping", "headline: {by: F}", noTotal, 47, "indicator: headline: by must map dimension codes to member codes"},
		{"empty by", "headline: {by: {}}", noTotal, 47, "indicator: headline: by names no dimension"},
		{"unknown dimension", "headline: {by: {GENDER: F}}", noTotal, 47, `indicator: headline: unknown dimension "GENDER"`},
		{"unknown member", "headline: {by: {SEX: X}}", noTotal, 47, `indicator: headline: unknown member "X" of dimension SEX`},
		{"a cell the file does not state", "headline: {by: {SEX: M}}", noTotal, 47, "indicator hotline_calls: headline: no observation of it with by {SEX=M} in this file"},
		{"beside a total", "headline: {by: {SEX: F}}", func(s string) string { return s }, 47,
			"indicator hotline_calls: headline: the file states a total of it (line 79)"},
	}
	fixture := readFixture(t)
	const theme = "    theme: protection\nobservations:"
	if !strings.Contains(fixture, theme) {
		t.Fatalf("fixture has no %q", theme)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.edit(strings.Replace(fixture, theme, strings.Replace(declaration, "headline: {by: {SEX: F}}", tc.headline, 1), 1))
			ds, err := Parse("headline.yaml", []byte(file))
			if tc.problem == "" {
				if err != nil {
					t.Fatal(err)
				}
				for _, ind := range ds.Indicators {
					if want := map[string]string{"hotline_calls": "SEX=F"}[ind.Code]; CoordinateKey(ind.Headline) != want {
						t.Errorf("%s: headline %v, want {%s}", ind.Code, ind.Headline, want)
					}
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse error = %v, want a ValidationError", err)
			}
			want := strings.Split(tc.problem, "; ")
			if len(verr.Problems) != len(want) {
				t.Fatalf("problems %v, want %q", verr.Problems, want)
			}
			for i, p := range verr.Problems {
				if !strings.Contains(p.Reason, want[i]) || p.Line != tc.line {
					t.Errorf("problem %s, want line %d: %s", p, tc.line, want[i])
				}
			}
		})
	}
}

// TestHeadlineProblemOfUnwrittenObservations: a draft's observations have no
// lines yet (extract checks them before writing the file); a total among
// them still rules the headline cell out, as loading the written file would.
func TestHeadlineProblemOfUnwrittenObservations(t *testing.T) {
	ind := Indicator{Code: "offences_detected", Headline: []Coordinate{{Dimension: "OFFENCE_TYPE", Member: "TIP"}}}
	cell := Observation{Indicator: "offences_detected", Coordinates: []Coordinate{{Dimension: "OFFENCE_TYPE", Member: "TIP"}}}
	total := Observation{Indicator: "offences_detected"}
	tests := []struct {
		name string
		obs  []Observation
		want string
	}{
		{"the cell alone", []Observation{cell}, ""},
		{"a total beside the cell", []Observation{cell, total}, "the file states a total of it; declare a headline cell only for an indicator without one"},
		{"no cell", nil, "no observation of it with by {OFFENCE_TYPE=TIP} in this file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HeadlineProblem(ind, tc.obs); got != tc.want {
				t.Errorf("HeadlineProblem = %q, want %q", got, tc.want)
			}
		})
	}
}
