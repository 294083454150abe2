package graph_test

import (
	"bufio"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"indicators/graph"
	"indicators/internal/server"
	"indicators/internal/store"
)

// serveStore serves s with the configuration configure makes, over real
// HTTP.
func serveStore(t testing.TB, s *store.Store, configure func(*server.Config)) api {
	t.Helper()
	cfg := server.Config{Store: s}
	if configure != nil {
		configure(&cfg)
	}
	srv := httptest.NewServer(server.New(cfg))
	t.Cleanup(srv.Close)
	return api{url: srv.URL}
}

func repeat(format string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

func quotedCodes(n int) string {
	return strings.TrimSuffix(repeat(`"C%d",`, n), ",")
}

// fragmentChain is n fragments each spreading the next once: gqlparser's
// validation of 25,000 of them takes minutes.
func fragmentChain(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d }\n", i, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", n)
	return b.String()
}

// TestLimits: every limit refuses with its own code and a message stating
// the limit, in one error, before anything runs.
func TestLimits(t *testing.T) {
	a := newAPI(t)
	deep := "code"
	for range 20 {
		deep = "parent { " + deep + " }"
	}
	tests := []struct {
		name, query string
		variables   map[string]any
		code, limit string
	}{
		{"cost", `{ indicators(first: 100) { nodes { observations(first: 100) { nodes { value } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED", "limit is 10000"},
		{"cost of a long filter", `{ observations(first: 1, filter: {members: [` + strings.Repeat(`{dimension: "SEX", members: [`+quotedCodes(100)+`]},`, 11) + `]}) { nodes { value } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED", "limit is 10000"},
		{"depth", `{ agency(code: "MIA") { ` + deep + ` } }`, nil, "DEPTH_LIMIT_EXCEEDED", "limit is 20"},
		{"aliases", `{ releases { ` + repeat("c%d: code ", 51) + `} }`, nil, "ALIAS_LIMIT_EXCEEDED", "limit is 50"},
		{"root fields", `{ ` + strings.Repeat("releases { code } ", 31) + `}`, nil, "ROOT_FIELD_LIMIT_EXCEEDED", "limit is 30"},
		{"1,000 __schema aliases", `{ ` + repeat("s%d: __schema { queryType { name } } ", 1000) + `}`, nil, "ROOT_FIELD_LIMIT_EXCEEDED", "limit is 30"},
		{"fragment fan-out", graph.FanOut(23), nil, "FIELD_LIMIT_EXCEEDED", "limit is 1000"},
		{"a chain of 1,000 fragments", fragmentChain(1000), nil, "FRAGMENT_LIMIT_EXCEEDED", "limit is 100"},
		{"tokens", `{ releases { ` + strings.Repeat("code ", 10000) + `} }`, nil, "TOKEN_LIMIT_EXCEEDED", "limit is 10000"},
		{"a list literal", `{ observations(first: 1, filter: {indicators: [` + quotedCodes(101) + `]}) { nodes { value } } }`, nil, "LIST_LIMIT_EXCEEDED", "limit is 100"},
		{"10,000 members", `{ observations(first: 1, filter: {members: [{dimension: "SEX", members: [` + quotedCodes(10000) + `]}]}) { nodes { value } } }`, nil, "TOKEN_LIMIT_EXCEEDED", "limit is 10000"},
		{"1,000 codes in totalOver", `{ observations(first: 1, filter: {totalOver: [` + quotedCodes(1000) + `]}) { nodes { value } } }`, nil, "LIST_LIMIT_EXCEEDED", "limit is 100"},
		{"a list variable", `query($c: [String!]) { observations(first: 1, filter: {indicators: $c}) { nodes { value } } }`, map[string]any{"c": make([]string, 101)}, "LIST_LIMIT_EXCEEDED", "limit is 100"},
		{"a string literal", `{ indicator(code: "` + strings.Repeat("x", 1001) + `") { code } }`, nil, "STRING_LIMIT_EXCEEDED", "limit is 1000"},
		{"a string variable", `query($c: String!) { indicator(code: $c) { code } }`, map[string]any{"c": strings.Repeat("x", 1001)}, "STRING_LIMIT_EXCEEDED", "limit is 1000"},
		{"a string inside an input variable", `query($f: ObservationFilter) { observations(first: 1, filter: $f) { nodes { value } } }`, map[string]any{"f": map[string]any{"indicators": []string{strings.Repeat("x", 1001)}}}, "STRING_LIMIT_EXCEEDED", "limit is 1000"},
		{"10,000 unused variables", `query(` + repeat("$v%d: Int ", 10000) + `) { releases { code } }`, nil, "TOKEN_LIMIT_EXCEEDED", "limit is 10000"},
		{"51 unused variables", `query(` + repeat("$v%d: Int ", 51) + `) { releases { code } }`, nil, "VARIABLE_LIMIT_EXCEEDED", "limit is 50"},
		{"51 variables sent", `{ releases { code } }`, func() map[string]any {
			m := map[string]any{}
			for i := range 51 {
				m[fmt.Sprint("v", i)] = i
			}
			return m
		}(), "VARIABLE_LIMIT_EXCEEDED", "limit is 50"},
		{"1,000 unknown directives", `{ releases ` + repeat("@d%d ", 1000) + `{ code } }`, nil, "DIRECTIVE_LIMIT_EXCEEDED", "limit is 20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(t, tc.query, tc.variables)
			if resp.Status != http.StatusBadRequest || len(resp.Errors) != 1 || resp.Data != nil {
				t.Fatalf("status %d, %d errors, data %s; want 400 with one error and no data: %.300s", resp.Status, len(resp.Errors), resp.Data, resp.raw)
			}
			if got := resp.code(); got != tc.code {
				t.Errorf("code = %q (%s), want %q", got, resp.Errors[0].Message, tc.code)
			}
			if !strings.Contains(resp.Errors[0].Message, tc.limit) {
				t.Errorf("message %q does not state the limit (%q)", resp.Errors[0].Message, tc.limit)
			}
			if len(resp.raw) > 2000 {
				t.Errorf("a refusal of %d bytes", len(resp.raw))
			}
		})
	}
	t.Run("a cost refusal says the cost, the limit and what costs most", func(t *testing.T) {
		resp := a.post(t, `{ releases { code } big: indicators(first: 100) { nodes { observations(first: 100) { nodes { value } } } } }`, nil)
		e := resp.Errors[0]
		if e.Extensions["cost"] == nil || e.Extensions["limit"] != float64(10000) || !strings.Contains(e.Message, "big costs the most") {
			t.Errorf("refusal %+v", e)
		}
	})
	t.Run("errors per response", func(t *testing.T) {
		resp := a.post(t, `{ releases { `+repeat("nope%d ", 30)+`} }`, nil)
		if len(resp.Errors) != 20 {
			t.Fatalf("%d errors, want 20", len(resp.Errors))
		}
		last := resp.Errors[19]
		if last.Extensions["code"] != "ERROR_LIMIT_EXCEEDED" || !strings.Contains(last.Message, "11 more errors") {
			t.Errorf("last error %+v", last)
		}
	})
}

// TestCostInExtensions: every response says what the query cost; ordinary
// queries, the page of 100 observations with every field and the whole
// code lists among them, fit.
func TestCostInExtensions(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, query string
		want        int
	}{
		{"code list", `{ releases { code } }`, 50},
		{"a page", `{ observations(first: 10) { totalCount nodes { value indicator { code } } } }`, 1 + 1 + 10*2},
		{"a page of 100 with every field", `{ observations(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
			id value qualifier status statedChange note
			indicator { code name unit { code name } theme }
			refArea { code name iso3 m49 } period { start end label } unit { code name } agency { code name kind }
			coordinates { dimension { code name } member { code name iso3 } }
			source { release { code title } section quote alsoStatedIn { section quote } dataFileLine }
			release { code } previous { value period { label } } change { previousValue absolute percent } derivedFrom { value }
		} } } }`, 0},
		{"GraphiQL's introspection", introspectionQuery(), 1000},
		{"the whole code lists", `{
			agencies { id code name shortName kind parent { code } }
			dimensions { id code name description members { id code name iso2 iso3 m49 } }
			refAreas { id code name iso3 m49 }
			releases { code title referenceYear checksum loadedAt }
			indicators(first: 100) { nodes { code name description theme unit { code } agencies { code } } }
		}`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(t, tc.query, nil)
			var body struct {
				Extensions struct {
					Cost struct{ Points, Limit int }
				}
			}
			resp.data(t, &map[string]any{})
			if err := json.Unmarshal(resp.raw, &body); err != nil {
				t.Fatal(err)
			}
			c := body.Extensions.Cost
			t.Logf("cost %d of %d", c.Points, c.Limit)
			if c.Limit != 10000 || c.Points <= 0 || c.Points > c.Limit || tc.want != 0 && c.Points != tc.want {
				t.Errorf("extensions.cost = %+v, want %d points of 10000", c, tc.want)
			}
		})
	}
}

