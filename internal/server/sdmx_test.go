package server_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/sdmx/sdmxtest"
	"indicators/internal/server"
)

const sdmxBase = "/sdmx/rest"

// sdmxKey is the series key of the bundled dataset's DSD with the given
// codes by dimension id and the rest left open.
func sdmxKey(t *testing.T, codes map[string]string) string {
	t.Helper()
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	dims := export.KeyDimensions(&bundled.CodeLists, []dataset.Release{bundled.Release})
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = codes[d]
	}
	return strings.Join(parts, ".")
}

// path is a URL the sdmx-rest library built, relative to the server.
func path(t *testing.T, url string) string {
	t.Helper()
	_, p, ok := strings.Cut(url, "http://sdmx.test")
	if !ok {
		t.Fatalf("sdmx-rest built %s", url)
	}
	return p
}

// genericObs reads a GenericData message back: one "KEY TIME=VALUE" per
// observation, the key dimension by dimension.
func genericObs(t *testing.T, body string) []string {
	t.Helper()
	type value struct {
		ID    string `xml:"id,attr"`
		Value string `xml:"value,attr"`
	}
	type obs struct {
		Key   []value `xml:"ObsKey>Value"`
		Dim   value   `xml:"ObsDimension"`
		Value value   `xml:"ObsValue"`
	}
	var msg struct {
		Series []struct {
			Key []value `xml:"SeriesKey>Value"`
			Obs []obs   `xml:"Obs"`
		} `xml:"DataSet>Series"`
		Obs []obs `xml:"DataSet>Obs"`
	}
	if err := xml.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatal(err)
	}
	var out []string
	join := func(vs []value) string {
		var parts []string
		for _, v := range vs {
			parts = append(parts, v.Value)
		}
		return strings.Join(parts, ".")
	}
	for _, s := range msg.Series {
		for _, o := range s.Obs {
			out = append(out, join(s.Key)+" "+o.Dim.Value+"="+o.Value.Value)
		}
		if len(s.Obs) == 0 {
			out = append(out, join(s.Key))
		}
	}
	for _, o := range msg.Obs {
		out = append(out, join(o.Key)+"="+o.Value.Value)
	}
	return out
}

// isTotalKey tells an observation "KEY TIME=VALUE" of the series key that
// starts with prefix and is a total (_T) or not applicable (_Z) on every
// other dimension, with _T on SEX and AGE, which victims are broken down by.
func isTotalKey(obs, prefix string) bool {
	key, _, _ := strings.Cut(obs, " ")
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok || !strings.HasPrefix(rest, "_T._T.") {
		return false
	}
	for _, c := range strings.Split(rest, ".") {
		if c != "_T" && c != "_Z" {
			return false
		}
	}
	return true
}

