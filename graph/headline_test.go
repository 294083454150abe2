package graph_test

import (
	"strconv"
	"strings"
	"testing"
)

// TestLatest: an indicator's headline value over real HTTP, for a total
// (yearly by default, cumulative when asked), a declared headline cell, an
// indicator with only a cumulative figure, and one with neither (null).
func TestLatest(t *testing.T) {
	a := newAPI(t)
	const fields = `kind period { label } value qualifier
		observation { id refArea { code } status coordinates { dimension { code } member { code } }
		              source { release { code } section quote } }`
	golden(t, "latest", a.post(t, `{
		victims: indicator(code: "victims_identified") {
			latest { `+fields+` }
			cumulative: latest(periodLength: 20) { `+fields+` }
			worldwide: latest(refArea: "WLD") { value }
		}
		offences: indicator(code: "offences_detected") { latest { `+fields+` } }
		prosecuted: indicator(code: "traffickers_prosecuted") { latest { `+fields+` } yearly: latest(periodLength: 1) { value } }
		inspections: indicator(code: "labour_inspections") { latest { `+fields+` } }
	}`, nil))
}

// TestSeriesArguments: a series keeps yearly and cumulative figures apart
// and takes a period range.
func TestSeriesArguments(t *testing.T) {
	a := newAPI(t)
	golden(t, "series-arguments", a.post(t, `{ indicator(code: "victims_identified") {
		yearly: series { period { label } value status }
		cumulative: series(periodLength: 20) { period { label } value status }
		from2024: series(from: 2024) { period { label } value }
		to2023: series(to: 2023) { period { label } value }
		women: series(members: [{dimension: "SEX", member: "F"}], refArea: "AZE") { period { label } value }
		none: series(from: 2025) { value }
	} }`, nil))
}

// TestRecencyFilters: the filter's exact periods, period length and lastN
// through GraphQL.
func TestRecencyFilters(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, filter, want string
	}{
		{"one multi-year period alone", `{periods: ["2005-2024"], indicators: ["victims_identified"]}`, "2005-2024=1441"},
		{"two exact periods", `{periods: ["2005-2024", "2024"], indicators: ["victims_identified"], exactlyBy: []}`, "2005-2024=1441 2024=91"},
		{"yearly totals", `{periodLength: 1, indicators: ["victims_identified"], exactlyBy: []}`, "2023=91 2024=91"},
		{"the latest total", `{lastN: 1, indicators: ["victims_identified"], exactlyBy: []}`, "2024=91"},
		{"the two latest yearly totals", `{lastN: 2, periodLength: 1, indicators: ["victims_identified", "hotline_calls"], exactlyBy: []}`,
			"2023=9626 2024=10254 2023=91 2024=91"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d struct {
				Observations struct {
					Nodes []struct {
						Period struct{ Label string }
						Value  float64
					}
				}
			}
			a.post(t, `{ observations(filter: `+tc.filter+`, first: 100) { nodes { period { label } value } } }`, nil).data(t, &d)
			var got []string
			for _, n := range d.Observations.Nodes {
				got = append(got, n.Period.Label+"="+strconv.FormatFloat(n.Value, 'f', -1, 64))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("observations %s, want %s", g, tc.want)
			}
		})
	}
}

