package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/framework"
	"indicators/internal/sdmx/sdmxtest"
	"indicators/internal/testdb"
)

// readCSV parses an export into its header and rows keyed by column.
func readCSV(t *testing.T, b []byte) ([]string, []map[string]string) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return records[0], rows
}

// dsdCodes reads the structure message: the dimension ids in key order, the
// attribute ids, and each coded component's codes.
func dsdCodes(t *testing.T, b []byte) (dims, attrs []string, codes map[string][]string) {
	t.Helper()
	var msg struct {
		Data struct {
			DataStructures []struct {
				Components struct {
					DimensionList struct {
						Dimensions []struct {
							ID                  string
							Position            int
							LocalRepresentation struct{ Enumeration string }
						}
						TimeDimension struct{ ID string }
					}
					AttributeList struct {
						Attributes []struct {
							ID                  string
							LocalRepresentation struct{ Enumeration string }
						}
					}
				} `json:"dataStructureComponents"`
			}
			Codelists []struct {
				ID    string
				Codes []struct{ ID string }
			}
		}
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		t.Fatal(err)
	}
	lists := map[string][]string{}
	for _, cl := range msg.Data.Codelists {
		for _, c := range cl.Codes {
			lists[cl.ID] = append(lists[cl.ID], c.ID)
		}
	}
	listOf := func(urn string) []string {
		id := regexp.MustCompile(`Codelist=[^:]+:([^(]+)\(`).FindStringSubmatch(urn)
		if id == nil {
			return nil
		}
		return lists[id[1]]
	}
	codes = map[string][]string{}
	c := msg.Data.DataStructures[0].Components
	for i, d := range c.DimensionList.Dimensions {
		if d.Position != i {
			t.Errorf("dimension %s at position %d, listed %d", d.ID, d.Position, i)
		}
		dims = append(dims, d.ID)
		codes[d.ID] = listOf(d.LocalRepresentation.Enumeration)
	}
	dims = append(dims, c.DimensionList.TimeDimension.ID)
	for _, a := range c.AttributeList.Attributes {
		attrs = append(attrs, a.ID)
		if l := listOf(a.LocalRepresentation.Enumeration); l != nil {
			codes[a.ID] = l
		}
	}
	return dims, attrs, codes
}

var sdmxPeriod = regexp.MustCompile(`^\d{4}$|^\d{4}-01-01/P\d+Y$`)

