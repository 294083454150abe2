package dataset

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// dec reads a value for a test; the tests below write every value as text so
// that no float literal can hide a rounding.
func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := ParseValue(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		name string
		in   decimal.Decimal
		want string
	}{
		{"integer", decimal.NewFromInt(91), "91"},
		{"large integer without exponent", decimal.New(2643, 3), "2643000"},
		{"very large integer", decimal.New(1, 30), "1000000000000000000000000000000"},
		{"decimals kept exactly", decimal.RequireFromString("12.35"), "12.35"},
		{"trailing zeros dropped", decimal.RequireFromString("12.3500"), "12.35"},
		{"integral value with a zero scale", decimal.RequireFromString("91.000"), "91"},
		{"small value without exponent", decimal.New(5, -9), "0.000000005"},
		{"negative", decimal.RequireFromString("-0.50"), "-0.5"},
		{"zero", decimal.Decimal{}, "0"},
		{"zero with a scale", decimal.RequireFromString("0.000"), "0"},
		{"exponent input", decimal.RequireFromString("2.643e6"), "2643000"},
		{"many digits", decimal.RequireFromString("123456789012345678901234567890.123456789"), "123456789012345678901234567890.123456789"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatValue(tc.in); got != tc.want {
				t.Errorf("FormatValue = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"integer", "91", "91"},
		{"decimal with no binary form", "0.1", "0.1"},
		{"trailing zero", "12.350", "12.35"},
		{"signed change", "+2", "2"},
		{"negative change", "-10", "-10"},
		{"more digits than a float holds", "9007199254740993.25", "9007199254740993.25"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatValue(dec(t, tc.in)); got != tc.want {
				t.Errorf("ParseValue(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
	if _, err := ParseValue("ninety"); err == nil {
		t.Error("ParseValue accepted a word")
	}
}

func TestSum(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"tenths a float cannot add", []string{"0.1", "0.2"}, "0.3"},
		{"cents", []string{"1250.10", "99.95", "0.05"}, "1350.1"},
		{"large and small", []string{"2643000", "0.01"}, "2643000.01"},
		{"signed", []string{"10.5", "-10.5"}, "0"},
		{"none", nil, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var values []decimal.Decimal
			for _, s := range tc.values {
				values = append(values, dec(t, s))
			}
			if got := FormatValue(Sum(values...)); got != tc.want {
				t.Errorf("Sum = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	tests := []struct {
		name        string
		part, whole string
		want        string
		ok          bool
	}{
		{"terminating", "1", "4", "0.25", true},
		{"rounded to ten places", "53", "91", "0.5824175824", true},
		{"half away from zero, up", "1", "20000000000", "0.0000000001", true},
		{"half away from zero, negative", "-1", "20000000000", "-0.0000000001", true},
		{"repeating, rounded up", "2", "3", "0.6666666667", true},
		{"decimals", "0.3", "0.1", "3", true},
		{"zero whole", "1", "0", "0", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Ratio(dec(t, tc.part), dec(t, tc.whole))
			if FormatValue(got) != tc.want || ok != tc.ok {
				t.Errorf("Ratio = %s, %v; want %s, %v", FormatValue(got), ok, tc.want, tc.ok)
			}
		})
	}
}

func TestPercentChange(t *testing.T) {
	tests := []struct {
		name, previous, current, want string
		ok                            bool
	}{
		{"down a ninth", "18", "16", "-11.1111111111", true},
		{"up by decimals", "0.2", "0.3", "50", true},
		{"unchanged", "91", "91", "0", true},
		{"from zero", "0", "5", "0", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := PercentChange(dec(t, tc.previous), dec(t, tc.current))
			if FormatValue(got) != tc.want || ok != tc.ok {
				t.Errorf("PercentChange = %s, %v; want %s, %v", FormatValue(got), ok, tc.want, tc.ok)
			}
		})
	}
}

// TestBreakdownDecimals checks the breakdown arithmetic on amounts with
// decimals, where a float sum would miss the total by a rounding error.
func TestBreakdownDecimals(t *testing.T) {
	dims := []Dimension{{Code: "AGENCY_TYPE", Members: []Member{{Code: "A"}, {Code: "B"}, {Code: "C"}}}}
	obs := func(total string, cells ...string) []Observation {
		out := []Observation{{Indicator: "fines", RefArea: "AZE", Period: Period{2024, 2024}, Value: dec(t, total), Qualifier: Exact, Status: Reported}}
		for i, c := range cells {
			o := out[0]
			o.Value = dec(t, c)
			o.Coordinates = []Coordinate{{Dimension: "AGENCY_TYPE", Member: dims[0].Members[i].Code}}
			out = append(out, o)
		}
		return out
	}
	tests := []struct {
		name         string
		obs          []Observation
		sum          string
		unallocated  string
		consistent   bool
		inconsistent bool
		text         string
	}{
		{"tenths that add up", obs("0.3", "0.1", "0.2"), "0.3", "0", true, false,
			"fines AZE 2024 by AGENCY_TYPE: 0.1 + 0.2 = 0.3 of 0.3"},
		{"amounts in manats that add up", obs("2643000.35", "1000000.10", "1643000.20", "0.05"), "2643000.35", "0", true, false,
			"fines AZE 2024 by AGENCY_TYPE: 1000000.1 + 1643000.2 + 0.05 = 2643000.35 of 2643000.35"},
		{"complete, short by a cent", obs("10.1", "5", "5", "0.09"), "10.09", "0.01", false, true,
			"fines AZE 2024 by AGENCY_TYPE: 5 + 5 + 0.09 = 10.09 of 10.1 (0.01 unallocated)"},
		{"partial, cells exceed the total", obs("1.5", "0.75", "0.76"), "1.51", "-0.01", false, true,
			"fines AZE 2024 by AGENCY_TYPE: 0.75 + 0.76 = 1.51 of 1.5 (cells exceed the total by 0.01)"},
		{"partial, some unallocated", obs("1.5", "0.7", "0.7"), "1.4", "0.1", false, false,
			"fines AZE 2024 by AGENCY_TYPE: 0.7 + 0.7 = 1.4 of 1.5 (0.1 unallocated)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bs := Breakdowns(tc.obs, dims)
			if len(bs) != 1 {
				t.Fatalf("breakdowns = %v, want one", bs)
			}
			b := bs[0]
			if got := FormatValue(b.Sum()); got != tc.sum {
				t.Errorf("Sum = %s, want %s", got, tc.sum)
			}
			if got := FormatValue(b.Unallocated()); got != tc.unallocated {
				t.Errorf("Unallocated = %s, want %s", got, tc.unallocated)
			}
			if b.Consistent() != tc.consistent || b.Inconsistent() != tc.inconsistent {
				t.Errorf("consistent = %v, inconsistent = %v; want %v, %v", b.Consistent(), b.Inconsistent(), tc.consistent, tc.inconsistent)
			}
			if got := b.String(); got != tc.text {
				t.Errorf("String = %q, want %q", got, tc.text)
			}
			split, ok := SplitBy(tc.obs, dims[0])
			if !ok {
				t.Fatal("no split")
			}
			var parts []decimal.Decimal
			for _, m := range split.Members {
				parts = append(parts, *m.Value)
			}
			if got := FormatValue(Sum(parts...)); got != tc.sum {
				t.Errorf("split sums to %s, want %s", got, tc.sum)
			}
		})
	}
}

// TestParseDecimals reads values and changes with decimals from a data file
// exactly, derives the previous value exactly, and checks a relation on them.
func TestParseDecimals(t *testing.T) {
	fixture := readFixture(t)
	for _, r := range []struct{ old, new string }{
		{"value: 10254\n", "value: 10254.35\n"},
		{`change: "+628"`, `change: "+0.45"`},
		{"value: 91\n", "value: 0.3\n"},
		{"value: 90\n", "value: 0.1\n"},
		{"value: 53\n", "value: 0.2\n"},
		{"kind: part_of", "kind: sum"},
		{"      - {indicator: victims_identified, period: 2024, by: {SEX: F}}",
			"      - {indicator: victims_identified, period: 2024, by: {SEX: F}}\n      - {indicator: victims_identified, period: 2024, by: {SEX: F, COUNTRY_OF_EXPLOITATION: TUR}}"},
	} {
		if !strings.Contains(fixture, r.old) {
			t.Fatalf("fixture has no %q", r.old)
		}
		fixture = strings.Replace(fixture, r.old, r.new, 1)
	}
	ds, err := Parse("fixture.yaml", []byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, o := range ds.Observations {
		values[o.Key()] = FormatValue(o.Value)
	}
	for key, want := range map[string]string{
		"hotline_calls AZE 2024 ":      "10254.35",
		"hotline_calls AZE 2023 ":      "10253.9",
		"victims_identified AZE 2024 ": "0.3",
		"victims_identified AZE 2023 ": "0.3",
	} {
		if values[key] != want {
			t.Errorf("%s = %s, want %s", key, values[key], want)
		}
	}
	checks := CheckRelations(ds)
	if len(checks) != 1 || !checks[0].Holds() {
		t.Errorf("relation 0.1 + 0.2 = 0.3: %v", checks)
	}
}

// BenchmarkFormatValue measures what every export pays per value.
func BenchmarkFormatValue(b *testing.B) {
	for _, s := range []string{"91", "2643000", "12.35", "12.350"} {
		d := decimal.RequireFromString(s)
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				_ = FormatValue(d)
			}
		})
	}
}
