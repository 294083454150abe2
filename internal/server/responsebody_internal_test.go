package server

import (
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestResponseBodyIsMarshal: responseBody writes the bytes json.Marshal
// writes for every kind of response the transport sends.
func TestResponseBodyIsMarshal(t *testing.T) {
	yes := true
	for _, tc := range []struct {
		name string
		resp graphql.Response
	}{
		{"data only", graphql.Response{Data: json.RawMessage(`{"a":1,"b":[true,null,"x"]}`)}},
		{"no data", graphql.Response{Errors: gqlerror.List{{Message: "bad", Extensions: map[string]any{"code": "BAD_INPUT"}}}}},
		{"data, errors and extensions", graphql.Response{
			Data:       json.RawMessage(`{"o":null}`),
			Errors:     gqlerror.List{{Message: `"quoted" <b>`, Path: ast.Path{ast.PathName("o"), ast.PathIndex(3)}}},
			Extensions: map[string]any{"cost": map[string]int{"requested": 3}, "language": map[string]string{"served": "en"}}}},
		{"HTML and line separators in strings", graphql.Response{Data: json.RawMessage("{\"q\":\"a < b && c > d \u2028 \u2029\"}")}},
		{"non-ASCII", graphql.Response{Data: json.RawMessage(`{"n":"Türkiye — Azərbaycan"}`)}},
		{"a line separator alone", graphql.Response{Data: json.RawMessage("{\"q\":\"a\u2028b\"}")}},
		{"an ampersand alone", graphql.Response{Data: json.RawMessage(`{"q":"R&D"}`)}},
		{"a lead byte 0xE2 that begins no separator", graphql.Response{Data: json.RawMessage(`{"q":"€ 5 – 7"}`)}},
		{"incremental", graphql.Response{Data: json.RawMessage(`{}`), Label: "l", Path: ast.Path{ast.PathName("x")}, HasNext: &yes}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(&tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if got := responseBody(&tc.resp); string(got) != string(want) {
				t.Errorf("responseBody =\n%s\nwant\n%s", got, want)
			}
		})
	}
}