// TestSDMXCSVStructure checks SDMX-CSV against the structure message: column
// order, every code in its code list, _T for totals, one row per key. It
// reads every loaded release, so two releases state some cells.
func TestSDMXCSVStructure(t *testing.T) {
	s := loaded(t)
	dims, attrs, codes := dsdCodes(t, exportBytes(t, s, "structure.json", ""))
	header, rows := readCSV(t, exportBytes(t, s, "sdmx.csv", ""))
	want := slices.Concat([]string{"DATAFLOW"}, dims, []string{"OBS_VALUE"}, attrs)
	if !slices.Equal(header, want) {
		t.Fatalf("header %v\nwant %v", header, want)
	}
	keys := map[string]bool{}
	for _, r := range rows {
		if r["DATAFLOW"] != "AZ_MIA:TIP_INDICATORS(1.0)" {
			t.Fatalf("DATAFLOW %q", r["DATAFLOW"])
		}
		var key []string
		for _, d := range dims {
			key = append(key, r[d])
			if d == "TIME_PERIOD" {
				if !sdmxPeriod.MatchString(r[d]) {
					t.Errorf("TIME_PERIOD %q", r[d])
				}
			} else if !slices.Contains(codes[d], r[d]) {
				t.Errorf("%s %q is not in its code list", d, r[d])
			}
		}
		k := strings.Join(key, ".")
		if keys[k] {
			t.Errorf("duplicate key %s", k)
		}
		keys[k] = true
		for _, a := range attrs {
			if codes[a] != nil && !slices.Contains(codes[a], r[a]) {
				t.Errorf("%s %q is not in its code list", a, r[a])
			}
		}
		if _, err := strconv.ParseFloat(r["OBS_VALUE"], 64); err != nil {
			t.Errorf("OBS_VALUE %q", r["OBS_VALUE"])
		}
		if (r["OBS_STATUS"] == "A") != (r["QUALIFIER"] == "EXACT") {
			t.Errorf("OBS_STATUS %s with QUALIFIER %s", r["OBS_STATUS"], r["QUALIFIER"])
		}
	}
	// An indicator's dimensions are those some row of it has a member on:
	// their totals are _T, every other dimension _Z (not applicable).
	brokenDown := map[string]map[string]bool{}
	used := map[string]map[string]map[string]bool{} // indicator, dimension, codes
	for _, r := range rows {
		ind := r["INDICATOR"]
		if brokenDown[ind] == nil {
			brokenDown[ind], used[ind] = map[string]bool{}, map[string]map[string]bool{}
		}
		for _, d := range dims[3 : len(dims)-1] {
			if r[d] != "_T" && r[d] != "_Z" {
				brokenDown[ind][d] = true
			}
			if used[ind][d] == nil {
				used[ind][d] = map[string]bool{}
			}
			used[ind][d][r[d]] = true
		}
		if r["FREQ"] != "A" || r["CONF_STATUS"] != "F" || r["UNIT_MULT"] != "0" {
			t.Errorf("FREQ %s, CONF_STATUS %s, UNIT_MULT %s", r["FREQ"], r["CONF_STATUS"], r["UNIT_MULT"])
		}
	}
	for ind, byDim := range used {
		for d, cs := range byDim {
			if brokenDown[ind][d] && cs["_Z"] || !brokenDown[ind][d] && cs["_T"] {
				t.Errorf("%s on %s: codes %v (_T where broken down, _Z elsewhere)", ind, d, cs)
			}
		}
	}
	total := func(ind, area, period string) string {
		key := []string{"A", area, ind}
		for _, d := range dims[3 : len(dims)-1] {
			if brokenDown[ind][d] {
				key = append(key, "_T")
			} else {
				key = append(key, "_Z")
			}
		}
		return strings.Join(append(key, period), ".")
	}
	for _, tc := range []struct{ name, key string }{
		{"total over every dimension", total("victims_identified", "AZE", "2024")},
		{"cumulative range", total("victims_identified", "AZE", "2005-01-01/P20Y")},
	} {
		if !keys[tc.key] {
			t.Errorf("%s: no row %s", tc.name, tc.key)
		}
	}
	if !brokenDown["victims_identified"]["SEX"] || brokenDown["victims_identified"]["INSPECTION_TYPE"] {
		t.Errorf("victims identified are broken down by %v", brokenDown["victims_identified"])
	}
}

// sdmxRecord is an observation as both SDMX formats can be read back to.
func sdmxRecord(dims, values []string, value string, attrs map[string]string) string {
	var b strings.Builder
	for i, d := range dims {
		fmt.Fprintf(&b, "%s=%s|", d, values[i])
	}
	fmt.Fprintf(&b, "OBS_VALUE=%s", value)
	names := make([]string, 0, len(attrs))
	for a := range attrs {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		fmt.Fprintf(&b, "|%s=%s", a, attrs[a])
	}
	return b.String()
}

