package server_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"indicators/internal/export"
)

// TestExportParamsAreGraphQLFilter: the exports' parameters are exactly the
// fields of GraphQL's ObservationFilter, as the server publishes its schema,
// in its order, plus the exports' own options; every enum value GraphQL
// takes, an export takes in the same spelling.
func TestExportParamsAreGraphQLFilter(t *testing.T) {
	_, srv := bundledServer(t)
	r := get(t, srv, "/graphql/schema.graphql", nil)
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: r.body})
	if err != nil {
		t.Fatalf("the served SDL does not load: %v", err)
	}
	input := schema.Types["ObservationFilter"]
	if input == nil {
		t.Fatal("no ObservationFilter in the schema")
	}
	var want []string
	for _, f := range input.Fields {
		want = append(want, f.Name)
	}
	want = append(want, "bom", "lang")
	if got := export.ParamNames(); !slices.Equal(got, want) {
		t.Fatalf("export parameters\n\t%v\nGraphQL's ObservationFilter (and bom, lang)\n\t%v\nA Filter field needs a decoding in internal/export/params.go, or the schema a field", got, want)
	}
	f, _ := export.Lookup("observations.csv")
	for i, field := range input.Fields {
		p := export.Params[i]
		if isList := field.Type.Elem != nil; p.List != isList {
			t.Errorf("%s: a list in GraphQL %v, in exports %v", field.Name, isList, p.List)
		}
		enum := schema.Types[field.Type.Name()]
		if enum.Kind != ast.Enum {
			continue
		}
		for _, v := range enum.EnumValues {
			if _, err := export.ParseQuery(f, url.Values{field.Name: {v.Name}}); err != nil {
				t.Errorf("%s=%s, as GraphQL writes it: %v", field.Name, v.Name, err)
			}
		}
	}
}

// TestExportsSelectAsGraphQL: the same filter, written once as GraphQL's
// ObservationFilter and once as export parameters (new names, lists by
// separator and by repetition, the legacy names), selects the same
// observations.
func TestExportsSelectAsGraphQL(t *testing.T) {
	_, srv := bundledServer(t)
	tests := []struct {
		name    string
		graphql string // the filter's fields, without releases
		exports []string
	}{
		{"indicators", `indicators: ["victims_identified", "persons_charged"]`,
			[]string{"indicators=victims_identified,persons_charged", "indicators=victims_identified&indicators=persons_charged", "indicator=victims_identified&indicator=persons_charged"}},
		{"themes", `themes: [PROTECTION]`, []string{"themes=PROTECTION", "theme=protection"}},
		{"statuses", `statuses: [DERIVED]`, []string{"statuses=DERIVED", "status=derived"}},
		{"qualifiers", `qualifiers: [MORE_THAN, APPROXIMATELY]`, []string{"qualifiers=MORE_THAN,APPROXIMATELY", "qualifier=more_than&qualifier=approximately"}},
		{"one year", `periodFrom: 2024, periodTo: 2024`, []string{"periodFrom=2024&periodTo=2024", "period=2024"}},
		{"members", `members: [{dimension: "SEX", members: ["F", "M"]}]`, []string{"members=SEX=F,SEX=M", "member=SEX=F&member=SEX=M"}},
		{"totals over sex, broken down by age", `totalOver: ["SEX"], brokenDownBy: ["AGE"]`, []string{"totalOver=SEX&brokenDownBy=AGE", "total=SEX&by=AGE"}},
		{"totals over every dimension", `exactlyBy: []`, []string{"exactlyBy="}},
		{"one breakdown", `exactlyBy: ["SEX"]`, []string{"exactlyBy=SEX"}},
		{"areas and agencies", `refAreas: ["AZE"], agencies: ["MIA_DCTHB"]`, []string{"refAreas=AZE&agencies=MIA_DCTHB", "area=AZE&agency=MIA_DCTHB"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// An explicit release reads it as it stands in both.
			want := totalCount(t, srv.URL, `releases: ["az-2024"], `+tc.graphql)
			if want == 0 {
				t.Fatalf("the case selects nothing: it tests nothing")
			}
			for _, q := range tc.exports {
				r := get(t, srv, "/export/observations.csv?release=az-2024&"+q, nil)
				if r.status != http.StatusOK {
					t.Fatalf("%s: status %d: %s", q, r.status, r.body)
				}
				rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if got := len(rows) - 1; got != want {
					t.Errorf("%s: %d rows, GraphQL's totalCount %d", q, got, want)
				}
			}
		})
	}
}

func totalCount(t *testing.T, base, filter string) int {
	t.Helper()
	var data struct {
		Observations struct{ TotalCount int }
	}
	graphQL(t, base, "{ observations(filter: {"+filter+"}, first: 1) { totalCount } }", nil, &data)
	return data.Observations.TotalCount
}