// introspectionQuery is graphql-js's getIntrospectionQuery as the bundled
// GraphiQL sends it: types nine levels deep.
func introspectionQuery() string {
	typeRef := "kind name"
	for range 9 {
		typeRef = "kind name ofType { " + typeRef + " }"
	}
	return `query IntrospectionQuery {
		__schema {
			description queryType { name kind } mutationType { name kind } subscriptionType { name kind }
			types { ...FullType }
			directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
		}
	}
	fragment FullType on __Type {
		kind name description specifiedByURL
		fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
		inputFields(includeDeprecated: true) { ...InputValue }
		interfaces { ...TypeRef }
		enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
		possibleTypes { ...TypeRef }
	}
	fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
	fragment TypeRef on __Type { ` + typeRef + ` }`
}

// TestPartialResults: one root field's error leaves the others' data.
func TestPartialResults(t *testing.T) {
	a := newAPI(t)
	resp := a.post(t, `{ releases { code } bad: observations(filter: {indicators: ["nope"]}) { totalCount } good: observations(first: 1) { totalCount } }`, nil)
	if resp.Status != http.StatusOK || len(resp.Errors) != 1 {
		t.Fatalf("status %d, errors %+v", resp.Status, resp.Errors)
	}
	if p := fmt.Sprint(resp.Errors[0].Path); p != "[bad]" {
		t.Errorf("error path %s, want [bad]", p)
	}
	var data struct {
		Releases []struct{ Code string }
		Bad      *struct{ TotalCount int }
		Good     *struct{ TotalCount int }
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Releases) != 1 || data.Bad != nil || data.Good == nil || data.Good.TotalCount == 0 {
		t.Errorf("data %s", resp.Data)
	}
}

