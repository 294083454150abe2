package server_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/sdmx/sdmxtest"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// Small-cell protection as an anonymous client probes it, at threshold 5
// over the bundled report: the 1 man among the 91 victims is a small cell,
// and the 90 women its complement (91 minus the other member); a partner's
// key reads both.
const smallCellThreshold = 5

// smallCellServer serves the bundled dataset with suppression below 5, and
// a partner's key.
func smallCellServer(t *testing.T) (*store.Store, *httptest.Server, map[string]string) {
	t.Helper()
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return smallCellServerOf(t, bundled)
}

// smallCellServerOf serves the datasets sets with suppression below 5, and
// a partner's key.
func smallCellServerOf(t *testing.T, sets ...*dataset.Dataset) (*store.Store, *httptest.Server, map[string]string) {
	t.Helper()
	s := testdb.New(t, store.WithSuppressBelow(smallCellThreshold))
	load(t, s, sets...)
	_, key, err := s.CreateKey(context.Background(), "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	unlimited := ratelimit.New(ratelimit.Config{
		Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000},
		Partner:   ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000},
	})
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: unlimited}))
	t.Cleanup(srv.Close)
	return s, srv, bearer(key)
}

// graphQLData posts query and returns its data, failing on any error.
func graphQLData(t *testing.T, srv *httptest.Server, query string, header map[string]string) (string, any) {
	t.Helper()
	r := post(t, srv, query, header)
	var out struct {
		Data   any
		Errors []json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.status != http.StatusOK || len(out.Errors) > 0 {
		t.Fatalf("%d %s (%v)", r.status, r.body, err)
	}
	return r.body, out.Data
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// TestSmallCellsGraphQL: every field that carries a suppressed number, or
// would give it, is null for an anonymous client, with the reason where it
// belongs; a partner reads the values.
func TestSmallCellsGraphQL(t *testing.T) {
	_, srv, partner := smallCellServer(t)
	const sexCells = `observations(filter: {indicators: ["victims_identified"], periods: ["2024"], exactlyBy: ["SEX"]%s}) {
		nodes { coordinates { member { code } } value suppression { reason } withheld source { quote } } }`
	const quote = "all citizens of the Republic of Azerbaijan (90 women, 1 man)"
	tests := []struct {
		name, query, anonymous, partner string
	}{
		{"1 man, and 90 women as its complement", "{" + fmt.Sprintf(sexCells, "") + "}",
			`{"observations":{"nodes":[
				{"coordinates":[{"member":{"code":"F"}}],"value":null,"suppression":{"reason":"COMPLEMENT"},"withheld":["VALUE","CHANGE","QUOTE"],"source":{"quote":null}},
				{"coordinates":[{"member":{"code":"M"}}],"value":null,"suppression":{"reason":"SMALL_CELL"},"withheld":["VALUE","CHANGE","QUOTE"],"source":{"quote":null}}]}}`,
			`{"observations":{"nodes":[
				{"coordinates":[{"member":{"code":"F"}}],"value":90,"suppression":null,"withheld":[],"source":{"quote":"` + quote + `"}},
				{"coordinates":[{"member":{"code":"M"}}],"value":1,"suppression":null,"withheld":[],"source":{"quote":"` + quote + `"}}]}}`},
		{"as of the first revision, the same cells", "{" + fmt.Sprintf(sexCells, ", asOf: {revision: 1}") + "}",
			`{"observations":{"nodes":[
				{"coordinates":[{"member":{"code":"F"}}],"value":null,"suppression":{"reason":"COMPLEMENT"},"withheld":["VALUE","CHANGE","QUOTE"],"source":{"quote":null}},
				{"coordinates":[{"member":{"code":"M"}}],"value":null,"suppression":{"reason":"SMALL_CELL"},"withheld":["VALUE","CHANGE","QUOTE"],"source":{"quote":null}}]}}`,
			`{"observations":{"nodes":[
				{"coordinates":[{"member":{"code":"F"}}],"value":90,"suppression":null,"withheld":[],"source":{"quote":"` + quote + `"}},
				{"coordinates":[{"member":{"code":"M"}}],"value":1,"suppression":null,"withheld":[],"source":{"quote":"` + quote + `"}}]}}`},
		{"breakdown: no sum, difference, consistency or share tells them",
			`{ indicator(code: "victims_identified") { breakdown(by: "SEX", period: "2024") { total { value } sum unallocated consistent members { member { code } value share } } } }`,
			`{"indicator":{"breakdown":{"total":{"value":91},"sum":null,"unallocated":null,"consistent":null,"members":[
				{"member":{"code":"F"},"value":null,"share":null},{"member":{"code":"M"},"value":null,"share":null}]}}}`,
			`{"indicator":{"breakdown":{"total":{"value":91},"sum":91,"unallocated":0,"consistent":true,"members":[
				{"member":{"code":"F"},"value":90,"share":0.989010989},{"member":{"code":"M"},"value":1,"share":0.010989011}]}}}`},
		{"aggregate: a sum with a suppressed part is null",
			`{ aggregate(filter: {indicators: ["victims_identified"], periods: ["2024"], exactlyBy: ["SEX"]}) { count sum } }`,
			`{"aggregate":[{"count":2,"sum":null}]}`, `{"aggregate":[{"count":2,"sum":91}]}`},
		{"latest: a small headline value",
			`{ indicator(code: "citizens_arrested_abroad") { latest { value suppression { reason } observation { value } } } }`,
			`{"indicator":{"latest":{"value":null,"suppression":{"reason":"SMALL_CELL"},"observation":{"value":null}}}}`,
			`{"indicator":{"latest":{"value":3,"suppression":null,"observation":{"value":3}}}}`},
		{"previous, stated change and change: 1 forced-labour offence after 3",
			`{ observations(filter: {indicators: ["offences_detected"], periods: ["2024"], members: [{dimension: "OFFENCE_TYPE", members: ["FORCED_LABOUR"]}]}) {
				nodes { value statedChange change { previousValue absolute percent } previous { value suppression { reason } } } } }`,
			`{"observations":{"nodes":[{"value":null,"statedChange":null,"change":null,"previous":{"value":null,"suppression":{"reason":"SMALL_CELL"}}}]}}`,
			`{"observations":{"nodes":[{"value":1,"statedChange":-2,"change":{"previousValue":3,"absolute":-2,"percent":-66.6666666667},"previous":{"value":3,"suppression":null}}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, who := range []struct {
				name   string
				header map[string]string
				want   string
			}{{"anonymous", nil, tc.anonymous}, {"partner", partner, tc.partner}} {
				body, got := graphQLData(t, srv, tc.query, who.header)
				if !reflect.DeepEqual(got, jsonValue(t, who.want)) {
					t.Errorf("%s: %s\nwant data %s", who.name, body, who.want)
				}
			}
		})
	}
}

// TestSmallCellsCoverage: a framework's cell that a suppressed figure would
// fill is not available for an anonymous client, and says so.
func TestSmallCellsCoverage(t *testing.T) {
	_, srv, partner := smallCellServer(t)
	const q = `{ coverage(framework: GLOTIP, filter: {indicators: ["victims_identified"]}) { statistic year breakdown available value note } }`
	cells := func(header map[string]string) map[string]map[string]any {
		_, data := graphQLData(t, srv, q, header)
		out := map[string]map[string]any{}
		for _, c := range data.(map[string]any)["coverage"].([]any) {
			c := c.(map[string]any)
			out[fmt.Sprint(c["statistic"], " ", c["year"], ": ", c["breakdown"])] = c
		}
		return out
	}
	anon, part := cells(nil), cells(partner)
	const victims = "Detected trafficking victims 2024: "
	for _, tc := range []struct{ breakdown, value string }{
		{victims + "Total: Total; sex: Male; age: Total", "1"},
		{victims + "Total: Total; sex: Female; age: Total", "90"},
	} {
		if c := part[tc.breakdown]; c == nil || c["available"] != true || fmt.Sprint(c["value"]) != tc.value {
			t.Errorf("partner: %s = %v, want %s", tc.breakdown, c, tc.value)
		}
		if c := anon[tc.breakdown]; c == nil || c["available"] != false || c["value"] != nil || !strings.Contains(fmt.Sprint(c["note"]), "suppressed") {
			t.Errorf("anonymous: %s = %v, want not available because suppressed", tc.breakdown, c)
		}
	}
	if c := anon[victims+"Total: Total; sex: Total; age: Total"]; c == nil || fmt.Sprint(c["value"]) != "91" {
		t.Errorf("anonymous: the published total: %v", c)
	}
}

// TestSmallCellsValueOrder: ordered by value, a suppressed cell sorts after
// every published one, and its cursor carries no value: neither tells a
// suppressed count from its neighbours. Paging on from such a cursor works.
func TestSmallCellsValueOrder(t *testing.T) {
	_, srv, partner := smallCellServer(t)
	const q = `{ observations(filter: {indicators: ["victims_identified"], periods: ["2024"]}, orderBy: VALUE_DESC, first: %d%s) {
		edges { cursor node { value } } } }`
	type edge struct {
		Cursor string
		Node   struct{ Value *float64 }
	}
	edges := func(header map[string]string, first int, after string) []edge {
		t.Helper()
		if after != "" {
			after = fmt.Sprintf(", after: %q", after)
		}
		body, _ := graphQLData(t, srv, fmt.Sprintf(q, first, after), header)
		var out struct {
			Data struct{ Observations struct{ Edges []edge } }
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out.Data.Observations.Edges
	}
	anon, part := edges(nil, 100, ""), edges(partner, 100, "")
	if len(anon) != len(part) {
		t.Fatalf("%d rows anonymous, %d for the partner", len(anon), len(part))
	}
	var published []float64
	suppressed := 0
	for i, e := range anon {
		cursor, err := base64.RawURLEncoding.DecodeString(e.Cursor)
		if err != nil {
			t.Fatal(err)
		}
		if e.Node.Value == nil {
			suppressed++
			value, _, _ := strings.Cut(strings.TrimPrefix(string(cursor), "observation/value_desc:"), "\x1f")
			if value != "-Infinity" {
				t.Errorf("row %d: a suppressed row's cursor %q carries %q", i, cursor, value)
			}
			continue
		}
		if suppressed > 0 {
			t.Errorf("row %d: the published %v sorts after a suppressed row", i, *e.Node.Value)
		}
		published = append(published, *e.Node.Value)
	}
	if suppressed != 4 {
		t.Errorf("%d suppressed rows, want 4 (F, M and the two small country cells)", suppressed)
	}
	var partnerPublished []float64
	for _, e := range part {
		if v := *e.Node.Value; v >= smallCellThreshold && v != 90 {
			partnerPublished = append(partnerPublished, v)
		}
	}
	if !reflect.DeepEqual(published, partnerPublished) {
		t.Errorf("published order %v, want the partner's without the suppressed: %v", published, partnerPublished)
	}
	first := len(anon) - suppressed
	rest := edges(nil, 100, anon[first].Cursor)
	if len(rest) != suppressed-1 || !reflect.DeepEqual(rest, anon[first+1:]) {
		t.Errorf("after the first suppressed row: %v, want %v", rest, anon[first+1:])
	}
}

// TestSmallCellsNothingLeaks is the sweep of an anonymous client reading
// everything: every observation through GraphQL (with its quotes, notes,
// changes and previous values) and the change feed, every export and the
// SDMX REST data. Each cell the rule suppresses reads as null wherever an
// observation is shown, each other cell has its value, and no quote or note
// the rule withholds appears in any response, while a partner's responses
// have them (so the check can fail).
func TestSmallCellsNothingLeaks(t *testing.T) {
	_, srv, partner := smallCellServer(t)
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	sup := dataset.Suppress(bundled.Observations, bundled.Dimensions, bundled.Relations, smallCellThreshold)
	var withheld []string
	seen := map[string]bool{}
	for _, o := range bundled.Observations {
		texts := []string{o.Source.Quote, o.Note}
		for _, a := range o.AlsoStated {
			texts = append(texts, a.Quote)
		}
		for _, text := range texts {
			if sup.Text(text) && !seen[text] {
				seen[text] = true
				withheld = append(withheld, text)
			}
		}
	}
	if len(withheld) == 0 {
		t.Fatal("the rule withholds no text at this threshold")
	}

	const fields = `indicator { code } refArea { code } period { label } coordinates { dimension { code } member { code } }
		value suppression { reason } statedChange change { previousValue absolute percent } note
		source { quote alsoStatedIn { quote } } previous { value note source { quote } } derivedFrom { value source { quote } }`
	type node struct {
		Indicator   struct{ Code string }
		RefArea     struct{ Code string }
		Period      struct{ Label string }
		Coordinates []struct{ Dimension, Member struct{ Code string } }
		Value       *float64
		Suppression *struct{ Reason string }
	}
	cellOf := func(n node) dataset.Observation {
		p, err := dataset.ParsePeriod(n.Period.Label)
		if err != nil {
			t.Fatal(err)
		}
		o := dataset.Observation{Indicator: n.Indicator.Code, RefArea: n.RefArea.Code, Period: p}
		for _, c := range n.Coordinates {
			o.Coordinates = append(o.Coordinates, dataset.Coordinate{Dimension: c.Dimension.Code, Member: c.Member.Code})
		}
		return o
	}
	// pages reads every page of a connection at path (observations or
	// changes), returning the bodies and the observations in them.
	pages := func(header map[string]string, root, selection string, nodes func([]byte) ([]node, string, bool)) ([]string, []node) {
		var bodies []string
		var all []node
		after := ""
		for {
			args := "first: 50"
			if after != "" {
				args += fmt.Sprintf(", after: %q", after)
			}
			if root == "changes" {
				args += ", since: {revision: 0}"
			}
			body, _ := graphQLData(t, srv, fmt.Sprintf("{ %s(%s) { %s pageInfo { hasNextPage endCursor } } }", root, args, selection), header)
			bodies = append(bodies, body)
			got, end, more := nodes([]byte(body))
			all = append(all, got...)
			if !more {
				return bodies, all
			}
			after = end
		}
	}
	type pageInfo struct {
		HasNextPage bool
		EndCursor   string
	}
	observations := func(header map[string]string) ([]string, []node) {
		return pages(header, "observations", "nodes { "+fields+" }", func(b []byte) ([]node, string, bool) {
			var out struct {
				Data struct {
					Observations struct {
						Nodes    []node
						PageInfo pageInfo
					}
				}
			}
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			o := out.Data.Observations
			return o.Nodes, o.PageInfo.EndCursor, o.PageInfo.HasNextPage
		})
	}
	changes := func(header map[string]string) ([]string, []node) {
		return pages(header, "changes", "nodes { before { "+fields+" } after { "+fields+" } }", func(b []byte) ([]node, string, bool) {
			var out struct {
				Data struct {
					Changes struct {
						Nodes    []struct{ Before, After *node }
						PageInfo pageInfo
					}
				}
			}
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			var ns []node
			for _, c := range out.Data.Changes.Nodes {
				for _, n := range []*node{c.Before, c.After} {
					if n != nil {
						ns = append(ns, *n)
					}
				}
			}
			return ns, out.Data.Changes.PageInfo.EndCursor, out.Data.Changes.PageInfo.HasNextPage
		})
	}
	const exports = "/export/observations.csv /export/sdmx.csv /export/sdmx.json /export/glotip.csv /export/greta-coverage.csv /export/glotip-coverage.csv /export/sdg-16-2-2.csv " +
		sdmxBase + "/data/TIP_INDICATORS/all?format=csvfile " + sdmxBase + "/data/TIP_INDICATORS/all?format=jsondata " + sdmxBase + "/data/TIP_INDICATORS/all " +
		sdmxBase + "/data/TIP_INDICATORS/all?includeHistory=true"
	read := func(header map[string]string) (bodies []string, nodes []node) {
		// The changes since revision 0 are every cell as it is now.
		for _, read := range []func(map[string]string) ([]string, []node){observations, changes} {
			b, n := read(header)
			bodies, nodes = append(bodies, b...), append(nodes, n...)
		}
		for _, path := range strings.Fields(exports) {
			r := get(t, srv, path, header)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			bodies = append(bodies, r.body)
		}
		return bodies, nodes
	}
	contains := func(bodies []string, text string) bool {
		for _, b := range bodies {
			if slices.Contains(textsIn(t, b), text) {
				return true
			}
		}
		return false
	}

	anonBodies, anonNodes := read(nil)
	partnerBodies, _ := read(partner)
	suppressedSeen := 0
	for _, n := range anonNodes {
		reason, ok := sup.Cell(cellOf(n))
		switch {
		case ok && (n.Value != nil || n.Suppression == nil || n.Suppression.Reason != string(reason)):
			t.Errorf("%s: value %v suppression %v, want null and %s", cellOf(n).Key(), n.Value, n.Suppression, reason)
		case !ok && (n.Value == nil || n.Suppression != nil):
			t.Errorf("%s: a published cell reads as suppressed", cellOf(n).Key())
		case ok:
			suppressedSeen++
		}
	}
	if suppressedSeen == 0 {
		t.Error("no suppressed cell was read")
	}
	for _, text := range withheld {
		if contains(anonBodies, text) {
			t.Errorf("an anonymous response states the withheld %q", text)
		}
	}
	if !contains(partnerBodies, withheld[0]) {
		t.Errorf("no partner response has %q: the sweep cannot see a leak", withheld[0])
	}
}

// TestSmallCellsExports: the exports and SDMX REST data write a suppressed
// cell without its value, with SDMX's status Q and confidentiality C and
// the reason in the note; the SDMX-ML and SDMX-JSON messages stay valid
// against the official schemas; a partner's files have the values.
func TestSmallCellsExports(t *testing.T) {
	_, srv, partner := smallCellServer(t)
	const filter = "indicators=victims_identified&periods=2024&exactlyBy=SEX"
	t.Run("tidy CSV", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			header map[string]string
			want   map[string][2]string // member → value, note
		}{
			{"anonymous", nil, map[string][2]string{
				"F": {"", "COMPLEMENT: " + dataset.SuppressedComplement.Explain()},
				"M": {"", "SMALL_CELL: " + dataset.SuppressedSmall.Explain()}}},
			{"partner", partner, map[string][2]string{"F": {"90", ""}, "M": {"1", ""}}},
		} {
			r := get(t, srv, "/export/observations.csv?"+filter, tc.header)
			rows, col := csvTable(t, tc.name, r.body, 2)
			for _, row := range rows[1:] {
				want := tc.want[row[col["sex"]]]
				if got := [2]string{row[col["value"]], row[col["note"]]}; got != want || (tc.header == nil && row[col["source_quote"]] != "") {
					t.Errorf("%s: %s = %q, quote %q; want %q", tc.name, row[col["sex"]], got, row[col["source_quote"]], want)
				}
			}
		}
	})
	t.Run("SDMX-CSV", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			header map[string]string
			want   string // OBS_VALUE,OBS_STATUS,CONF_STATUS of F and M
		}{
			{"anonymous", nil, ",Q,C ,Q,C"},
			{"partner", partner, "90,A,F 1,A,F"},
		} {
			r := get(t, srv, "/export/sdmx.csv?"+filter, tc.header)
			rows, col := csvTable(t, tc.name, r.body, 2)
			var got []string
			for _, row := range rows[1:] {
				got = append(got, row[col["OBS_VALUE"]]+","+row[col["OBS_STATUS"]]+","+row[col["CONF_STATUS"]])
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
			}
		}
	})
	t.Run("framework tables", func(t *testing.T) {
		// The 90 women and the 1 man are rows of UNODC's and the SDG's tables
		// for a partner, absent for an anonymous client (a missing cell is
		// absent, never 0), whose total stays.
		for _, tc := range []struct{ path, women, men, total string }{
			{"/export/glotip.csv", ",Total,Total,Female,Total,2024,Counts,90,", ",Total,Total,Male,Total,2024,Counts,1,", ",Total,Total,Total,Total,2024,Counts,91,"},
			{"/export/sdg-16-2-2.csv", ",VC_HTF_DETV,31,F,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2024,90,", ",VC_HTF_DETV,31,M,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2024,1,", ",VC_HTF_DETV,31,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2024,91,"},
		} {
			anon, part := get(t, srv, tc.path, nil), get(t, srv, tc.path, partner)
			for _, row := range []string{tc.women, tc.men} {
				if strings.Contains(anon.body, row) || !strings.Contains(part.body, row) {
					t.Errorf("%s: %q should be the partner's only", tc.path, row)
				}
			}
			if !strings.Contains(anon.body, tc.total) {
				t.Errorf("%s: anonymous lacks the total %q", tc.path, tc.total)
			}
		}
	})
	bySex := sdmxKey(t, map[string]string{"INDICATOR": "victims_identified", "SEX": "F+M"})
	data := sdmxBase + "/data/TIP_INDICATORS/" + bySex + "/all?startPeriod=2024&endPeriod=2024"
	t.Run("SDMX-ML generic", func(t *testing.T) {
		anon, part := get(t, srv, data, nil), get(t, srv, data, partner)
		sdmxtest.ValidateXML(t, []byte(anon.body), nil)
		if strings.Contains(anon.body, "<generic:ObsValue") || strings.Count(anon.body, `<generic:Value id="OBS_STATUS" value="Q"/>`) != 2 ||
			strings.Count(anon.body, `<generic:Value id="CONF_STATUS" value="C"/>`) != 2 {
			t.Errorf("anonymous: want two observations without a value, Q and C:\n%s", anon.body)
		}
		if !strings.Contains(part.body, `<generic:ObsValue value="90"/>`) || !strings.Contains(part.body, `<generic:ObsValue value="1"/>`) {
			t.Errorf("partner: want 90 and 1:\n%s", part.body)
		}
	})
	t.Run("SDMX-ML structure-specific", func(t *testing.T) {
		schema := get(t, srv, sdmxBase+"/schema/dataflow/AZ_MIA/TIP_INDICATORS/1.0?dimensionAtObservation=AllDimensions", nil)
		anon := get(t, srv, data+"&format=structurespecificdata&dimensionAtObservation=AllDimensions", nil)
		sdmxtest.ValidateXML(t, []byte(anon.body), map[string][]byte{"dsd.xsd": []byte(schema.body)})
		if strings.Contains(anon.body, "OBS_VALUE=") || strings.Count(anon.body, `OBS_STATUS="Q" CONF_STATUS="C"`) != 2 {
			t.Errorf("anonymous: want two observations without a value, Q and C:\n%s", anon.body)
		}
	})
	t.Run("SDMX-JSON", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			header map[string]string
			want   []any
		}{{"anonymous", nil, []any{nil, nil}}, {"partner", partner, []any{90.0, 1.0}}} {
			r := get(t, srv, "/export/sdmx.json?"+filter, tc.header)
			sdmxtest.ValidateJSON(t, []byte(r.body), sdmxtest.Data)
			var msg struct {
				Data struct {
					DataSets []struct{ Observations map[string][]any }
				}
			}
			if err := json.Unmarshal([]byte(r.body), &msg); err != nil || len(msg.Data.DataSets) != 1 {
				t.Fatalf("%s: %v %s", tc.name, err, r.body)
			}
			var got []any
			for _, o := range msg.Data.DataSets[0].Observations {
				got = append(got, o[0])
			}
			if len(got) != 2 || !reflect.DeepEqual(sortedAny(got), sortedAny(tc.want)) {
				t.Errorf("%s: values %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

// textsIn is every text a response holds, whole: each string of a JSON
// message, each field of a CSV file, each attribute value and text node of
// an XML message (a withheld text is a whole field wherever it is written).
func textsIn(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	switch {
	case strings.HasPrefix(body, "{"):
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				out = append(out, v)
			case []any:
				for _, e := range v {
					walk(e)
				}
			case map[string]any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(jsonValue(t, body))
	case strings.HasPrefix(body, "<"):
		for _, m := range xmlText.FindAllStringSubmatch(body, -1) {
			out = append(out, html.UnescapeString(m[1]+m[2]))
		}
	default:
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("%v: %.200s", err, body)
		}
		for _, r := range rows {
			out = append(out, r...)
		}
	}
	return out
}

var xmlText = regexp.MustCompile(`="([^"]*)"|>([^<]+)<`)

func sortedAny(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	if len(out) == 2 && out[0] > out[1] {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

// TestSmallCellsOff: without a threshold (the default) an anonymous client
// reads every value, as the 2024 report publishes them; the goldens of the
// exports are written that way too.
func TestSmallCellsOff(t *testing.T) {
	_, srv := bundledServer(t)
	_, data := graphQLData(t, srv, `{ observations(filter: {indicators: ["victims_identified"], periods: ["2024"], exactlyBy: ["SEX"]}) { nodes { value suppression { reason } withheld } } }`, nil)
	want := `{"observations":{"nodes":[{"value":90,"suppression":null,"withheld":[]},{"value":1,"suppression":null,"withheld":[]}]}}`
	if !reflect.DeepEqual(data, jsonValue(t, want)) {
		t.Errorf("%v, want %s", data, want)
	}
}

// TestSmallCellsValidators: an anonymous copy read before small-cell
// protection was switched on does not validate after: its ETag names what
// the viewer reads, so a shared cache cannot keep serving the values.
func TestSmallCellsValidators(t *testing.T) {
	dsn := testdb.DSN(t)
	tag := func(opts ...store.Option) string {
		s, err := store.Open(context.Background(), dsn, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if len(opts) == 0 {
			bundled, err := dataset.Bundled()
			if err != nil {
				t.Fatal(err)
			}
			load(t, s, bundled)
		}
		srv := httptest.NewServer(server.New(server.Config{Store: s}))
		defer srv.Close()
		r := get(t, srv, "/export/observations.csv", nil)
		if r.status != http.StatusOK || r.header.Get("ETag") == "" {
			t.Fatalf("%d %s", r.status, r.header)
		}
		return r.header.Get("ETag")
	}
	if off, on := tag(), tag(store.WithSuppressBelow(smallCellThreshold)); off == on {
		t.Errorf("the same ETag %s with and without suppression", off)
	}
}

// csvTable reads a CSV export of n rows after its header, and the column of
// each header name.
func csvTable(t *testing.T, name, body string, n int) (rows [][]string, col map[string]int) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != n+1 {
		t.Fatalf("%s: %v %s", name, err, body)
	}
	col = map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	return rows, col
}