// TestSDMXRESTQueries calls the service with URLs the SDMX working group's
// sdmx-rest library builds, in each representation, and validates every
// message against the official schemas.
func TestSDMXRESTQueries(t *testing.T) {
	_, srv := bundledServer(t)
	victims := sdmxKey(t, map[string]string{"REF_AREA": "AZE", "INDICATOR": "victims_identified"})
	bySex := sdmxKey(t, map[string]string{"INDICATOR": "victims_identified", "SEX": "F+M"})
	tests := []struct {
		name   string
		query  map[string]any
		accept string
		check  func(t *testing.T, body string)
	}{
		{"dataflows", map[string]any{"resource": "dataflow"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if !strings.Contains(body, `<structure:Dataflow id="TIP_INDICATORS"`) {
				t.Error("no TIP_INDICATORS dataflow")
			}
		}},
		{"dataflows as SDMX-JSON", map[string]any{"resource": "dataflow", "agency": "AZ_MIA", "id": "TIP_INDICATORS"}, "application/vnd.sdmx.structure+json;version=2.0.0", func(t *testing.T, body string) {
			sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Structure)
		}},
		{"data structure with its children", map[string]any{"resource": "datastructure", "agency": "AZ_MIA", "id": "DSD_TIP_INDICATORS", "references": "children"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			for _, want := range []string{`<structure:DataStructure id="DSD_TIP_INDICATORS"`, `<structure:Codelist id="CL_SEX"`, `<structure:ConceptScheme id="CS_TIP_INDICATORS"`} {
				if !strings.Contains(body, want) {
					t.Errorf("no %s", want)
				}
			}
			if strings.Contains(body, "<structure:Dataflow ") {
				t.Error("the dataflow is a parent, not a child")
			}
		}},
		{"everything the dataflow refers to, SDMX-JSON", map[string]any{"resource": "dataflow", "references": "descendants"}, "application/vnd.sdmx.structure+json", func(t *testing.T, body string) {
			sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Structure)
			var msg struct {
				Data map[string][]json.RawMessage
			}
			if err := json.Unmarshal([]byte(body), &msg); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"dataflows", "dataStructures", "conceptSchemes", "codelists"} {
				if len(msg.Data[k]) == 0 {
					t.Errorf("no %s", k)
				}
			}
		}},
		{"a code list and its parents as stubs", map[string]any{"resource": "codelist", "agency": "AZ_MIA", "id": "CL_SEX", "references": "parents", "detail": "referencestubs"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if !strings.Contains(body, `<structure:Code id="F"`) || !strings.Contains(body, `<structure:DataStructure id="DSD_TIP_INDICATORS"`) {
				t.Error("want the code list in full and its data structure")
			}
			if strings.Contains(body, "DataStructureComponents") || strings.Contains(body, `<structure:Codelist id="CL_AGE"`) {
				t.Error("the data structure is a stub: no components, no other code list")
			}
		}},
		{"country names in every language", map[string]any{"resource": "codelist", "agency": "AZ_MIA", "id": "CL_COUNTRY_OF_EXPLOITATION"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			for _, want := range []string{`<common:Name xml:lang="en">Türkiye</common:Name><common:Name xml:lang="az">Türkiyə</common:Name><common:Name xml:lang="ru">Турция</common:Name>`,
				`<common:Name xml:lang="en">Country of exploitation</common:Name><structure:Code`} {
				if !strings.Contains(body, want) {
					t.Errorf("no %s", want)
				}
			}
		}},
		{"country names in every language, SDMX-JSON", map[string]any{"resource": "codelist", "agency": "AZ_MIA", "id": "CL_COUNTRY_OF_EXPLOITATION"}, "application/vnd.sdmx.structure+json;version=2.0.0", func(t *testing.T, body string) {
			sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Structure)
			var msg struct {
				Data struct {
					Codelists []struct {
						Names map[string]string
						Codes []struct {
							ID    string
							Names map[string]string
						}
					}
				}
			}
			if err := json.Unmarshal([]byte(body), &msg); err != nil {
				t.Fatal(err)
			}
			cl := msg.Data.Codelists[0]
			names := map[string]map[string]string{}
			for _, c := range cl.Codes {
				names[c.ID] = c.Names
			}
			if !maps.Equal(names["TUR"], map[string]string{"en": "Türkiye", "az": "Türkiyə", "ru": "Турция"}) {
				t.Errorf("TUR names %v", names["TUR"])
			}
			if !maps.Equal(names["_T"], map[string]string{"en": "Total"}) {
				t.Errorf("_T names %v: the DSD's own codes are English only", names["_T"])
			}
			if !maps.Equal(cl.Names, map[string]string{"en": "Country of exploitation"}) {
				t.Errorf("code list names %v: only English exists", cl.Names)
			}
		}},
		{"concept scheme, all stubs", map[string]any{"resource": "conceptscheme", "detail": "allstubs"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if strings.Contains(body, "<structure:Concept ") {
				t.Error("a stub lists no concepts")
			}
		}},
		{"items of a code list", map[string]any{"resource": "codelist", "agency": "AZ_MIA", "id": "CL_SEX", "item": []string{"F", "M"}}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if got := structureItems(t, body); !reflect.DeepEqual(got, map[string][]string{"CL_SEX partial": {"F", "M"}}) {
				t.Errorf("items %v, want CL_SEX's F and M, marked partial", got)
			}
		}},
		{"an item of every code list that has it", map[string]any{"resource": "codelist", "item": "_Z"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			got := structureItems(t, body)
			if !reflect.DeepEqual(got["CL_SEX partial"], []string{"_Z"}) || got["CL_FREQ partial"] != nil || got["CL_FREQ"] != nil {
				t.Errorf("items %v, want _Z of CL_SEX and no CL_FREQ, which has none", got)
			}
		}},
		{"an item of the concept scheme, SDMX-JSON", map[string]any{"resource": "conceptscheme", "item": "SEX"}, "application/vnd.sdmx.structure+json;version=2.0.0", func(t *testing.T, body string) {
			sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Structure)
			var msg struct {
				Data struct {
					ConceptSchemes []struct {
						IsPartial bool
						Concepts  []struct{ ID string }
					}
				}
			}
			if err := json.Unmarshal([]byte(body), &msg); err != nil {
				t.Fatal(err)
			}
			if cs := msg.Data.ConceptSchemes; len(cs) != 1 || !cs[0].IsPartial || len(cs[0].Concepts) != 1 || cs[0].Concepts[0].ID != "SEX" {
				t.Errorf("concept schemes %+v", cs)
			}
		}},
		{"partial references: the data structure's concepts and code lists, which it uses whole", map[string]any{"resource": "datastructure", "agency": "AZ_MIA",
			"id": "DSD_TIP_INDICATORS", "references": "children", "detail": "referencepartial"}, "application/vnd.sdmx.structure+json;version=2.0.0", func(t *testing.T, body string) {
			sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Structure)
			full := get(t, srv, sdmxBase+"/datastructure/AZ_MIA/DSD_TIP_INDICATORS?references=children", map[string]string{"Accept": "application/vnd.sdmx.structure+json;version=2.0.0"})
			if got, want := sdmxJSONData(t, body), sdmxJSONData(t, full.body); !reflect.DeepEqual(got, want) || strings.Contains(body, "isPartial") {
				t.Errorf("referencepartial differs from full:\n%s\n%s", body, full.body)
			}
		}},
		{"generic data by series", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "start": "2024", "end": "2024"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			obs := genericObs(t, body)
			if !slices.ContainsFunc(obs, func(o string) bool {
				return strings.HasSuffix(o, " 2024=91") && isTotalKey(o, "A.AZE.victims_identified.")
			}) {
				t.Errorf("no 2024 total of 91 among %v", obs)
			}
			for _, o := range obs {
				if !strings.Contains(o, " 2024=") {
					t.Errorf("%s is outside 2024", o)
				}
			}
		}},
		{"generic data, flat", map[string]any{"flow": "AZ_MIA,TIP_INDICATORS,1.0", "key": bySex, "obsDimension": "AllDimensions"}, "application/vnd.sdmx.genericdata+xml;version=2.1", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			for _, o := range genericObs(t, body) {
				if !strings.Contains(o, ".victims_identified.F.") && !strings.Contains(o, ".victims_identified.M.") {
					t.Errorf("%s is neither F nor M", o)
				}
			}
		}},
		{"data updated after a time before every load", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "updatedAfter": "2000-01-01T00:00:00Z"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if !slices.ContainsFunc(genericObs(t, body), func(o string) bool { return strings.HasSuffix(o, " 2024=91") }) {
				t.Error("no 2024 total of 91: the whole dataset was loaded after 2000")
			}
		}},
		{"series keys only", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "detail": "serieskeysonly"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if strings.Contains(body, "generic:Obs") {
				t.Error("observations in a series-keys-only message")
			}
		}},
		{"last observation of each series", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "lastNObs": 1}, "", func(t *testing.T, body string) {
			seen := map[string]bool{}
			for _, o := range genericObs(t, body) {
				key, _, _ := strings.Cut(o, " ")
				if seen[key] {
					t.Errorf("series %s has more than its last observation", key)
				}
				seen[key] = true
			}
		}},
		{"first observation of each series", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "firstNObs": 1, "detail": "dataonly"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			if strings.Contains(body, "generic:Attributes") {
				t.Error("attributes in a data-only message")
			}
			obs := genericObs(t, body)
			if !slices.ContainsFunc(obs, func(o string) bool {
				return strings.HasSuffix(o, " 2005-01-01/P20Y=1441") && isTotalKey(o, "A.AZE.victims_identified.")
			}) {
				t.Errorf("the first period of the total is the cumulative 2005-2024: %v", obs)
			}
		}},
		{"availability, exact", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "mode": "exact", "component": "all"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			got := availableValues(t, body)
			if !slices.Equal(got["REF_AREA"], []string{"AZE"}) || !slices.Equal(got["INDICATOR"], []string{"victims_identified"}) ||
				!slices.Contains(got["SEX"], "F") || !slices.Contains(got["SEX"], "_T") || slices.Contains(got["SEX"], "_Z") {
				t.Errorf("available %v", got)
			}
			if !strings.Contains(body, "<common:StartPeriod") {
				t.Error("no time range")
			}
		}},
		{"availability, what each part may take", map[string]any{"flow": "TIP_INDICATORS", "key": sdmxKey(t, map[string]string{"REF_AREA": "AZE", "INDICATOR": "victims_identified", "SEX": "F"}),
			"mode": "available", "component": "all", "references": "codelist"}, "", func(t *testing.T, body string) {
			sdmxtest.ValidateXML(t, []byte(body), nil)
			got := availableValues(t, body)
			// SEX may take M too, given the other parts; the other dimensions
			// only what female victims have.
			if !slices.Contains(got["SEX"], "M") || !slices.Contains(got["INDICATOR"], "persons_charged") || slices.Contains(got["REF_AREA"], "WLD") {
				t.Errorf("available %v", got)
			}
			if !strings.Contains(body, `<structure:Codelist id="CL_SEX"`) {
				t.Error("references=codelist brings the code lists")
			}
		}},
		{"availability as SDMX-JSON", map[string]any{"flow": "TIP_INDICATORS", "key": victims, "mode": "exact", "component": "all", "references": "dataflow"},
			"application/vnd.sdmx.structure+json;version=2.0.0", func(t *testing.T, body string) {
				sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Structure)
				ml := get(t, srv, sdmxBase+"/availableconstraint/TIP_INDICATORS/"+victims+"/all/all?mode=exact", nil)
				if ml.status != http.StatusOK {
					t.Fatalf("SDMX-ML: %d %s", ml.status, ml.body)
				}
				var msg struct {
					Data struct {
						Dataflows   []json.RawMessage
						Constraints []struct {
							Role        string
							CubeRegions []struct {
								KeyValues []struct {
									ID        string
									Values    []string
									TimeRange struct{ StartPeriod, EndPeriod struct{ Period string } }
								}
							}
						} `json:"dataConstraints"`
					}
				}
				if err := json.Unmarshal([]byte(body), &msg); err != nil {
					t.Fatal(err)
				}
				if len(msg.Data.Constraints) != 1 || msg.Data.Constraints[0].Role != "Actual" || len(msg.Data.Dataflows) != 1 {
					t.Fatalf("want one actual constraint and the dataflow: %s", body)
				}
				got := map[string][]string{}
				hasTime := false
				for _, kv := range msg.Data.Constraints[0].CubeRegions[0].KeyValues {
					if kv.ID == "TIME_PERIOD" {
						hasTime = kv.TimeRange.StartPeriod.Period != "" && kv.TimeRange.EndPeriod.Period != ""
						continue
					}
					got[kv.ID] = kv.Values
				}
				want := availableValues(t, ml.body)
				delete(want, "TIME_PERIOD") // a time range, no values
				if !reflect.DeepEqual(got, want) || !hasTime {
					t.Errorf("SDMX-JSON constraint %v (time range %v), SDMX-ML %v", got, hasTime, want)
				}
			}},
		{"SDMX-JSON data", map[string]any{"flow": "TIP_INDICATORS", "key": bySex}, "application/vnd.sdmx.data+json;version=2.0.0", func(t *testing.T, body string) {
			sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Data)
		}},
		{"SDMX-CSV 1.0", map[string]any{"flow": "TIP_INDICATORS", "key": bySex}, "application/vnd.sdmx.data+csv;version=1.0.0", func(t *testing.T, body string) {
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if rows[0][0] != "DATAFLOW" || rows[1][0] != "AZ_MIA:TIP_INDICATORS(1.0)" || len(rows) < 3 {
				t.Errorf("SDMX-CSV 1.0 starts %v, %v", rows[0][:2], rows[1][:2])
			}
		}},
		{"SDMX-CSV 2.0, data only", map[string]any{"flow": "TIP_INDICATORS", "key": bySex, "detail": "dataonly"}, "application/vnd.sdmx.data+csv;version=2.0.0", func(t *testing.T, body string) {
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0][:3], []string{"STRUCTURE", "STRUCTURE_ID", "ACTION"}) || !slices.Equal(rows[1][:3], []string{"dataflow", "AZ_MIA:TIP_INDICATORS(1.0)", "I"}) {
				t.Errorf("SDMX-CSV 2.0 starts %v, %v", rows[0][:3], rows[1][:3])
			}
			if rows[0][len(rows[0])-1] != "OBS_VALUE" {
				t.Errorf("data only ends with OBS_VALUE: %v", rows[0])
			}
		}},
	}
	var queries []map[string]any
	for _, tc := range tests {
		queries = append(queries, tc.query)
	}
	urls := sdmxtest.URLs(t, "http://sdmx.test"+sdmxBase, queries)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, path(t, urls[i]), map[string]string{"Accept": tc.accept})
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", urls[i], r.status, r.body)
			}
			tc.check(t, r.body)
		})
	}
}