// TestExecutionBounds: the value budget and the deadline stop execution
// with their codes, keeping what was resolved before.
func TestExecutionBounds(t *testing.T) {
	_, s, _ := newStoreAPI(t)
	t.Run("value budget", func(t *testing.T) {
		a := serveStore(t, s, func(c *server.Config) { c.Limits.Values = 50 })
		resp := a.post(t, `{ releases { code } observations(first: 100) { nodes { value indicator { code } } } }`, nil)
		if resp.code() != "RESPONSE_LIMIT_EXCEEDED" || !strings.Contains(resp.Errors[0].Message, "more than 50 values") {
			t.Fatalf("errors %+v", resp.Errors)
		}
		if len(resp.Errors) > 20 {
			t.Errorf("%d errors", len(resp.Errors))
		}
		if !strings.Contains(string(resp.Data), `"releases":[{"code":"az-2024"}]`) {
			t.Errorf("data %s", resp.Data)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		a := serveStore(t, s, func(c *server.Config) { c.RequestTimeout = time.Nanosecond })
		resp := a.post(t, `{ releases { code } indicators { totalCount } }`, nil)
		if resp.Status != http.StatusServiceUnavailable || resp.code() != "TIMEOUT" || !strings.Contains(resp.Errors[0].Message, "longer than 1ns") {
			t.Fatalf("%d %s", resp.Status, resp.raw)
		}
	})
}

// TestProductionSwitches: introspection, suggestions and GraphiQL can each
// be turned off.
func TestProductionSwitches(t *testing.T) {
	_, s, _ := newStoreAPI(t)
	on := serveStore(t, s, nil)
	off := serveStore(t, s, func(c *server.Config) {
		c.NoIntrospection, c.NoFieldSuggestions, c.NoGraphiQL = true, true, true
	})
	introspect := `{ __schema { queryType { name } } }`
	if resp := on.post(t, introspect, nil); len(resp.Errors) > 0 {
		t.Errorf("introspection on: %+v", resp.Errors)
	}
	if resp := off.post(t, introspect, nil); resp.code() != "INTROSPECTION_DISABLED" {
		t.Errorf("introspection off: %s", resp.raw)
	}
	if resp := off.post(t, `{ __typename }`, nil); len(resp.Errors) > 0 {
		t.Errorf("__typename with introspection off: %+v", resp.Errors)
	}
	typo := `{ releasez { code } }`
	if resp := on.post(t, typo, nil); !strings.Contains(resp.Errors[0].Message, "Did you mean") {
		t.Errorf("suggestions on: %s", resp.Errors[0].Message)
	}
	if resp := off.post(t, typo, nil); strings.Contains(resp.Errors[0].Message, "Did you mean") {
		t.Errorf("suggestions off: %s", resp.Errors[0].Message)
	}
	// The SDL is the schema introspection would tell, so it follows that
	// switch; GraphiQL follows its own.
	for _, tc := range []struct {
		a    api
		path string
		want int
	}{
		{on, "/", http.StatusOK}, {off, "/", http.StatusNotFound},
		{on, "/graphql/schema.graphql", http.StatusOK}, {off, "/graphql/schema.graphql", http.StatusNotFound},
	} {
		resp, err := http.Get(tc.a.url + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s = %d, want %d", tc.path, resp.StatusCode, tc.want)
		}
	}
}

// TestDatabaseDown: with nothing listening where the database should be,
// GraphQL answers 503 with Retry-After and DATABASE_UNAVAILABLE.
func TestDatabaseDown(t *testing.T) {
	db, err := sql.Open("postgres", "host="+t.TempDir()+" user=nobody dbname=none sslmode=disable connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := serveStore(t, store.New(db, ""), nil)
	for _, q := range []string{`{ releases { code } }`, `{ observations(first: 1) { nodes { value } } }`} {
		body, _ := json.Marshal(map[string]any{"query": q})
		resp, err := http.Post(a.url+"/graphql", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(raw), `"DATABASE_UNAVAILABLE"`) {
			t.Errorf("%s: %d Retry-After %q %s", q, resp.StatusCode, resp.Header.Get("Retry-After"), raw)
		}
	}
}

// TestSlowBody: a body that does not arrive within the bound gets 408 and
// the connection is closed.
func TestSlowBody(t *testing.T) {
	_, s, _ := newStoreAPI(t)
	a := serveStore(t, s, func(c *server.Config) { c.BodyTimeout = 200 * time.Millisecond })
	u, _ := url.Parse(a.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"qu")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(raw), "did not arrive within 200ms") {
		t.Errorf("%d %s", resp.StatusCode, raw)
	}
}

// TestWrongInputs sends every wrong input we know a client can make and
// finds each answered as the client's mistake: a 4xx or a coded error,
// never an internal error or a Go type's name.
func TestWrongInputs(t *testing.T) {
	a := newAPI(t)
	cursor := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	q := func(query string, vars map[string]any) string {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return string(b)
	}
	first := `query($n: Int) { observations(first: $n) { nodes { value } } }`
	filter := `query($f: ObservationFilter) { observations(first: 1, filter: $f) { nodes { value } } }`
	after := `query($a: String) { observations(first: 1, after: $a) { nodes { value } } }`
	tests := []struct {
		name, method, body string
		code               string // "" for any coded client error
	}{
		{"not JSON", "POST", `{query`, "BAD_REQUEST"},
		{"a JSON array", "POST", `[{"query": "{ releases { code } }"}]`, "BAD_REQUEST"},
		{"a number query", "POST", `{"query": 5}`, "BAD_REQUEST"},
		{"variables a list", "POST", `{"query": "{ releases { code } }", "variables": []}`, "BAD_REQUEST"},
		{"variables a string", "POST", `{"query": "{ releases { code } }", "variables": "x"}`, "BAD_REQUEST"},
		{"trailing data", "POST", `{"query": "{ releases { code } }"} {}`, "BAD_REQUEST"},
		{"empty body", "POST", ``, "BAD_REQUEST"},
		{"no query", "POST", `{}`, "BAD_REQUEST"},
		{"GET variables not JSON", "GET", "query=" + url.QueryEscape(first) + "&variables=%7B", "BAD_REQUEST"},
		{"GET malformed query string", "GET", "query=%zz", "BAD_REQUEST"},
		{"GET invalid UTF-8 in a filter", "GET", "query=" + url.QueryEscape(`{ observations(filter: {indicators: ["`) + "%ff" + url.QueryEscape(`"]}) { totalCount } }`), ""},
		{"first 1.5 literal", "POST", q(`{ observations(first: 1.5) { nodes { value } } }`, nil), "GRAPHQL_VALIDATION_FAILED"},
		{`first "100" literal`, "POST", q(`{ observations(first: "100") { nodes { value } } }`, nil), "GRAPHQL_VALIDATION_FAILED"},
		{"first 1.5 variable", "POST", q(first, map[string]any{"n": 1.5}), "BAD_USER_INPUT"},
		{`first "100" variable`, "POST", q(first, map[string]any{"n": "100"}), "BAD_USER_INPUT"},
		{"first true variable", "POST", q(first, map[string]any{"n": true}), "BAD_USER_INPUT"},
		{"first 1e3 variable", "POST", `{"query": "query($n: Int) { observations(first: $n) { nodes { value } } }", "variables": {"n": 1e3}}`, "BAD_USER_INPUT"},
		{"first past int64", "POST", `{"query": "query($n: Int) { observations(first: $n) { nodes { value } } }", "variables": {"n": 99999999999999999999}}`, "BAD_USER_INPUT"},
		{"first 0", "POST", q(`{ observations(first: 0) { nodes { value } } }`, nil), "BAD_USER_INPUT"},
		{"first -1", "POST", q(`{ indicators(first: -1) { nodes { code } } }`, nil), "BAD_USER_INPUT"},
		{"first 101", "POST", q(`{ observations(first: 101) { nodes { value } } }`, nil), "BAD_USER_INPUT"},
		{"periodFrom a string", "POST", q(filter, map[string]any{"f": map[string]any{"periodFrom": "2024"}}), "BAD_USER_INPUT"},
		{"periodFrom 1.5", "POST", q(filter, map[string]any{"f": map[string]any{"periodFrom": 2024.5}}), "BAD_USER_INPUT"},
		{"periodTo 99999", "POST", q(filter, map[string]any{"f": map[string]any{"periodTo": 99999}}), "BAD_USER_INPUT"},
		{"a number for a code", "POST", q(filter, map[string]any{"f": map[string]any{"indicators": []any{1}}}), "BAD_USER_INPUT"},
		{"a member selection without its dimension", "POST", q(filter, map[string]any{"f": map[string]any{"members": []any{map[string]any{"members": []string{"F"}}}}}), ""},
		{"an unknown filter field", "POST", q(filter, map[string]any{"f": map[string]any{"indicator": []string{"x"}}}), ""},
		{"an unknown enum", "POST", q(filter, map[string]any{"f": map[string]any{"statuses": []string{"NOPE"}}}), ""},
		{"a lower-case enum", "POST", q(filter, map[string]any{"f": map[string]any{"themes": []string{"protection"}}}), "BAD_USER_INPUT"},
		{"a NUL in a code", "POST", q(filter, map[string]any{"f": map[string]any{"refAreas": []string{"A\x00"}}}), "BAD_USER_INPUT"},
		{"a lone surrogate in a code", "POST", `{"query": "{ observations(filter: {agencies: [\"\\udc00\"]}) { totalCount } }"}`, ""},
		{"an unknown code", "POST", q(filter, map[string]any{"f": map[string]any{"releases": []string{"az-1999"}}}), "UNKNOWN_CODE"},
		{"a cursor not base64", "POST", q(after, map[string]any{"a": "!!!"}), "BAD_USER_INPUT"},
		{"a cursor of another connection", "POST", q(after, map[string]any{"a": cursor("indicator:x")}), "BAD_USER_INPUT"},
		{"a cursor with too few values", "POST", q(after, map[string]any{"a": cursor("observation/KEY:a")}), "BAD_USER_INPUT"},
		{"a forged cursor of the right shape", "POST", q(after, map[string]any{"a": cursor("observation/KEY:a\x1fb\x1fyear\x1f2024\x1f\x1fx")}), "BAD_USER_INPUT"},
		{"a forged cursor with a huge number", "POST", q(`query($a: String) { observations(first: 1, after: $a, orderBy: VALUE_DESC) { nodes { value } } }`, map[string]any{"a": cursor("observation/VALUE_DESC:1e999999999\x1f1")}), "BAD_USER_INPUT"},
		{"a forged cursor with invalid UTF-8", "POST", q(`query($a: String) { indicators(first: 1, after: $a) { nodes { code } } }`, map[string]any{"a": cursor("indicator:\xff\xfe")}), "BAD_USER_INPUT"},
		{"a node id not base64", "POST", q(`{ node(id: "!!!") { id } }`, nil), ""},
		{"a node id of nothing", "POST", q(`{ node(id: "`+cursor("Nope:x")+`") { id } }`, nil), ""},
		{"an unknown operation name", "POST", `{"query": "query A { releases { code } }", "operationName": "B"}`, "GRAPHQL_VALIDATION_FAILED"},
		{"two operations, no name", "POST", `{"query": "query A { releases { code } } query B { releases { code } }"}`, "GRAPHQL_VALIDATION_FAILED"},
		{"a mutation", "POST", q(`mutation { releases }`, nil), ""},
		{"a subscription", "POST", q(`subscription { releases { code } }`, nil), ""},
		{"a breakdown by nothing", "POST", q(`{ indicator(code: "victims_identified") { breakdown(by: "NOPE") { sum } } }`, nil), ""},
		{"a missing required argument", "POST", q(`{ indicator { code } }`, nil), "GRAPHQL_VALIDATION_FAILED"},
		{"a null for a required variable", "POST", q(`query($c: String!) { indicator(code: $c) { code } }`, map[string]any{"c": nil}), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var req *http.Request
			if tc.method == "GET" {
				req, _ = http.NewRequest(http.MethodGet, a.url+"/graphql?"+tc.body, nil)
			} else {
				req, _ = http.NewRequest(http.MethodPost, a.url+"/graphql", strings.NewReader(tc.body))
				req.Header.Set("Content-Type", "application/json")
			}
			resp := do(t, req)
			raw := string(resp.raw)
			if resp.Status >= 500 || strings.Contains(raw, "INTERNAL_SERVER_ERROR") || len(resp.Errors) == 0 {
				t.Fatalf("status %d: %s", resp.Status, raw)
			}
			for _, leak := range []string{"graphql.RawParams", "Go value", "Go struct", "pq:", "map[string]"} {
				if strings.Contains(raw, leak) {
					t.Errorf("the answer names %q: %s", leak, raw)
				}
			}
			for _, e := range resp.Errors {
				if e.Extensions["code"] == nil {
					t.Errorf("an error without a code: %s", raw)
				}
			}
			if tc.code != "" && resp.code() != tc.code {
				t.Errorf("code = %q, want %q: %s", resp.code(), tc.code, raw)
			}
		})
	}
}

