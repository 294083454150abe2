package server_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"indicators/graph"
	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// everyWrittenField selects every field graph.PageWriter writes.
const everyWrittenField = `
	id value statedChange qualifier status note restricted
	period { start end label }
	unit { code name }
	indicator { id code name description theme restricted unit { code name } }
	agency { id code name shortName kind }
	refArea { id code name iso2 iso3 m49 }
	coordinates { dimension { id code name description } member { id code name description iso2 iso3 m49 } }
	source { section quote dataFileLine }`

// TestPageWriterAnswersAsGqlgen: a page the writer answers is, byte for
// byte, the page gqlgen answers, for every field it writes, aliases,
// fragments, directives, languages, nested pages, small-cell suppression,
// a partner's key and the value budget; and a selection it does not cover
// is still answered (by gqlgen). The writer must also really answer the
// pages it covers: with it a page of 100 costs far fewer allocations.
func TestPageWriterAnswersAsGqlgen(t *testing.T) {
	s := testdb.New(t, store.WithSuppressBelow(smallCellThreshold))
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	load(t, s, bundled)
	_, key, err := s.CreateKey(context.Background(), "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(noWriter bool, values int) *httptest.Server {
		srv := httptest.NewServer(server.New(server.Config{
			Store: s, NoPageWriter: noWriter, ResponseCacheBytes: -1, Limits: graph.Limits{Values: values},
			RateLimit: ratelimit.New(ratelimit.Config{
				Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000},
				Partner:   ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000},
			}),
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	writer, gqlgen := serve(false, 0), serve(true, 0)
	smallWriter, smallGqlgen := serve(false, 300), serve(true, 300)

	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		// holds is a piece of the answer that shows the query selected data.
		holds string
	}{
		{"every field, one page", `{ observations(first: 100) { totalCount nodes {` + everyWrittenField + ` } } }`, nil, ""},
		{"every field, a later page by value", `{ observations(first: 50, orderBy: VALUE_DESC, after: null) { edges { cursor node {` + everyWrittenField + ` } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, nil, ""},
		{"edges, nodes and page info of a filtered page", `{ observations(filter: {indicators: ["victims_identified"]}, first: 30) {
			totalCount pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
			edges { cursor node { id value coordinates { member { code name } } } } nodes { value } } }`, nil, ""},
		{"an empty page", `{ observations(filter: {periods: ["1999"]}) { totalCount nodes { value } pageInfo { startCursor endCursor hasNextPage } } }`, nil, ""},
		{"aliases, repeats and __typename", `{ o: observations(first: 20) { __typename n: totalCount nodes { __typename v: value value
			i: indicator { __typename c: code code } } nodes { id } } }`, nil, ""},
		{"one code-list object under two aliases, repeated on every row", `{ observations(first: 12) { nodes {
			a: indicator { code name } b: indicator { name unit { code } } refArea { code } r: refArea { name }
			coordinates { member { code } } c: coordinates { dimension { name } member { name } } } } }`, nil, `"b":{"name":`},
		{"fragments", `query { observations(first: 20) { ...Page nodes { ... on Observation { status } ... on Node { id } } } }
			fragment Page on ObservationConnection { totalCount nodes { ...Row } }
			fragment Row on Observation { value agency { ...Named } refArea { ...Named } }
			fragment Named on Node { id ... on Agency { name kind } ... on RefArea { name iso3 } }`, nil, ""},
		{"skip and include", `query($yes: Boolean!, $no: Boolean!) { observations(first: 20) {
			totalCount @skip(if: $yes) nodes { value @include(if: $yes) qualifier @include(if: $no) source @skip(if: $no) { quote } } } }`,
			map[string]any{"yes": true, "no": false}, ""},
		{"languages", `query($lang: String) { observations(first: 40) { nodes {
			indicator { name(lang: "az") description(lang: $lang) unit { name(lang: "ru") } }
			agency { name(lang: $lang) shortName(lang: "az") } refArea { name(lang: "az") }
			coordinates { dimension { name(lang: $lang) description(lang: "az") } member { name(lang: "az") description(lang: $lang) } } } } }`,
			map[string]any{"lang": "az"}, ""},
		{"a page nested in an indicator", `{ indicator(code: "victims_identified") { code observations(first: 25) { totalCount nodes { value period { label } coordinates { member { code } } } } } }`, nil, ""},
		{"a series and a breakdown's cells", `{ indicator(code: "victims_identified") { series(refArea: "AZE") { period { start end label } value qualifier status source { quote } }
			breakdown(by: "SEX", refArea: "AZE", period: "2024") { members { member { code } observations { id value coordinates { member { name } } } } } } }`, nil,
			`"observations":[{"id":`},
		{"two pages side by side", `{ a: observations(first: 10) { nodes { id } } b: observations(first: 10, orderBy: PERIOD_DESC) { nodes { id period { label } } } }`, nil, ""},
		{"a field the writer leaves to gqlgen", `{ observations(first: 20) { nodes { value previous { value } change { absolute } } } }`, nil, ""},
		{"a field of a nested object the writer leaves to gqlgen", `{ observations(first: 20) { nodes { value indicator { code latest { value } } } } }`, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, who := range []struct {
				name   string
				header map[string]string
			}{{"anonymous", nil}, {"partner", bearer(key)}} {
				for _, pair := range []struct {
					name           string
					writer, gqlgen *httptest.Server
				}{{"no budget", writer, gqlgen}, {"a budget of 300 values", smallWriter, smallGqlgen}} {
					got := postVars(t, pair.writer, tc.query, tc.vars, who.header)
					want := postVars(t, pair.gqlgen, tc.query, tc.vars, who.header)
					// Which fields an overrun budget stops depends on the order
					// gqlgen's goroutines run in: such answers agree in their codes.
					same := got.body == want.body
					if codes := errorCodes(t, want.body); len(codes) > 0 {
						same = slices.Equal(errorCodes(t, got.body), codes)
					}
					if !strings.Contains(want.body, tc.holds) {
						t.Errorf("%s: the answer lacks %s: %s", who.name, tc.holds, want.body)
					}
					if got.status != want.status || !same {
						t.Errorf("%s, %s: the writer answered\n%d %s\ngqlgen\n%d %s", who.name, pair.name, got.status, got.body, want.status, want.body)
					}
				}
			}
		})
	}

	t.Run("the writer answers the page", func(t *testing.T) {
		query := `{ observations(first: 100) { totalCount edges { cursor node {` + everyWrittenField + ` } } } }`
		allocs := func(srv *httptest.Server) float64 {
			return testing.AllocsPerRun(5, func() { postVars(t, srv, query, nil, nil) })
		}
		if w, g := allocs(writer), allocs(gqlgen); w > g/3 {
			t.Errorf("a page of 100 costs %.0f allocations with the writer, %.0f without: the writer did not answer it", w, g)
		}
		// Larger than net/http's buffer, the answer still states its
		// length rather than coming chunked.
		r := postVars(t, writer, query, nil, nil)
		if got := r.header.Get("Content-Length"); len(r.body) < 8<<10 || got != strconv.Itoa(len(r.body)) {
			t.Errorf("an answer of %d bytes has Content-Length %q", len(r.body), got)
		}
	})
}

// errorCodes are the distinct codes of a response's errors, sorted.
func errorCodes(t *testing.T, body string) []string {
	t.Helper()
	var r struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	var codes []string
	for _, e := range r.Errors {
		codes = append(codes, e.Extensions.Code)
	}
	slices.Sort(codes)
	return slices.Compact(codes)
}