// TestHeadlineArgumentErrors: wrong arguments are coded client errors.
func TestHeadlineArgumentErrors(t *testing.T) {
	a := newAPI(t)
	tests := []struct{ name, query, code, message string }{
		{"latest: unknown area", `{ indicator(code: "victims_identified") { latest(refArea: "AZ") { value } } }`, "UNKNOWN_CODE", `refArea: no code "AZ"; nearest: AZE`},
		{"latest: period length 0", `{ indicator(code: "victims_identified") { latest(periodLength: 0) { value } } }`, "BAD_USER_INPUT", "periodLength: 0 is not a number of years"},
		{"series: unknown dimension", `{ indicator(code: "victims_identified") { series(members: [{dimension: "GENDER", member: "F"}]) { value } } }`, "UNKNOWN_CODE", `members.dimension: no code "GENDER"; nearest: AGE`},
		{"series: unknown member", `{ indicator(code: "victims_identified") { series(members: [{dimension: "SEX", member: "W"}]) { value } } }`, "UNKNOWN_CODE", `members of SEX: no code "W"`},
		{"series: a dimension twice", `{ indicator(code: "victims_identified") { series(members: [{dimension: "SEX", member: "F"}, {dimension: "SEX", member: "M"}]) { value } } }`, "BAD_USER_INPUT", "members: dimension SEX is given twice"},
		{"series: unknown area", `{ indicator(code: "victims_identified") { series(refArea: "XX") { value } } }`, "UNKNOWN_CODE", `refArea: no code "XX"`},
		{"series: backwards range", `{ indicator(code: "victims_identified") { series(from: 2024, to: 2005) { value } } }`, "BAD_USER_INPUT", "to 2005 is before from 2024"},
		{"series: a year out of range", `{ indicator(code: "victims_identified") { series(from: 40000) { value } } }`, "BAD_USER_INPUT", "from: 40000 is not a year"},
		{"series: negative period length", `{ indicator(code: "victims_identified") { series(periodLength: -1) { value } } }`, "BAD_USER_INPUT", "periodLength: -1"},
		{"breakdown: unknown area", `{ indicator(code: "victims_identified") { breakdown(by: "SEX", refArea: "AZ") { sum } } }`, "UNKNOWN_CODE", `refArea: no code "AZ"`},
		{"breakdown: unknown dimension", `{ indicator(code: "victims_identified") { breakdown(by: "GENDER") { sum } } }`, "UNKNOWN_CODE", `by: no code "GENDER"`},
		{"filter: backwards period", `{ observations(filter: {periods: ["2024-2005"]}) { totalCount } }`, "BAD_USER_INPUT", `periods: period "2024-2005" ends before it starts`},
		{"filter: not a period", `{ observations(filter: {periods: ["last year"]}) { totalCount } }`, "BAD_USER_INPUT", "periods: period \"last year\""},
		{"filter: lastN 0", `{ observations(filter: {lastN: 0}) { totalCount } }`, "BAD_USER_INPUT", "lastN: 0; give at least 1"},
		{"filter: period length 0", `{ observations(filter: {periodLength: 0}) { totalCount } }`, "BAD_USER_INPUT", "periodLength: 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(t, tc.query, nil)
			if got := resp.code(); got != tc.code {
				t.Fatalf("code = %q (%s), want %s", got, resp.raw, tc.code)
			}
			if !strings.Contains(resp.Errors[0].Message, tc.message) {
				t.Errorf("message %q, want it to hold %q", resp.Errors[0].Message, tc.message)
			}
		})
	}
}

// TestLatestOfEveryIndicatorBatches: the headline values of every indicator
// of a page take as many statements as those of one.
func TestLatestOfEveryIndicatorBatches(t *testing.T) {
	a := newAPI(t)
	const q = `query($n: Int) { indicators(first: $n) { nodes { code
		latest { kind value period { label } observation { source { quote } coordinates { member { code } } } }
		cumulative: latest(periodLength: 20) { value }
	} } }`
	statements := func(n int) (int64, int) {
		before := a.count()
		var d struct {
			Indicators struct{ Nodes []struct{ Code string } }
		}
		a.post(t, q, map[string]any{"n": n}).data(t, &d)
		return a.count() - before, len(d.Indicators.Nodes)
	}
	// The code lists are read once per process, not per query; and a
	// query repeated as it was is answered from the response cache.
	statements(2)
	one, _ := statements(1)
	all, n := statements(100)
	t.Logf("SQL statements: %d for 1 indicator, %d for all %d", one, all, n)
	// A loader's batch may split in two on a busy machine; one statement per
	// indicator would add one per indicator.
	if n < 50 || all > one+2 {
		t.Errorf("statements grow with indicators: %d for 1, %d for %d", one, all, n)
	}
}
