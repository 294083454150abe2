package sdmx_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"indicators/internal/export"
	"indicators/internal/sdmx"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, path, query string
		code              int // SDMX error code, 0 for none
		check             func(sdmx.Query) bool
	}{
		{"flow alone", "data/TIP_INDICATORS", "", 0, func(q sdmx.Query) bool { return q.Kind() == sdmx.KindData && q.Data.Key == nil }},
		{"all key, trailing slash", "data/AZ_MIA,TIP_INDICATORS,latest/all/all/", "", 0, func(q sdmx.Query) bool { return q.Data.Key == nil }},
		{"dot-separated key with OR and any", "data/TIP_INDICATORS/AZE+WLD..F", "", 0, func(q sdmx.Query) bool {
			return len(q.Data.Key) == 3 && slices.Equal(q.Data.Key[0], []string{"AZE", "WLD"}) && q.Data.Key[1] == nil && q.Data.Key[2][0] == "F"
		}},
		{"periods as years", "data/TIP_INDICATORS/all", "startPeriod=2020-Q3&endPeriod=2024-06-30", 0, func(q sdmx.Query) bool {
			return q.Data.Filter.PeriodFrom == 2020 && q.Data.Filter.PeriodTo == 2024
		}},
		{"first and last N", "data/TIP_INDICATORS/all", "firstNObservations=2&lastNObservations=1", 0, func(q sdmx.Query) bool {
			return *q.Data.Filter.FirstN == 2 && *q.Data.Filter.LastN == 1
		}},
		{"observation dimension and detail", "data/TIP_INDICATORS", "dimensionAtObservation=AllDimensions&detail=dataonly", 0, func(q sdmx.Query) bool {
			return q.Data.Options.DimensionAtObservation == export.AllDimensions && q.Data.Options.Detail == export.DetailDataOnly
		}},
		{"structure defaults", "codelist", "", 0, func(q sdmx.Query) bool {
			return q.Kind() == sdmx.KindStructure && q.Struct.Agencies[0] == "all" && q.Struct.Versions[0] == "latest"
		}},
		{"structure with several ids", "codelist/AZ_MIA/CL_SEX+CL_AGE/1.0", "references=parents", 0, func(q sdmx.Query) bool {
			return len(q.Struct.IDs) == 2 && q.Struct.References == "parents"
		}},
		{"schema", "schema/dataflow/AZ_MIA/TIP_INDICATORS", "", 0, func(q sdmx.Query) bool { return q.Kind() == sdmx.KindSchema && q.Schema == "TIME_PERIOD" }},
		{"another flow", "data/ECB,EXR,1.0", "", 100, nil},
		{"another version", "data/AZ_MIA,TIP_INDICATORS,2.0", "", 100, nil},
		{"no resource", "", "", 140, nil},
		{"unknown resource", "datum/TIP_INDICATORS", "", 140, nil},
		{"bad key code", "data/TIP_INDICATORS/A%B", "", 140, nil},
		{"misspelt parameter", "data/TIP_INDICATORS", "lastNObservation=1", 140, nil},
		{"bad detail", "data/TIP_INDICATORS", "detail=most", 140, nil},
		{"zero observations", "data/TIP_INDICATORS", "firstNObservations=0", 140, nil},
		{"bad references", "dataflow", "references=cousins", 140, nil},
		{"updatedAfter", "data/TIP_INDICATORS", "updatedAfter=2024-03-01T12:00:00%2B04:00", 0, func(q sdmx.Query) bool {
			t := q.Data.Filter.UpdatedAfter.Time
			return t != nil && t.Equal(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC))
		}},
		{"updatedAfter with an unescaped offset", "data/TIP_INDICATORS", "updatedAfter=2024-03-01T12:00:00+04:00", 0, func(q sdmx.Query) bool {
			return q.Data.Filter.UpdatedAfter.Time.Equal(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC))
		}},
		{"updatedAfter, a date", "data/TIP_INDICATORS", "updatedAfter=2024-03-01", 0, func(q sdmx.Query) bool {
			return q.Data.Filter.UpdatedAfter.Time.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
		}},
		{"updatedAfter, no time", "data/TIP_INDICATORS", "updatedAfter=yesterday", 140, nil},
		{"history", "data/TIP_INDICATORS", "includeHistory=true", 501, nil},
		{"availability", "availableconstraint/TIP_INDICATORS/A.AZE/all/SEX", "mode=exact&references=codelist", 0, func(q sdmx.Query) bool {
			return q.Kind() == sdmx.KindAvailability && q.Avail.Exact && q.Avail.Component == "SEX" && len(q.Data.Key) == 2
		}},
		{"availability by default", "availableconstraint/TIP_INDICATORS", "", 0, func(q sdmx.Query) bool {
			return !q.Avail.Exact && q.Avail.Component == "all"
		}},
		{"availability, bad mode", "availableconstraint/TIP_INDICATORS", "mode=some", 140, nil},
		{"SDMX 3.0 data path", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/*", "", 501, nil},
		{"explicit measure schema", "schema/datastructure/AZ_MIA/DSD_TIP_INDICATORS", "explicitMeasure=true", 501, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			params, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			q, err := sdmx.Parse(tc.path, params)
			if tc.code != 0 {
				e, _ := sdmx.ErrorOf(err)
				if err == nil || e.Code != tc.code {
					t.Fatalf("error %v, want SDMX %d", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(q) {
				t.Errorf("parsed %+v", q)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	artefacts := map[export.ArtefactRef][]export.ArtefactRef{
		{Class: "dataflow", ID: "F"}:       {{Class: "datastructure", ID: "D"}},
		{Class: "datastructure", ID: "D"}:  {{Class: "conceptscheme", ID: "CS"}, {Class: "codelist", ID: "A"}, {Class: "codelist", ID: "B"}},
		{Class: "conceptscheme", ID: "CS"}: nil, {Class: "codelist", ID: "A"}: nil, {Class: "codelist", ID: "B"}: nil,
	}
	tests := []struct {
		name, resource, path, query string
		want                        map[string]export.StructureDetail
	}{
		{"none", "dataflow", "dataflow", "", map[string]export.StructureDetail{"F": export.Full}},
		{"children", "datastructure", "datastructure/all/D", "references=children",
			map[string]export.StructureDetail{"D": export.Full, "CS": export.Full, "A": export.Full, "B": export.Full}},
		{"descendants as stubs", "dataflow", "dataflow", "references=descendants&detail=referencestubs",
			map[string]export.StructureDetail{"F": export.Full, "D": export.Stub, "CS": export.Stub, "A": export.Stub, "B": export.Stub}},
		{"parents and siblings", "codelist", "codelist/all/A", "references=parentsandsiblings",
			map[string]export.StructureDetail{"A": export.Full, "D": export.Full, "CS": export.Full, "B": export.Full}},
		{"a type among the references", "dataflow", "dataflow", "references=codelist&detail=allcompletestubs",
			map[string]export.StructureDetail{"F": export.CompleteStub, "A": export.CompleteStub, "B": export.CompleteStub}},
		{"all of them", "codelist", "codelist", "", map[string]export.StructureDetail{"A": export.Full, "B": export.Full}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			params, _ := url.ParseQuery(tc.query)
			q, err := sdmx.Parse(tc.path, params)
			if err != nil {
				t.Fatal(err)
			}
			sel, err := q.Struct.Select(tc.resource, artefacts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]export.StructureDetail{}
			for a, d := range sel {
				got[a.ID] = d
			}
			if len(got) != len(tc.want) {
				t.Fatalf("selected %v, want %v", got, tc.want)
			}
			for id, d := range tc.want {
				if got[id] != d {
					t.Errorf("%s: detail %d, want %d", id, got[id], d)
				}
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name   string
		kind   int
		accept string
		format string
		want   string // the Content-Type's type; "" for 406
	}{
		{"no Accept: generic data", sdmx.KindData, "", "", "application/vnd.sdmx.genericdata+xml"},
		{"application/xml: generic data", sdmx.KindData, "application/xml", "", "application/vnd.sdmx.genericdata+xml"},
		{"no Accept: structure", sdmx.KindStructure, "", "", "application/vnd.sdmx.structure+xml"},
		{"structure-specific", sdmx.KindData, "application/vnd.sdmx.structurespecificdata+xml;version=2.1", "", "application/vnd.sdmx.structurespecificdata+xml"},
		{"SDMX-JSON 2.0 as 2.0", sdmx.KindData, "application/vnd.sdmx.data+json;version=2.0", "", "application/vnd.sdmx.data+json"},
		{"plain JSON", sdmx.KindStructure, "application/json", "", "application/vnd.sdmx.structure+json"},
		{"SDMX-CSV without version: the newest", sdmx.KindData, "application/vnd.sdmx.data+csv", "", "application/vnd.sdmx.data+csv; version=2.0.0"},
		{"SDMX-CSV 1.0", sdmx.KindData, "application/vnd.sdmx.data+csv;version=1.0.0;labels=id", "", "application/vnd.sdmx.data+csv; version=1.0.0"},
		{"text/csv", sdmx.KindData, "text/csv", "", "application/vnd.sdmx.data+csv; version=1.0.0"},
		{"q-values rank", sdmx.KindData, "application/xml;q=0.5, application/vnd.sdmx.data+json;q=0.9", "", "application/vnd.sdmx.data+json"},
		{"refused with q=0", sdmx.KindData, "application/vnd.sdmx.data+json;q=0", "", ""},
		{"labels=both is not written", sdmx.KindData, "application/vnd.sdmx.data+csv;labels=both", "", ""},
		{"SDMX 3.0 not offered", sdmx.KindStructure, "application/vnd.sdmx.structure+xml;version=3.0.0", "", ""},
		{"HTML", sdmx.KindData, "text/html", "", ""},
		{"format wins", sdmx.KindData, "text/html", "jsondata", "application/vnd.sdmx.data+json"},
		{"unknown format", sdmx.KindData, "", "xlsx", ""},
		{"schema", sdmx.KindSchema, "application/xml", "", "application/vnd.sdmx.schema+xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/sdmx/rest/x?format="+tc.format, nil)
			if tc.format == "" {
				r.URL.RawQuery = ""
			}
			if tc.accept != "" {
				r.Header.Set("Accept", tc.accept)
			}
			rep, err := sdmx.Negotiate(r, tc.kind)
			if tc.want == "" {
				if e, _ := sdmx.ErrorOf(err); err == nil || e.Status != http.StatusNotAcceptable {
					t.Fatalf("got %s, want 406", rep.MediaType)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.MediaType) < len(tc.want) || rep.MediaType[:len(tc.want)] != tc.want {
				t.Errorf("Content-Type %s, want %s…", rep.MediaType, tc.want)
			}
		})
	}
}
