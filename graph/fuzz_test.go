package graph_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// FuzzFilterInput sends arbitrary JSON as the observation filter variable
// (other text as a code in every field that takes one) and requires a
// client's answer: a result, or coded errors with a status
// below 500, never an internal error. The seed corpus in
// testdata/fuzz/FuzzFilterInput runs with every `go test`; fuzz with
// `go test ./graph -run '^$' -fuzz FuzzFilterInput -fuzztime 10s`.
func FuzzFilterInput(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`null`,
		`{"indicators": ["victims_identified"], "periodFrom": 2024}`,
		`{"members": [{"dimension": "SEX", "members": ["F"]}], "exactlyBy": ["SEX"]}`,
		`{"periodFrom": "2024"}`,
		`{"themes": ["protection"]}`,
		`{"refAreas": "AZE"}`,
		`{"totalOver": [null]}`,
		`{"asOf": {"revision": 1}, "updatedAfter": {"time": "2026-01-01T00:00:00Z"}}`,
		`{"asOf": {"time": "9999-12-31T23:59:59.999999999-23:59"}, "members": [{"dimension": "SEX", "members": ["F"]}]}`,
		`{"updatedAfter": {"revision": -1}}`,
		`{"asOf": {"time": 5, "revision": "1"}}`,
	} {
		f.Add(seed)
	}
	a := newAPI(f)
	const query = `query($f: ObservationFilter) { observations(first: 1, filter: $f) { totalCount nodes { value } } }`
	f.Fuzz(func(t *testing.T, filter string) {
		if !json.Valid([]byte(filter)) {
			// Any other text is a code in every field that takes one.
			c := quoteJSON(filter)
			filter = `{"indicators": [` + c + `], "agencies": [` + c + `], "refAreas": [` + c + `], "releases": [` + c +
				`], "members": [{"dimension": ` + c + `, "members": [` + c + `]}], "totalOver": [` + c + `], "exactlyBy": [` + c + `]}`
		}
		body := `{"query": ` + quoteJSON(query) + `, "variables": {"f": ` + filter + `}}`
		req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp := do(t, req)
		if resp.Status >= 500 || strings.Contains(string(resp.raw), "INTERNAL_SERVER_ERROR") {
			t.Fatalf("filter %s: %d %s", filter, resp.Status, resp.raw)
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == nil {
				t.Fatalf("filter %s: an error without a code: %s", filter, resp.raw)
			}
		}
	})
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzCursor sends arbitrary text as `after`, both as it is and wrapped as a
// cursor of the observations connection is (so the store's keyset
// reading is reached, not only the decoding), in every order, and requires a
// client's answer: a page, or a coded error below 500. The seed corpus holds
// real cursors of each order; fuzz with
// `go test ./graph -run '^$' -fuzz FuzzCursor -fuzztime 10s`.
func FuzzCursor(f *testing.F) {
	a := newAPI(f)
	const query = `query($after: String, $order: ObservationOrder) {
		observations(first: 2, after: $after, orderBy: $order) { pageInfo { endCursor } nodes { value } } }`
	orders := []string{"KEY", "PERIOD_DESC", "VALUE_DESC"}
	for _, order := range orders {
		resp := a.post(f, query, map[string]any{"order": order})
		var page struct {
			Observations struct {
				PageInfo struct{ EndCursor string }
			}
		}
		if err := json.Unmarshal(resp.Data, &page); err != nil || page.Observations.PageInfo.EndCursor == "" {
			f.Fatalf("no cursor for %s: %s", order, resp.raw)
		}
		cursor := page.Observations.PageInfo.EndCursor
		f.Add(cursor)
		if raw, err := base64.RawURLEncoding.DecodeString(cursor); err == nil {
			_, key, _ := strings.Cut(string(raw), ":")
			f.Add(key)
		}
	}
	f.Add("")
	f.Add("not a cursor")
	f.Fuzz(func(t *testing.T, after string) {
		for _, order := range orders {
			// Cursors name their connection and order: "observation/key:…".
			kind := "observation/" + strings.ToLower(order) + ":"
			for _, cursor := range []string{after, base64.RawURLEncoding.EncodeToString([]byte(kind + after))} {
				resp := a.post(t, query, map[string]any{"after": cursor, "order": order})
				if resp.Status >= 500 || strings.Contains(string(resp.raw), "INTERNAL_SERVER_ERROR") {
					t.Fatalf("after %q, %s: %d %s", cursor, order, resp.Status, resp.raw)
				}
				for _, e := range resp.Errors {
					if e.Extensions["code"] == nil {
						t.Fatalf("after %q, %s: an error without a code: %s", cursor, order, resp.raw)
					}
				}
			}
		}
	})
}
