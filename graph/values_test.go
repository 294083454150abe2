package graph_test

import (
	"os"
	"regexp"
	"testing"

	"indicators/internal/dataset"
)

// TestExactValues asks for values a float64 would round (0.1 + 0.2) or
// print with an exponent (2643000 as 2.643e+06) and compares the JSON the
// server writes, byte for byte: every Float is an exact decimal.
func TestExactValues(t *testing.T) {
	b, err := os.ReadFile("../internal/dataset/testdata/decimals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Parse("decimals.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, ds)
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"breakdown of decimals adds up exactly",
			`{ indicator(code: "victims_identified") { breakdown(by: "SEX", period: "2030") {
				total { value statedChange } members { member { code } value share } sum unallocated consistent } } }`,
			`{"indicator":{"breakdown":{"total":{"value":0.3,"statedChange":0.1},` +
				`"members":[{"member":{"code":"F"},"value":0.1,"share":0.3333333333},{"member":{"code":"M"},"value":0.2,"share":0.6666666667}],` +
				`"sum":0.3,"unallocated":0,"consistent":true}}}`},
		{"large value, its change and the previous value",
			`{ observations(filter: {releases: ["decimals-2030"], indicators: ["hotline_calls"]}, orderBy: VALUE_DESC) {
				nodes { value statedChange change { previousValue absolute percent } } } }`,
			`{"observations":{"nodes":[{"value":2643000,"statedChange":12.35,"change":{"previousValue":2642987.65,"absolute":12.35,"percent":0.0004672742}},` +
				`{"value":2642987.65,"statedChange":null,"change":null}]}}`},
		{"aggregate sums decimals exactly",
			`{ aggregate(filter: {releases: ["decimals-2030"], indicators: ["victims_identified"], exactlyBy: ["SEX"]}) { count sum } }`,
			`{"aggregate":[{"count":2,"sum":0.3}]}`},
	}
	exponent := regexp.MustCompile(`[0-9][eE][+-]?[0-9]`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(t, tc.query, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if got := string(resp.Data); got != tc.want {
				t.Errorf("data\n%s\nwant\n%s", got, tc.want)
			}
			if m := exponent.FindString(string(resp.raw)); m != "" {
				t.Errorf("a value in exponent form: %q", m)
			}
		})
	}
}