// decodeSDMXJSON is a reader of SDMX-JSON 2.0 data messages written from the
// specification, independent of the writer: it resolves each observation's
// index key and attribute indexes through the structure's values.
func decodeSDMXJSON(t *testing.T, b []byte) []string {
	t.Helper()
	type value struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	}
	type comp struct {
		ID          string  `json:"id"`
		KeyPosition *int    `json:"keyPosition"`
		Values      []value `json:"values"`
	}
	var msg struct {
		Data struct {
			Structures []struct {
				Dimensions struct{ Observation []comp } `json:"dimensions"`
				Measures   struct{ Observation []comp } `json:"measures"`
				Attributes struct{ Observation []comp } `json:"attributes"`
			} `json:"structures"`
			DataSets []struct {
				Structure    int                          `json:"structure"`
				Observations map[string][]json.RawMessage `json:"observations"`
			} `json:"dataSets"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		t.Fatal(err)
	}
	st := msg.Data.Structures[msg.Data.DataSets[0].Structure]
	dims := slices.Clone(st.Dimensions.Observation)
	sort.Slice(dims, func(i, j int) bool { return *dims[i].KeyPosition < *dims[j].KeyPosition })
	var ids []string
	for _, d := range dims {
		ids = append(ids, d.ID)
	}
	var out []string
	for key, cells := range msg.Data.DataSets[0].Observations {
		idx := strings.Split(key, ":")
		if len(idx) != len(dims) {
			t.Fatalf("key %s has %d positions for %d dimensions", key, len(idx), len(dims))
		}
		values := make([]string, len(dims))
		for i, s := range idx {
			n, _ := strconv.Atoi(s)
			v := dims[i].Values[n]
			values[i] = v.ID + v.Value
		}
		nm := len(st.Measures.Observation)
		attrs := map[string]string{}
		for i, a := range st.Attributes.Observation {
			raw := cells[nm+i]
			switch {
			case string(raw) == "null":
				attrs[a.ID] = ""
			case a.Values != nil:
				var n int
				if err := json.Unmarshal(raw, &n); err != nil {
					t.Fatalf("%s: %s is not an index: %v", a.ID, raw, err)
				}
				attrs[a.ID] = a.Values[n].ID
			default:
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					t.Fatal(err)
				}
				attrs[a.ID] = s
			}
		}
		out = append(out, sdmxRecord(ids, values, string(cells[0]), attrs))
	}
	sort.Strings(out)
	return out
}

func TestSDMXJSONRoundTrip(t *testing.T) {
	s := loaded(t)
	for _, query := range []string{"", "release=az-2024", "indicator=victims_identified&by=SEX", "theme=context"} {
		t.Run("query "+query, func(t *testing.T) {
			header, rows := readCSV(t, exportBytes(t, s, "sdmx.csv", query))
			dims := header[1:slices.Index(header, "OBS_VALUE")]
			attrs := header[slices.Index(header, "OBS_VALUE")+1:]
			var fromCSV []string
			for _, r := range rows {
				values := make([]string, len(dims))
				for i, d := range dims {
					values[i] = r[d]
				}
				am := map[string]string{}
				for _, a := range attrs {
					am[a] = r[a]
				}
				fromCSV = append(fromCSV, sdmxRecord(dims, values, r["OBS_VALUE"], am))
			}
			sort.Strings(fromCSV)
			fromJSON := decodeSDMXJSON(t, exportBytes(t, s, "sdmx.json", query))
			if len(fromCSV) == 0 || !slices.Equal(fromCSV, fromJSON) {
				t.Fatalf("%d observations from CSV, %d from JSON; first difference:\n%s", len(fromCSV), len(fromJSON), firstDiff(fromCSV, fromJSON))
			}
		})
	}
}

func filterOf(t *testing.T, query string) dataset.Filter {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := export.Lookup("observations.csv")
	eq, err := export.ParseQuery(f, q)
	if err != nil {
		t.Fatal(err)
	}
	return eq.Filter
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + "\n" + b[i]
		}
	}
	return "(one is a prefix of the other)"
}

// cellKey joins the named columns of a row.
func cellKey(r map[string]string, cols ...string) string {
	var parts []string
	for _, c := range cols {
		parts = append(parts, r[c])
	}
	return strings.Join(parts, "|")
}

func TestGLOTIPStructure(t *testing.T) {
	header, rows := readCSV(t, exportBytes(t, loaded(t), "glotip.csv", ""))
	want := "iso3,country,region,subregion,indicator,dimension,category,sex,age,year,unit,txtVALUE,source"
	if strings.Join(header, ",") != want {
		t.Fatalf("header %v", header)
	}
	got := map[string]string{}
	for _, r := range rows {
		k := cellKey(r, "iso3", "indicator", "dimension", "category", "sex", "age", "year")
		if _, dup := got[k]; dup {
			t.Errorf("duplicate cell %s", k)
		}
		got[k] = r["txtVALUE"]
		if r["unit"] != "Counts" || r["source"] == "" {
			t.Errorf("row %v", r)
		}
	}
	tests := []struct {
		name, cell, want string // want "" means the cell must be absent
	}{
		{"total", "AZE|Detected trafficking victims|Total|Total|Total|Total|2024", "91"},
		{"female", "AZE|Detected trafficking victims|Total|Total|Female|Total|2024", "90"},
		{"form summed over countries", "AZE|Detected trafficking victims|by form of exploitation|Sexual exploitation|Total|Total|2024", "90"},
		{"form of the one internal case", "AZE|Detected trafficking victims|by form of exploitation|Forced labour|Total|Total|2024", "1"},
		{"citizenship", "AZE|Detected trafficking victims|by citizenship|Azerbaijan|Total|Total|2024", "91"},
		{"offences", "AZE|Offences of trafficking in persons|Total|Total|Total|Total|2024", "161"},
		{"prosecuted", "AZE|Persons prosecuted|Total|Total|Total|Total|2024", "11"},
		{"derived previous year", "AZE|Detected trafficking victims|Total|Total|Total|Total|2023", "91"},
		{"age bands do not add up: no adults", "AZE|Detected trafficking victims|Total|Total|Total|Adult|2024", ""},
		{"no form never stated: absent, not zero", "AZE|Detected trafficking victims|by form of exploitation|Other purposes|Total|Total|2024", ""},
		{"no convictions", "AZE|Persons convicted|Total|Total|Total|Total|2024", ""},
	}
	for _, tc := range tests {
		if v := got[tc.cell]; v != tc.want {
			t.Errorf("%s: %s = %q, want %q", tc.name, tc.cell, v, tc.want)
		}
	}
}

func TestSDGStructure(t *testing.T) {
	// DF_SDG_GLH's SDMX-CSV header as UN data serves it (1.24).
	wantHeader := "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,URBANISATION,INCOME_WEALTH_QUANTILE,EDUCATION_LEV,OCCUPATION," +
		"CUST_BREAKDOWN,COMPOSITE_BREAKDOWN,DISABILITY_STATUS,ACTIVITY,PRODUCT,TIME_PERIOD,OBS_VALUE,OBS_STATUS,UNIT_MULT,UNIT_MEASURE," +
		"BASE_PER,NATURE,TIME_DETAIL,COMMENT_OBS,TIME_COVERAGE,UPPER_BOUND,LOWER_BOUND,SOURCE_DETAIL,COMMENT_TS,GEO_INFO_URL," +
		"GEO_INFO_TYPE,CUST_BREAKDOWN_LB,DATA_LAST_UPDATE"
	tests := []struct {
		name  string
		files []string
		cells map[string]string // SERIES|SEX|AGE|TIME_PERIOD -> value, "" = absent
	}{
		{"without population", nil, map[string]string{
			"VC_HTF_DETV|_T|_T|2024":   "91",
			"VC_HTF_DETV|F|_T|2024":    "90",
			"VC_HTF_DETVSX|_T|_T|2024": "90",
			"VC_HTF_DETVFL|_T|_T|2024": "1",
			"VC_HTF_DETVOP|_T|_T|2024": "",
			"VC_HTF_DETVR|_T|_T|2024":  "",
		}},
		{"with population", []string{populationFixture}, map[string]string{
			"VC_HTF_DETV|_T|_T|2024":  "91",
			"VC_HTF_DETVR|_T|_T|2024": "0.899", // 91 × 100000 / 10123456 = 0.89890…
			"VC_HTF_DETVR|F|_T|2024":  "",      // no female population loaded
			"VC_HTF_DETVR|_T|_T|2023": "",      // no 2023 population loaded
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header, rows := readCSV(t, exportBytes(t, loaded(t, tc.files...), "sdg-16-2-2.csv", ""))
			if strings.Join(header, ",") != wantHeader {
				t.Fatalf("header %v", header)
			}
			got := map[string]string{}
			for _, r := range rows {
				k := cellKey(r, "SERIES", "SEX", "AGE", "TIME_PERIOD")
				if _, dup := got[k]; dup {
					t.Errorf("duplicate %s", k)
				}
				got[k] = r["OBS_VALUE"]
				if r["DATAFLOW"] != "IAEG-SDGs:DF_SDG_GLH(1.24)" || r["REF_AREA"] != "31" || !slices.Contains([]string{"_T", "F", "M"}, r["SEX"]) ||
					!slices.Contains([]string{"_T", "Y0T17", "Y_GE18"}, r["AGE"]) {
					t.Errorf("row %v", r)
				}
				if rate := strings.HasSuffix(r["SERIES"], "R"); rate != (r["UNIT_MEASURE"] == "PER_100000_POP") {
					t.Errorf("series %s in %s", r["SERIES"], r["UNIT_MEASURE"])
				}
			}
			for cell, want := range tc.cells {
				if got[cell] != want {
					t.Errorf("%s = %q, want %q", cell, got[cell], want)
				}
			}
		})
	}
}

// TestCoverage checks cells of the bundled report's coverage, as the
// *-coverage.csv exports read it: through an export's Input.
func TestCoverage(t *testing.T) {
	ctx := context.Background()
	in, err := export.NewInput(ctx, loaded(t), filterOf(t, "release=az-2024&period=2024"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		framework, statistic, breakdown string
		available                       bool
		value                           string
		derivation                      string
	}{
		{"greta", "Identified victims", "", true, "91", "stated"},
		{"greta", "Identified victims", "exploitation: transnational (abroad)", true, "90", "sum of stated figures"},
		{"greta", "Identified victims", "exploitation: internal (in the country)", true, "1", "sum of stated figures"},
		{"greta", "Identified victims", "age: adults (18 and over)", false, "0", ""},
		{"greta", "Convictions", "", false, "0", ""},
		{"greta", "Residence permits issued to victims", "", false, "0", ""},
		{"greta", "Victims granted a recovery and reflection period", "", true, "7", "stated"},
		{"glotip", "Persons convicted", "Total: Total; sex: Total; age: Total", false, "0", ""},
		{"sdg-16-2-2", "VC_HTF_DETVR", "SEX _T, AGE _T", false, "0", ""},
	}
	byFramework := map[string][]framework.CoverageCell{}
	for _, fw := range framework.All() {
		cells, err := fw.Coverage(ctx, in.CodeLists, in.Query, in.Filter)
		if err != nil {
			t.Fatal(err)
		}
		byFramework[fw.Name] = cells
	}
	for _, tc := range tests {
		t.Run(tc.framework+" "+tc.statistic+" "+tc.breakdown, func(t *testing.T) {
			i := slices.IndexFunc(byFramework[tc.framework], func(c framework.CoverageCell) bool {
				return c.Statistic == tc.statistic && c.Breakdown == tc.breakdown
			})
			if i < 0 {
				t.Fatal("no such cell")
			}
			c := byFramework[tc.framework][i]
			if c.Available != tc.available || dataset.FormatValue(c.Value) != tc.value || c.Derivation != tc.derivation {
				t.Errorf("cell %+v", c)
			}
			if c.Available == (len(c.Sources) == 0) || !c.Available && c.Note == "" {
				t.Errorf("sources %v, note %q", c.Sources, c.Note)
			}
		})
	}
}

// TestExactValues exports values a float would round (0.1 + 0.2) or print
// with an exponent (a large integer) and finds each written exactly, in
// every format that carries them, and a breakdown of decimals summed.
func TestExactValues(t *testing.T) {
	s := testdb.New(t)
	if _, err := s.Load(context.Background(), []*dataset.Dataset{parseFile(t, "../dataset/testdata/decimals.yaml")}, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format string
		want   []string
	}{
		{"observations.csv", []string{",2030,0.3,persons,exact,reported,0.1,", ",2029,0.2,", ",2030,0.1,", ",2030,0.2,",
			",2030,2643000,calls,exact,reported,12.35,", ",2029,2642987.65,"}},
		{"sdmx.csv", []string{",2030,0.3,", ",2029,0.2,", ",2030,0.1,", ",2030,2643000,", ",2029,2642987.65,"}},
		{"sdmx.json", []string{"[0.3,", "[0.2,", "[0.1,", "[2643000,", "[2642987.65,"}},
		{"glotip.csv", []string{",Total,Total,Total,Total,2030,Counts,0.3,", ",Female,Total,2030,Counts,0.1,", ",Male,Total,2030,Counts,0.2,"}},
		{"sdg-16-2-2.csv", []string{",_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2030,0.3,", ",F,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2030,0.1,", ",M,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2030,0.2,"}},
		{"greta-coverage.csv", []string{"transnational (abroad),AZE,2030,available,0.3,exact,sum of stated figures,",
			"0.2 + 0.1 = 0.3, summed from the report's figures by country of exploitation and sex, which add up to its stated total of 0.3"}},
	}
	exponent := regexp.MustCompile(`[0-9][eE][+-]?[0-9]`)
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			out := string(exportBytes(t, s, tc.format, ""))
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in\n%s", w, out)
				}
			}
			if m := exponent.FindString(out); m != "" {
				t.Errorf("a value in exponent form: %q", m)
			}
		})
	}
}

// BenchmarkExports measures each format on the bundled dataset and the
// fixture (about 180 observations), database reads included.
func BenchmarkExports(b *testing.B) {
	s := loaded(b, populationFixture)
	for _, name := range export.FormatNames() {
		b.Run(name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(exportBytes(b, s, name, ""))
			}
			b.SetBytes(int64(n))
		})
	}
}

// TestSDMXExportsAgainstOfficialSchemas validates the SDMX-JSON exports with
// ajv against the official SDMX-JSON 2.0 schemas.
func TestSDMXExportsAgainstOfficialSchemas(t *testing.T) {
	s := loaded(t)
	for _, tc := range []struct{ format, query, kind string }{
		{"sdmx.json", "", sdmxtest.Data},
		{"sdmx.json", "indicator=victims_identified", sdmxtest.Data},
		{"structure.json", "", sdmxtest.Structure},
	} {
		t.Run(tc.format+"?"+tc.query, func(t *testing.T) {
			sdmxtest.ValidateJSON(t, exportBytes(t, s, tc.format, tc.query), tc.kind)
		})
	}
}