// structureItems reads a Structure message's code lists: each one's codes,
// keyed by its id, with " partial" after it when it is marked isPartial.
func structureItems(t *testing.T, body string) map[string][]string {
	t.Helper()
	var msg struct {
		Codelists []struct {
			ID      string `xml:"id,attr"`
			Partial bool   `xml:"isPartial,attr"`
			Codes   []struct {
				ID string `xml:"id,attr"`
			} `xml:"Code"`
		} `xml:"Structures>Codelists>Codelist"`
	}
	if err := xml.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, cl := range msg.Codelists {
		k := cl.ID
		if cl.Partial {
			k += " partial"
		}
		for _, c := range cl.Codes {
			out[k] = append(out[k], c.ID)
		}
	}
	return out
}

// availableValues reads an availability message's cube region: the codes
// of each dimension.
func availableValues(t *testing.T, body string) map[string][]string {
	t.Helper()
	var msg struct {
		KeyValues []struct {
			ID     string   `xml:"id,attr"`
			Values []string `xml:"Value"`
		} `xml:"Structures>Constraints>ContentConstraint>CubeRegion>KeyValue"`
	}
	if err := xml.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, kv := range msg.KeyValues {
		out[kv.ID] = kv.Values
	}
	return out
}

// TestSDMXStructureSpecificData validates structure-specific messages
// against the official schemas and the schema the service derives from its
// data structure (the SDMX REST schema query), as a validating client
// would fetch it.
func TestSDMXStructureSpecificData(t *testing.T) {
	_, srv := bundledServer(t)
	key := sdmxKey(t, map[string]string{"REF_AREA": "AZE"})
	for _, dim := range []string{"TIME_PERIOD", "AllDimensions", "SEX"} {
		t.Run(dim, func(t *testing.T) {
			schema := get(t, srv, sdmxBase+"/schema/dataflow/AZ_MIA/TIP_INDICATORS/1.0?dimensionAtObservation="+dim, nil)
			if schema.status != http.StatusOK || !strings.HasPrefix(schema.header.Get("Content-Type"), "application/vnd.sdmx.schema+xml") {
				t.Fatalf("schema: %d %s %s", schema.status, schema.header.Get("Content-Type"), schema.body)
			}
			data := get(t, srv, sdmxBase+"/data/TIP_INDICATORS/"+key+"/all?format=structurespecificdata&dimensionAtObservation="+dim, nil)
			if data.status != http.StatusOK {
				t.Fatalf("data: %d %s", data.status, data.body)
			}
			sdmxtest.ValidateXML(t, []byte(data.body), map[string][]byte{"dsd.xsd": []byte(schema.body)})
			if !strings.Contains(data.body, `OBS_VALUE="91"`) {
				t.Error("no observation of 91")
			}
		})
	}
}