// TestLoadShedding: past the concurrency bound and a full queue, a request
// is answered 503 with Retry-After at once; one the response cache holds is
// still answered, and one that is not a GraphQL request still gets its 400.
// The request in flight is held by a lock on the table it reads.
func TestLoadShedding(t *testing.T) {
	_, s, dsn := newStoreAPI(t)
	a := serveStore(t, s, func(c *server.Config) { c.MaxConcurrent, c.MaxQueued, c.QueueWait = 1, 1, time.Millisecond })
	const cached = `{ __typename }`
	if r := a.post(t, cached, nil); r.Status != http.StatusOK {
		t.Fatalf("before the bound: %d %s", r.Status, r.raw)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// The catalog, read by the first request, is held in the process:
	// the request held reads observations.
	if _, err := tx.Exec(`LOCK TABLE observation IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	held := make(chan response, 1)
	go func() { held <- a.post(t, `{ observations(first: 1) { nodes { value } } }`, nil) }()
	for {
		var waiting int
		if err := db.QueryRow(`SELECT count(*) FROM pg_locks WHERE NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	send := func(body string) (*http.Response, string) {
		resp, err := http.Post(a.url+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(raw)
	}
	body, _ := json.Marshal(map[string]any{"query": `{ t: __typename }`})
	if resp, raw := send(string(body)); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(raw, "SERVICE_UNAVAILABLE") {
		t.Errorf("past the bound: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	// Sent as before, byte for byte.
	if r := a.post(t, cached, nil); r.Status != http.StatusOK || !strings.Contains(string(r.raw), `"__typename":"Query"`) {
		t.Errorf("past the bound, an answer the cache holds: %d %s", r.Status, r.raw)
	}
	if resp, raw := send(`{"query": `); resp.StatusCode != http.StatusBadRequest || !strings.Contains(raw, "BAD_REQUEST") {
		t.Errorf("past the bound, a body cut short: %d %s", resp.StatusCode, raw)
	}
	tx.Rollback()
	if r := <-held; r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("the held request: %d %s", r.Status, r.raw)
	}
}
