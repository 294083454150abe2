package report

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

const verifyText = `Criminal Prosecution

On the basis of these facts, 15 (-1) criminal cases were initiated and 16 persons (-2; 13 women, 3 men) were charged. In 2024, four channels were identified.

Countries Where Victims Were Exploited

Qatar - 2 ■ Qatar - 2

Countries of Citizenship

Qatar - 2
`

// obs is a reported observation for the verify tests.
func obs(line int, value int64, section, quote string) dataset.Observation {
	return dataset.Observation{Status: dataset.Reported, Value: decimal.NewFromInt(value), Line: line, DerivedFrom: -1,
		Source: dataset.Source{Section: section, Quote: quote}}
}

func withChange(o dataset.Observation, c int64) dataset.Observation {
	d := decimal.NewFromInt(c)
	o.Change = &d
	return o
}

func TestVerify(t *testing.T) {
	const cp = "Criminal Prosecution"
	const charged = "16 persons (-2; 13 women, 3 men) were charged"
	base := []dataset.Observation{
		withChange(obs(1, 15, cp, "15 (-1) criminal cases were initiated"), -1),
		withChange(obs(2, 16, cp, charged), -2),
		obs(3, 13, cp, charged),
		obs(4, 3, cp, charged),
		obs(5, 4, cp, "four channels were identified"),
		obs(6, 2, "Countries Where Victims Were Exploited", "Qatar - 2"),
		obs(7, 2, "Countries of Citizenship", "Qatar - 2"),
	}
	year := dataset.Ignored{Quote: "In 2024,", Line: 8}
	without := func(line int) []dataset.Observation {
		var out []dataset.Observation
		for _, o := range base {
			if o.Line != line {
				out = append(out, o)
			}
		}
		return out
	}
	tests := []struct {
		name         string
		observations []dataset.Observation
		ignored      []dataset.Ignored
		unaccounted  string   // texts of the unaccounted numbers
		problems     []string // what the problems say, in part
	}{
		{"everything accounted", base, []dataset.Ignored{year}, "", nil},
		{"a year nobody ignored", base, nil, "2024", nil},
		{"the total accounts for its change, not its breakdown", without(3), []dataset.Ignored{year}, "13", nil},
		{"a change not captured", append(without(1), obs(1, 15, cp, "15 (-1) criminal cases were initiated")), []dataset.Ignored{year}, "(-1)", nil},
		{"a quote not in the text", append(without(5), obs(5, 4, cp, "four channels were found")), []dataset.Ignored{year}, "four",
			[]string{`:5: quote "four channels were found" does not occur`}},
		{"a quote stating another value", append(without(1), withChange(obs(1, 14, cp, "15 (-1) criminal cases were initiated"), -1)), []dataset.Ignored{year}, "15",
			[]string{`:1: quote "15 (-1) criminal cases were initiated" does not state the value 14 (it states 15, (-1))`}},
		{"a quote without the change", append(without(5), withChange(obs(5, 4, cp, "four channels were identified"), 2)), []dataset.Ignored{year}, "",
			[]string{`:5: quote "four channels were identified" does not state the change +2`}},
		{"a repeated quote counts under its own section only", without(7), []dataset.Ignored{year}, "2", nil},
		{"a repeated quote under no section of its own counts everywhere",
			append(without(6), obs(6, 2, "Some other chart", "Qatar - 2")), []dataset.Ignored{year}, "", nil},
		{"an ignored quote not in the text", base, []dataset.Ignored{year, {Quote: "Article 144-1", Line: 9}}, "",
			[]string{`:9: ignored quote "Article 144-1" does not occur`}},
	}
	text := NewText(verifyText)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Verify(text, []DataFile{{Name: "test.yaml", Dataset: &dataset.Dataset{Observations: tc.observations, Ignored: tc.ignored}}})
			var got []string
			for _, u := range v.Unaccounted {
				got = append(got, u.Text)
			}
			if s := strings.Join(got, " "); s != tc.unaccounted {
				t.Errorf("unaccounted %q, want %q", s, tc.unaccounted)
			}
			if len(v.Problems) != len(tc.problems) {
				t.Fatalf("problems %v, want %d", v.Problems, len(tc.problems))
			}
			for i, want := range tc.problems {
				if p := v.Problems[i].String(); !strings.Contains(p, want) || !strings.HasPrefix(p, "test.yaml:") {
					t.Errorf("problem %q, want it to contain %q", p, want)
				}
			}
			if v.OK() != (tc.unaccounted == "" && tc.problems == nil) {
				t.Errorf("OK() = %v", v.OK())
			}
		})
	}
}

func TestUnaccountedCarriesLineAndSentence(t *testing.T) {
	v := Verify(NewText(verifyText), nil)
	u := v.Unaccounted[len(v.Unaccounted)-1]
	if u.Text != "2" || u.Line != 11 || u.Sentence != "Qatar - 2" {
		t.Errorf("last unaccounted = %+v", u)
	}
	if v.Numbers != len(v.Unaccounted) {
		t.Errorf("with no data file, %d of %d numbers are unaccounted", len(v.Unaccounted), v.Numbers)
	}
}

// TestBundledReportVerifies keeps the bundled dataset complete: every number
// of the 2024 report is captured or ignored, and every quote is right.
func TestBundledReportVerifies(t *testing.T) {
	v := Verify(NewText(dataset.BundledReport), []DataFile{{Name: dataset.BundledName, Dataset: bundled(t)}})
	t.Logf("the 2024 report states %d numbers; %d unaccounted, %d quote problems", v.Numbers, len(v.Unaccounted), len(v.Problems))
	for _, u := range v.Unaccounted {
		t.Errorf("line %d: %s is not accounted for: %s", u.Line, u.Text, u.Sentence)
	}
	for _, p := range v.Problems {
		t.Error(p)
	}
}

// TestReview: the entries still marked REVIEW come most doubtful first, in
// file order among equals; reviewed entries are not listed.
func TestReview(t *testing.T) {
	obs := func(line int, note string) dataset.Observation {
		return dataset.Observation{Indicator: "hotline_calls", Value: decimal.NewFromInt(int64(line)), Status: dataset.Reported, Note: note, Line: line}
	}
	ds := &dataset.Dataset{
		Observations: []dataset.Observation{
			obs(10, "REVIEW: doubt 0.30 (FORM carried over from the list); indicator guessed from …"),
			obs(20, "checked by hand"),
			obs(30, "REVIEW: doubt 0.90 (proposed new indicator); …"),
			obs(40, "REVIEW: doubt 0.30; …"),
		},
		Ignored: []dataset.Ignored{{Quote: "in 2024", Reason: "REVIEW: a year", Line: 50}},
	}
	var got []string
	for _, r := range Review([]DataFile{{Name: "d.yaml", Dataset: ds}}) {
		got = append(got, r.String())
	}
	want := []string{
		"d.yaml:30: doubt 0.90 hotline_calls = 30 (proposed new indicator)",
		"d.yaml:10: doubt 0.30 hotline_calls = 10 (FORM carried over from the list)",
		"d.yaml:40: doubt 0.30 hotline_calls = 40",
		`d.yaml:50: doubt 0.00 ignored "in 2024"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
