package server_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"indicators/internal/sdmx/sdmxtest"
)

// sdmxJSONData reads an SDMX-JSON data message's data sets and structures,
// leaving out its header (an id and a time of its own).
func sdmxJSONData(t *testing.T, body string) map[string]any {
	t.Helper()
	var msg struct {
		Data map[string]any
	}
	if err := json.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatal(err)
	}
	return msg.Data
}

// TestSDMX3Data calls the SDMX 3.0 data path with URLs the sdmx-rest
// library builds for its v2.0.0 API (context, key with *, c[] filters),
// validates the messages against the official schemas, and compares what
// they hold with the SDMX REST 2.1 query of the same selection.
func TestSDMX3Data(t *testing.T) {
	_, srv := bundledServer(t)
	flow := "dataflow=AZ_MIA:TIP_INDICATORS(1.0)"
	tests := []struct {
		name   string
		query  map[string]any
		accept string
		// same is the SDMX REST 2.1 query the response must equal, as
		// SDMX-JSON; "" for none.
		same  string
		check func(t *testing.T, body string)
	}{
		{"victims by sex, 2023-2024, SDMX-JSON by default",
			map[string]any{"context": flow, "key": "A.AZE.victims_identified", "filters": []string{"SEX=F,M", "TIME_PERIOD=ge:2023+le:2024"}}, "",
			"/data/TIP_INDICATORS/" + sdmxKey(t, map[string]string{"FREQ": "A", "REF_AREA": "AZE", "INDICATOR": "victims_identified", "SEX": "F+M"}) + "?startPeriod=2023&endPeriod=2024",
			func(t *testing.T, body string) { sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Data) }},
		{"a year, flat, the data structure as context",
			map[string]any{"context": "datastructure=AZ_MIA:DSD_TIP_INDICATORS(*)", "key": "*.AZE", "filters": []string{"INDICATOR=victims_identified", "TIME_PERIOD=2024"}, "obsDimension": "AllDimensions"},
			"application/vnd.sdmx.data+json;version=2.0.0",
			"/data/TIP_INDICATORS/" + sdmxKey(t, map[string]string{"REF_AREA": "AZE", "INDICATOR": "victims_identified"}) + "?startPeriod=2024&endPeriod=2024&dimensionAtObservation=AllDimensions",
			func(t *testing.T, body string) {
				sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Data)
				if !strings.Contains(body, `91`) {
					t.Error("no 2024 total of 91")
				}
			}},
		{"the last observation, no attributes, SDMX-CSV 2.0",
			map[string]any{"context": flow, "key": "A.AZE.victims_identified", "lastNObs": 1, "attributes": "none"},
			"application/vnd.sdmx.data+csv;version=2.0.0", "",
			func(t *testing.T, body string) {
				rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				header := rows[0]
				if header[len(header)-1] != "OBS_VALUE" || header[0] != "STRUCTURE" {
					t.Errorf("header %v", header)
				}
				seen := map[string]bool{}
				for _, r := range rows[1:] {
					key := strings.Join(r[3:len(r)-2], ".")
					if seen[key] {
						t.Errorf("series %s has more than its last observation", key)
					}
					seen[key] = true
				}
			}},
		{"keys differing in one part, generic data",
			map[string]any{"context": flow, "key": "A.AZE.victims_identified,A.AZE.persons_charged", "filters": []string{"TIME_PERIOD=gt:2023"}},
			"application/vnd.sdmx.genericdata+xml;version=2.1", "",
			func(t *testing.T, body string) {
				sdmxtest.ValidateXML(t, []byte(body), nil)
				indicators := map[string]bool{}
				for _, o := range genericObs(t, body) {
					indicators[strings.Split(o, ".")[2]] = true
					if !strings.Contains(o, " 2024=") {
						t.Errorf("%s is not after 2023", o)
					}
				}
				if len(indicators) != 2 || !indicators["victims_identified"] || !indicators["persons_charged"] {
					t.Errorf("indicators %v", indicators)
				}
			}},
		{"ne and co: the sexes other than the totals, in the area whose code contains ZE",
			map[string]any{"context": flow, "key": "A.*.victims_identified", "filters": []string{"SEX=ne:_T+ne:_Z", "REF_AREA=co:ZE", "TIME_PERIOD=2024"}}, "",
			"/data/TIP_INDICATORS/" + sdmxKey(t, map[string]string{"FREQ": "A", "REF_AREA": "AZE", "INDICATOR": "victims_identified", "SEX": "F+M"}) + "?startPeriod=2024&endPeriod=2024",
			func(t *testing.T, body string) { sdmxtest.ValidateJSON(t, []byte(body), sdmxtest.Data) }},
		{"sw, nc and ew: victims_ indicators but the shares, or those ending _charged, SDMX-CSV 2.0",
			map[string]any{"context": flow, "key": "A.AZE", "filters": []string{"INDICATOR=sw:victims_+nc:_pct,ew:_charged", "TIME_PERIOD=2024"}},
			"application/vnd.sdmx.data+csv;version=2.0.0", "",
			func(t *testing.T, body string) {
				rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				col := slices.Index(rows[0], "INDICATOR")
				seen := map[string]bool{}
				for _, r := range rows[1:] {
					ind := r[col]
					if !(strings.HasPrefix(ind, "victims_") && !strings.Contains(ind, "_pct") || strings.HasSuffix(ind, "_charged")) {
						t.Errorf("indicator %s is not selected by the filter", ind)
					}
					seen[ind] = true
				}
				if !seen["victims_identified"] || !seen["persons_charged"] {
					t.Errorf("indicators %v", seen)
				}
			}},
		{"series keys only: no measures, no attributes",
			map[string]any{"context": flow, "key": "A.AZE.victims_identified", "measures": "none", "attributes": "none"},
			"application/vnd.sdmx.genericdata+xml;version=2.1", "",
			func(t *testing.T, body string) {
				sdmxtest.ValidateXML(t, []byte(body), nil)
				if strings.Contains(body, "generic:Obs") || strings.Contains(body, "generic:Attributes") {
					t.Error("observations or attributes in a series-keys-only message")
				}
			}},
	}
	var queries []map[string]any
	for _, tc := range tests {
		tc.query["api"] = "v2.0.0"
		queries = append(queries, tc.query)
	}
	urls := sdmxtest.URLs(t, "http://sdmx.test"+sdmxBase, queries)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(urls[i], "/data/") || strings.Contains(urls[i], "/data/TIP_INDICATORS") {
				t.Fatalf("sdmx-rest built %s, not an SDMX 3.0 data path", urls[i])
			}
			r := get(t, srv, path(t, urls[i]), map[string]string{"Accept": tc.accept})
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", urls[i], r.status, r.body)
			}
			tc.check(t, r.body)
			if tc.same == "" {
				return
			}
			v21 := get(t, srv, sdmxBase+tc.same, map[string]string{"Accept": "application/vnd.sdmx.data+json;version=2.0.0"})
			if v21.status != http.StatusOK {
				t.Fatalf("%s: %d %s", tc.same, v21.status, v21.body)
			}
			if got, want := sdmxJSONData(t, r.body), sdmxJSONData(t, v21.body); !reflect.DeepEqual(got, want) {
				t.Errorf("%s and %s answer differently:\n%s\n%s", urls[i], tc.same, r.body, v21.body)
			}
		})
	}
}
