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
		{"history", "data/TIP_INDICATORS", "includeHistory=true", 0, func(q sdmx.Query) bool { return q.Data.History }},
		{"no history", "data/TIP_INDICATORS", "includeHistory=false", 0, func(q sdmx.Query) bool { return !q.Data.History }},
		{"history, neither true nor false", "data/TIP_INDICATORS", "includeHistory=yes", 140, nil},
		{"history of the last observations", "data/TIP_INDICATORS", "includeHistory=true&lastNObservations=1", 501, nil},
		{"history of what changed", "data/TIP_INDICATORS", "includeHistory=true&updatedAfter=2024-01-01", 501, nil},
		{"items of a code list", "codelist/AZ_MIA/CL_SEX/latest/F+M", "", 0, func(q sdmx.Query) bool { return slices.Equal(q.Struct.Items, []string{"F", "M"}) }},
		{"all items", "conceptscheme/AZ_MIA/CS_TIP_INDICATORS/latest/all", "", 0, func(q sdmx.Query) bool { return q.Struct.Items == nil }},
		{"an item of a data structure", "datastructure/AZ_MIA/DSD_TIP_INDICATORS/latest/SEX", "", 140, nil},
		{"an item that is no id", "codelist/AZ_MIA/CL_SEX/latest/F..M", "", 140, nil},
		{"partial references", "datastructure", "references=children&detail=referencepartial", 0, func(q sdmx.Query) bool { return q.Struct.Detail == "referencepartial" }},
		{"availability", "availableconstraint/TIP_INDICATORS/A.AZE/all/SEX", "mode=exact&references=codelist", 0, func(q sdmx.Query) bool {
			return q.Kind() == sdmx.KindAvailability && q.Avail.Exact && q.Avail.Component == "SEX" && len(q.Data.Key) == 2
		}},
		{"availability by default", "availableconstraint/TIP_INDICATORS", "", 0, func(q sdmx.Query) bool {
			return !q.Avail.Exact && q.Avail.Component == "all"
		}},
		{"availability, bad mode", "availableconstraint/TIP_INDICATORS", "mode=some", 140, nil},
		{"SDMX 3.0: the dataflow, any key", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/*", "", 0, func(q sdmx.Query) bool {
			return q.Kind() == sdmx.KindData3 && q.Data.Key == nil && q.Data.Options.Detail == export.DetailFull
		}},
		{"SDMX 3.0: everything by default", "data", "", 0, func(q sdmx.Query) bool { return q.Kind() == sdmx.KindData3 && q.Data.Key == nil }},
		{"SDMX 3.0: wildcards and latest", "data/*/*/*/~", "", 0, func(q sdmx.Query) bool { return q.Kind() == sdmx.KindData3 }},
		{"SDMX 3.0: the data structure, semantic version", "data/datastructure/AZ_MIA/DSD_TIP_INDICATORS/1.0.0", "", 0, func(q sdmx.Query) bool { return q.Kind() == sdmx.KindData3 }},
		{"SDMX 3.0: lists", "data/dataflow/ECB,AZ_MIA/EXR,TIP_INDICATORS/+", "", 0, func(q sdmx.Query) bool { return q.Kind() == sdmx.KindData3 }},
		{"SDMX 3.0: a partial key with * ", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.*.victims_identified", "", 0, func(q sdmx.Query) bool {
			return len(q.Data.Key) == 3 && q.Data.Key[1] == nil && q.Data.Key[2][0] == "victims_identified"
		}},
		{"SDMX 3.0: keys differing in one part", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.AZE.x,A.AZE.y", "", 0, func(q sdmx.Query) bool {
			return len(q.Data.Key) == 3 && slices.Equal(q.Data.Key[2], []string{"x", "y"}) && slices.Equal(q.Data.Key[1], []string{"AZE"})
		}},
		{"SDMX 3.0: a key and one that leaves a part open", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.AZE,A", "", 0, func(q sdmx.Query) bool {
			return len(q.Data.Key) == 2 && q.Data.Key[1] == nil && q.Data.Key[0][0] == "A"
		}},
		{"SDMX 3.0: c[] filters", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=F,M&c[AGE]=eq:_T&c[REF_AREA]=AZE%2Beq:AZE,WLD%2BAZE", 0, func(q sdmx.Query) bool {
			c := q.Data.Components
			return slices.Equal(c["SEX"].Select(nil), []string{"F", "M"}) && slices.Equal(c["AGE"].Select(nil), []string{"_T"}) &&
				slices.Equal(c["REF_AREA"].Select(nil), []string{"AZE"})
		}},
		{"SDMX 3.0: a time range, + unescaped", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=ge:2020-01+le:2023", 0, func(q sdmx.Query) bool {
			return q.Data.Filter.PeriodFrom == 2020 && q.Data.Filter.PeriodTo == 2023
		}},
		{"SDMX 3.0: gt and lt", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=gt:2020%2Blt:2024", 0, func(q sdmx.Query) bool {
			return q.Data.Filter.PeriodFrom == 2021 && q.Data.Filter.PeriodTo == 2023
		}},
		{"SDMX 3.0: one year", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=2024", 0, func(q sdmx.Query) bool {
			return q.Data.Filter.PeriodFrom == 2024 && q.Data.Filter.PeriodTo == 2024
		}},
		{"SDMX 3.0: parameters", "data/dataflow/AZ_MIA/TIP_INDICATORS", "lastNObservations=1&dimensionAtObservation=AllDimensions&attributes=none&measures=all&includeHistory=false&updatedAfter=2024-03-01", 0, func(q sdmx.Query) bool {
			return *q.Data.Filter.LastN == 1 && q.Data.Options.DimensionAtObservation == export.AllDimensions &&
				q.Data.Options.Detail == export.DetailDataOnly && q.Data.Filter.UpdatedAfter != nil
		}},
		{"SDMX 3.0: no measures", "data/dataflow/AZ_MIA/TIP_INDICATORS", "measures=none", 0, func(q sdmx.Query) bool { return q.Data.Options.Detail == export.DetailNoData }},
		{"SDMX 3.0: series keys", "data/dataflow/AZ_MIA/TIP_INDICATORS", "measures=none&attributes=none", 0, func(q sdmx.Query) bool {
			return q.Data.Options.Detail == export.DetailSeriesKeysOnly
		}},
		{"SDMX 3.0: another dataflow", "data/dataflow/ECB/EXR", "", 100, nil},
		{"SDMX 3.0: another version", "data/dataflow/AZ_MIA/TIP_INDICATORS/2.0", "", 100, nil},
		{"SDMX 3.0: a provision agreement", "data/provisionagreement", "", 100, nil},
		{"SDMX 3.0: an empty time range", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=ge:2024%2Ble:2020", 100, nil},
		{"SDMX 3.0: a + in the key", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.AZE%2BWLD", "", 140, nil},
		{"SDMX 3.0: no such operator", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=is:F", 140, nil},
		{"SDMX 3.0: a 2.1 parameter", "data/dataflow/AZ_MIA/TIP_INDICATORS", "startPeriod=2020", 140, nil},
		{"SDMX 3.0: a component twice", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=F&c[SEX]=M", 140, nil},
		{"SDMX 3.0: an unknown measure", "data/dataflow/AZ_MIA/TIP_INDICATORS", "measures=COUNT", 140, nil},
		{"SDMX 3.0: ne and the string operators on a dimension", "data/dataflow/AZ_MIA/TIP_INDICATORS",
			"c[SEX]=ne:F&c[INDICATOR]=sw:victims,co:_charged%2Bnc:women,ew:_pct", 0, func(q sdmx.Query) bool {
				c := q.Data.Components
				return len(c["SEX"]) == 1 && c["SEX"][0][0] == sdmx.Term{Op: "ne", Value: "F"} && len(c["INDICATOR"]) == 3 && len(c["INDICATOR"][1]) == 2
			}},
		{"SDMX 3.0: an order on a dimension's codes", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=ge:F", 501, nil},
		{"SDMX 3.0: a part of a code that is no code's", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[INDICATOR]=co:a.b", 140, nil},
		{"SDMX 3.0: a string operator on a period", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=sw:202", 501, nil},
		{"SDMX 3.0: OR of periods", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=2020,2024", 501, nil},
		{"SDMX 3.0: ne of a period", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=ne:2020", 501, nil},
		{"SDMX 3.0: gt of a month", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[TIME_PERIOD]=gt:2020-06", 501, nil},
		{"SDMX 3.0: keys differing in two parts", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.AZE.x,A.WLD.y", "", 501, nil},
		{"SDMX 3.0: a semantic version range", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0+.0", "", 501, nil},
		{"SDMX 3.0: some attributes", "data/dataflow/AZ_MIA/TIP_INDICATORS", "attributes=OBS_STATUS", 501, nil},
		{"SDMX 3.0: history", "data/dataflow/AZ_MIA/TIP_INDICATORS", "includeHistory=true", 0, func(q sdmx.Query) bool { return q.Data.History }},
		{"SDMX 3.0: a parameter of a later specification", "data/dataflow/AZ_MIA/TIP_INDICATORS", "limit=10", 501, nil},
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

// mustParse parses a query that has no error.
func mustParse(t *testing.T, path, query string) sdmx.Query {
	t.Helper()
	params, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	q, err := sdmx.Parse(path, params)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestKeyFor: an SDMX 3.0 key is padded to the DSD's dimensions and
// narrowed by the c[DIM] filters; what they cannot select is an error.
func TestKeyFor(t *testing.T) {
	dims := []string{"FREQ", "REF_AREA", "INDICATOR", "SEX"}
	lists := [][]string{{"A"}, {"AZE", "WLD"}, {"victims_identified", "victims_sheltered", "persons_charged"}, {"_T", "_Z", "F", "M"}}
	others := []string{"OBS_STATUS", "OBS_VALUE"}
	tests := []struct {
		name, path, query string
		want              [][]string
		code              int
	}{
		{"SDMX 2.1 as given", "data/TIP_INDICATORS/A.AZE", "", [][]string{{"A"}, {"AZE"}}, 0},
		{"padded", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.AZE", "", [][]string{{"A"}, {"AZE"}, nil, nil}, 0},
		{"c[] alone", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=F,M", [][]string{nil, nil, nil, {"F", "M"}}, 0},
		{"c[] and the key", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/*.*.*.F", "c[SEX]=F,M", [][]string{nil, nil, nil, {"F"}}, 0},
		{"any", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/*.*", "", nil, 0},
		{"c[] and the key disagree", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/*.*.*.F", "c[SEX]=M", nil, 100},
		{"X=A AND X=B", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=F%2BM", nil, 100},
		{"an unknown code is kept for the dataset to refuse", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=X", [][]string{nil, nil, nil, {"X"}}, 0},
		{"ne", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=ne:_T%2Bne:_Z", [][]string{nil, nil, nil, {"F", "M"}}, 0},
		{"ne OR a code", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=ne:F,F", [][]string{nil, nil, nil, {"_T", "_Z", "M", "F"}}, 0},
		{"ne AND a code", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[SEX]=ne:F%2BM", [][]string{nil, nil, nil, {"M"}}, 0},
		{"starts with", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[INDICATOR]=sw:victims_", [][]string{nil, nil, {"victims_identified", "victims_sheltered"}, nil}, 0},
		{"ends with, or contains and does not contain", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[INDICATOR]=ew:_charged,co:tims%2Bnc:shelter",
			[][]string{nil, nil, {"persons_charged", "victims_identified"}, nil}, 0},
		{"contains, and the key", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.*.victims_sheltered", "c[INDICATOR]=co:victims", [][]string{{"A"}, nil, {"victims_sheltered"}, nil}, 0},
		{"no code starts so", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[REF_AREA]=sw:FR", nil, 100},
		{"a key too long", "data/dataflow/AZ_MIA/TIP_INDICATORS/1.0/A.B.C.D.E", "", nil, 140},
		{"no such component", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[COLOUR]=red", nil, 140},
		{"an attribute", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[OBS_STATUS]=A", nil, 501},
		{"the measure", "data/dataflow/AZ_MIA/TIP_INDICATORS", "c[OBS_VALUE]=10", nil, 501},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := mustParse(t, tc.path, tc.query).Data.KeyFor(dims, lists, others)
			if tc.code != 0 {
				if e, _ := sdmx.ErrorOf(err); err == nil || e.Code != tc.code {
					t.Fatalf("key %v, error %v, want SDMX %d", key, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(key, tc.want, slices.Equal) || (key == nil) != (tc.want == nil) {
				t.Errorf("key %v, want %v", key, tc.want)
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
			sel, err := mustParse(t, tc.path, tc.query).Struct.Select(tc.resource, artefacts)
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
		{"availability, SDMX-ML by default", sdmx.KindAvailability, "", "", "application/vnd.sdmx.structure+xml"},
		{"availability as SDMX-JSON", sdmx.KindAvailability, "application/vnd.sdmx.structure+json;version=2.0.0", "", "application/vnd.sdmx.structure+json"},
		{"SDMX 3.0 path, no Accept: SDMX-JSON", sdmx.KindData3, "", "", "application/vnd.sdmx.data+json; version=2.0.0"},
		{"SDMX 3.0 path, application/xml: generic data", sdmx.KindData3, "application/xml", "", "application/vnd.sdmx.genericdata+xml"},
		{"SDMX 3.0 path, SDMX-CSV 2.0", sdmx.KindData3, "application/vnd.sdmx.data+csv;version=2.0.0", "", "application/vnd.sdmx.data+csv; version=2.0.0"},
		{"SDMX 3.0 path, SDMX-ML 3.0 not written", sdmx.KindData3, "application/vnd.sdmx.data+xml;version=3.0.0", "", ""},
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
