package graph_test

import (
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