// sdmxError reads an SDMX-ML error message: its code and texts.
func sdmxError(t *testing.T, body string) (int, string) {
	t.Helper()
	var msg struct {
		XMLName xml.Name
		Message struct {
			Code  int      `xml:"code,attr"`
			Texts []string `xml:"Text"`
		} `xml:"ErrorMessage"`
	}
	if err := xml.Unmarshal([]byte(body), &msg); err != nil || msg.XMLName.Local != "Error" {
		t.Fatalf("not an SDMX-ML error message (%v): %s", err, body)
	}
	sdmxtest.ValidateXML(t, []byte(body), nil)
	return msg.Message.Code, strings.Join(msg.Message.Texts, " | ")
}

func TestSDMXRESTErrors(t *testing.T) {
	s, srv := bundledServer(t)
	small := httptest.NewServer(server.New(server.Config{Store: s, SDMXMaxObservations: 10}))
	t.Cleanup(small.Close)
	all := sdmxKey(t, map[string]string{})
	tests := []struct {
		name     string
		srv      *httptest.Server
		path     string
		accept   string
		status   int
		code     int
		contains string
	}{
		{"another dataflow", srv, "/data/ECB,EXR/all", "", 404, 100, "no dataflow ECB,EXR"},
		{"a code the dataset lacks", srv, "/data/TIP_INDICATORS/" + sdmxKey(t, map[string]string{"SEX": "X"}), "", 404, 100, "X"},
		{"codes with no observation", srv, "/data/TIP_INDICATORS/" + sdmxKey(t, map[string]string{"REF_AREA": "WLD", "INDICATOR": "victims_identified"}), "", 404, 100, "no observation"},
		{"periods with no observation", srv, "/data/TIP_INDICATORS/all?startPeriod=2030", "", 404, 100, "no observation"},
		{"another provider", srv, "/data/TIP_INDICATORS/all/ECB", "", 404, 100, "provider"},
		{"a key too short", srv, "/data/TIP_INDICATORS/AZE.victims_identified", "", 400, 140, "key dimensions"},
		{"a code that is no id", srv, "/data/TIP_INDICATORS/AZ%20E", "", 400, 140, "not a code"},
		{"a misspelt parameter", srv, "/data/TIP_INDICATORS/all?startperiod=2024", "", 400, 140, "startperiod"},
		{"a period that is none", srv, "/data/TIP_INDICATORS/all?startPeriod=last-year", "", 400, 140, "startPeriod"},
		{"backwards periods", srv, "/data/TIP_INDICATORS/all?startPeriod=2024&endPeriod=2020", "", 400, 140, "before"},
		{"no observations asked", srv, "/data/TIP_INDICATORS/all?lastNObservations=0", "", 400, 140, "lastNObservations"},
		{"an unknown observation dimension", srv, "/data/TIP_INDICATORS/all?dimensionAtObservation=COLOUR", "", 400, 140, "COLOUR"},
		{"no such resource", srv, "/dataflows", "", 400, 140, "not an SDMX REST resource"},
		{"a structure that is not there", srv, "/codelist/AZ_MIA/CL_COLOUR", "", 404, 100, "CL_COLOUR"},
		{"another agency's structures", srv, "/datastructure/ECB", "", 404, 100, "ECB"},
		{"a type not offered", srv, "/data/TIP_INDICATORS/all", "text/html", 406, 1406, "text/html"},
		{"an SDMX version not offered", srv, "/dataflow", "application/vnd.sdmx.structure+xml;version=3.0.0", 406, 1406, "offered"},
		{"a format not offered", srv, "/data/TIP_INDICATORS/all?format=xlsx", "", 406, 1406, "xlsx"},
		{"nothing updated after", srv, "/data/TIP_INDICATORS/all?updatedAfter=2999-01-01", "", 404, 100, "no observation"},
		{"updatedAfter that is no time", srv, "/data/TIP_INDICATORS/all?updatedAfter=soon", "", 400, 140, "updatedAfter"},
		{"SDMX-ML 3.0", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/*", "application/vnd.sdmx.data+xml;version=3.0.0", 406, 1406, "SDMX-ML 3.0"},
		{"SDMX 3.0: another dataflow", srv, "/data/dataflow/ECB/EXR", "application/xml", 404, 100, "no dataflow"},
		{"SDMX 3.0: a code the dataset lacks", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS?c[SEX]=X", "application/xml", 404, 100, "X"},
		{"SDMX 3.0: c[] of no component", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS?c[COLOUR]=red", "application/xml", 400, 140, "COLOUR"},
		{"SDMX 3.0: c[] of an attribute", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS?c[OBS_STATUS]=A", "application/xml", 501, 501, "attributes and measures"},
		{"SDMX 3.0: an order of codes", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS?c[SEX]=ge:F", "application/xml", 501, 501, "no order"},
		{"SDMX 3.0: no code ends so", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS?c[REF_AREA]=ew:XX", "application/xml", 404, 100, "c[REF_AREA]"},
		{"SDMX 3.0: a key too long", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/" + all + ".X", "application/xml", 400, 140, "key dimensions"},
		{"SDMX 3.0: no measures in SDMX-CSV", srv, "/data/dataflow/AZ_MIA/TIP_INDICATORS?measures=none", "application/vnd.sdmx.data+csv;version=2.0.0", 501, 501, "measures=none"},
		{"availability in SDMX-CSV", srv, "/availableconstraint/TIP_INDICATORS", "text/csv", 406, 1406, "offered"},
		{"availability of nothing", srv, "/availableconstraint/TIP_INDICATORS/all?startPeriod=2030", "", 404, 100, "no observation"},
		{"series keys in CSV", srv, "/data/TIP_INDICATORS/all?detail=serieskeysonly&format=csvfile", "", 501, 501, "serieskeysonly"},
		{"an item a code list lacks", srv, "/codelist/AZ_MIA/CL_SEX/latest/X", "", 404, 100, "no item X"},
		{"an item of a dataflow", srv, "/dataflow/AZ_MIA/TIP_INDICATORS/latest/X", "", 400, 140, "no item scheme"},
		{"more than the limit", small, "/data/TIP_INDICATORS/" + all, "", 413, 130, "more than the 10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, tc.srv, sdmxBase+tc.path, map[string]string{"Accept": tc.accept})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			code, msg := sdmxError(t, r.body)
			if code != tc.code || !strings.Contains(msg, tc.contains) {
				t.Errorf("SDMX error %d %q, want %d containing %q", code, msg, tc.code, tc.contains)
			}
			if r.header.Get("ETag") != "" {
				t.Error("an error carries no ETag")
			}
		})
	}
	t.Run("as SDMX-JSON for an SDMX-JSON client", func(t *testing.T) {
		r := get(t, srv, sdmxBase+"/data/ECB,EXR/all", map[string]string{"Accept": "application/vnd.sdmx.data+json"})
		if r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
		sdmxtest.ValidateJSON(t, []byte(r.body), sdmxtest.Data)
		var msg struct{ Errors []struct{ Code int } }
		if err := json.Unmarshal([]byte(r.body), &msg); err != nil || len(msg.Errors) != 1 || msg.Errors[0].Code != 100 {
			t.Errorf("errors %v (%v): %s", msg.Errors, err, r.body)
		}
	})
}

// TestSDMXConditionalGet: the SDMX responses carry the exports' validators,
// and Last-Modified from the newest load; either answers 304.
func TestSDMXConditionalGet(t *testing.T) {
	s, srv := bundledServer(t)
	p := sdmxBase + "/data/TIP_INDICATORS/all?lastNObservations=1"
	first := get(t, srv, p, nil)
	tag, modified := first.header.Get("ETag"), first.header.Get("Last-Modified")
	// Vary adds to what CORS and authentication vary by (Origin, Authorization).
	vary := strings.Join(first.header.Values("Vary"), ", ")
	if first.status != 200 || tag == "" || modified == "" || !strings.Contains(vary, "Accept") {
		t.Fatalf("first: %d ETag %q Last-Modified %q Vary %q", first.status, tag, modified, vary)
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"same tag", map[string]string{"If-None-Match": tag}, 304},
		{"same tag, another representation", map[string]string{"If-None-Match": tag, "Accept": "application/vnd.sdmx.data+json"}, 200},
		{"not modified since", map[string]string{"If-Modified-Since": modified}, 304},
		{"modified since", map[string]string{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := get(t, srv, p, tc.header); r.status != tc.status {
				t.Errorf("status %d, want %d", r.status, tc.status)
			}
		})
	}
	t.Run("a load changes the tag", func(t *testing.T) {
		load(t, s, parseFixture(t))
		if r := get(t, srv, p, map[string]string{"If-None-Match": tag}); r.status != 200 || r.header.Get("ETag") == tag {
			t.Errorf("status %d, ETag %s after a load", r.status, r.header.Get("ETag"))
		}
	})
}

func parseFixture(t *testing.T) *dataset.Dataset {
	t.Helper()
	b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Parse("fixture.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
