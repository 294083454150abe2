package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"indicators/internal/testdb"
)

// TestGraphQLOverHTTP covers what the graphql-http audit does not: GET
// mutations, Accept negotiation with q-values, 406, 415, 413, and the absence
// of a data entry on request errors under both media types.
func TestGraphQLOverHTTP(t *testing.T) {
	srv := newServer(t, testdb.New(t))
	const (
		gr     = "application/graphql-response+json; charset=utf-8"
		js     = "application/json; charset=utf-8"
		ctJSON = "application/json"
	)
	get := func(q url.Values) (string, string) {
		return http.MethodGet, "/graphql?" + q.Encode()
	}
	query := url.Values{"query": {"{ __typename }"}}
	mutation := url.Values{"query": {"mutation { __typename }"}}
	namedMutation := url.Values{"query": {"query Q { __typename } mutation M { __typename }"}, "operationName": {"M"}}
	tests := []struct {
		name        string
		method      string
		path        string
		header      map[string]string
		body        string
		status      int
		contentType string
		hasData     bool // the response has a "data" entry
		code        string
		allow       string
	}{
		{name: "GET query", status: 200, contentType: js, hasData: true},
		{name: "GET query, graphql-response+json", header: map[string]string{"Accept": "application/graphql-response+json"}, status: 200, contentType: gr, hasData: true},
		{name: "browser Accept", header: map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, status: 200, contentType: js, hasData: true},
		{name: "q-values prefer json", header: map[string]string{"Accept": "application/graphql-response+json;q=0.5, application/json"}, status: 200, contentType: js, hasData: true},
		{name: "GraphiQL's Accept", header: map[string]string{"Accept": "application/graphql-response+json, application/json"}, status: 200, contentType: gr, hasData: true},
		{name: "nothing acceptable", header: map[string]string{"Accept": "text/html"}, status: 406, contentType: js, code: "BAD_REQUEST"},
		{name: "json refused with q=0", header: map[string]string{"Accept": "application/json;q=0, text/plain"}, status: 406, contentType: js, code: "BAD_REQUEST"},
		{name: "GET mutation", method: "mutation", status: 405, contentType: js, code: "BAD_REQUEST", allow: "POST"},
		{name: "GET mutation selected by operationName", method: "namedMutation", status: 405, contentType: js, code: "BAD_REQUEST", allow: "POST"},
		{name: "GET without query", method: http.MethodGet, path: "/graphql", status: 400, contentType: js, code: "BAD_REQUEST"},
		{name: "GET with bad variables", method: http.MethodGet, path: "/graphql?query=%7B__typename%7D&variables=%5B%5D", status: 400, contentType: js, code: "BAD_REQUEST"},
		{name: "POST without Content-Type", method: http.MethodPost, body: `{"query":"{ __typename }"}`, status: 415, contentType: js, code: "BAD_REQUEST"},
		{name: "POST text/plain", method: http.MethodPost, header: map[string]string{"Content-Type": "text/plain"}, body: `{"query":"{ __typename }"}`, status: 415, contentType: js, code: "BAD_REQUEST"},
		{name: "POST latin1", method: http.MethodPost, header: map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}, body: `{"query":"{ __typename }"}`, status: 415, contentType: js, code: "BAD_REQUEST"},
		{name: "POST UTF-8", method: http.MethodPost, header: map[string]string{"Content-Type": "application/json; charset=UTF-8"}, body: `{"query":"{ __typename }"}`, status: 200, contentType: js, hasData: true},
		{name: "POST batch", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON}, body: `[{"query":"{ __typename }"}]`, status: 400, contentType: js, code: "BAD_REQUEST"},
		{name: "POST trailing data", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON}, body: `{"query":"{ __typename }"} {}`, status: 400, contentType: js, code: "BAD_REQUEST"},
		{name: "POST null query", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON}, body: `{"query":null}`, status: 400, contentType: js, code: "BAD_REQUEST"},
		{name: "POST too large", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON}, body: `{"query":"` + strings.Repeat(" ", 2<<20) + `{ __typename }"}`, status: 413, contentType: js, code: "BAD_REQUEST"},
		{name: "POST mutation is a validation error", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON, "Accept": "application/graphql-response+json"}, body: `{"query":"mutation { __typename }"}`, status: 400, contentType: gr, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "parse error, json", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON}, body: `{"query":"{"}`, status: 200, contentType: js, code: "GRAPHQL_PARSE_FAILED"},
		{name: "parse error, graphql-response+json", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON, "Accept": "application/graphql-response+json"}, body: `{"query":"{"}`, status: 400, contentType: gr, code: "GRAPHQL_PARSE_FAILED"},
		{name: "unknown operation", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON, "Accept": "application/graphql-response+json"}, body: `{"query":"query A { __typename }","operationName":"B"}`, status: 400, contentType: gr, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion", method: http.MethodPost, header: map[string]string{"Content-Type": ctJSON, "Accept": "application/graphql-response+json"}, body: `{"query":"query($c: String!) { indicator(code: $c) { name } }","variables":{"c":null}}`, status: 400, contentType: gr, code: "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method, path := tc.method, tc.path
			switch method {
			case "":
				method, path = get(query)
			case "mutation":
				method, path = get(mutation)
			case "namedMutation":
				method, path = get(namedMutation)
			}
			if path == "" {
				path = "/graphql"
			}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(method, srv.URL+path, body)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tc.status, raw)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := resp.Header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			var out map[string]any
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("body %q: %v", raw, err)
			}
			if _, ok := out["data"]; ok != tc.hasData {
				t.Errorf("data entry present = %v, want %v: %s", ok, tc.hasData, raw)
			}
			code := ""
			if errs, _ := out["errors"].([]any); len(errs) > 0 {
				e, _ := errs[0].(map[string]any)
				ext, _ := e["extensions"].(map[string]any)
				code, _ = ext["code"].(string)
			}
			if code != tc.code {
				t.Errorf("extensions.code %q, want %q: %s", code, tc.code, raw)
			}
		})
	}
}
