package report

import (
	"fmt"
	"strings"
	"testing"

	"indicators/internal/dataset"
)

func TestNumbers(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // "text=value" per number, changes marked with Δ
	}{
		{"thousands separator", "10,254 calls", "10,254=10254"},
		{"millions", "a total of 2,643,000 manats", "2,643,000=2643000"},
		{"European separator", "1.441", "1.441=1441"},
		{"decimal article number", "Article 7.5 of the Law", "7.5=7.5"},
		{"number word", "Twenty-six graduates and nine others", "Twenty-six=26 nine=9"},
		{"number words with a scale", "one hundred and sixty-one acts, a thousand brochures, two thousand five hundred calls and one or two more",
			"one hundred and sixty-one=161 a thousand=1000 two thousand five hundred=2500 one=1 two=2"},
		{"word inside another word is no number", "someone, tone, often", ""},
		{"plus change", "10,254 (+628) calls", "10,254=10254 Δ(+628)=628"},
		{"minus change", "80 (-10) victims", "80=80 Δ(-10)=-10"},
		{"unchanged", "44 (unchanged) criminal offences", "44=44 Δ(unchanged)=0"},
		{"change with breakdown", "16 persons (-2; 13 women, 3 men)", "16=16 Δ(-2)=-2 13=13 3=3"},
		{"unchanged with breakdown", "14 persons (unchanged; 11 women, 3 men)", "14=14 Δ(unchanged)=0 11=11 3=3"},
		{"change in thousands", "2,643,000 (+268,600)", "2,643,000=2643000 Δ(+268,600)=268600"},
		{"percent", "increased by 25 percent", "25=25"},
		{"article with hyphen", "Article 144-1 (Trafficking in Persons)", "144=144 1=1"},
		{"range", "2005-2024", "2005=2005 2024=2024"},
		{"sentence end", "in 2024.", "2024=2024"},
		{"bracket without sign is no change", "(Extortion) — 1 (+1) case", "1=1 Δ(+1)=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, n := range Numbers(tc.text) {
				mark := ""
				if n.Change {
					mark = "Δ"
				}
				if tc.text[n.Start:n.End] != n.Text && !n.Change {
					t.Errorf("offsets %d:%d do not hold %q", n.Start, n.End, n.Text)
				}
				got = append(got, fmt.Sprintf("%s%s=%s", mark, n.Text, dataset.FormatValue(n.Value)))
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("Numbers(%q) = %q, want %q", tc.text, s, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize("  a \n\n b\tc  "); got != "a b c" {
		t.Errorf("Normalize = %q", got)
	}
}
