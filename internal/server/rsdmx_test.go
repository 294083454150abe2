package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/sdmx/sdmxtest"
)

// TestRSDMXReadsTheService points R's rsdmx (Debian r-cran-rsdmx) at the
// service through its SDMX 2.1 REST request builder, as a statistician
// would, and compares what it reads with the GraphQL API: the dataflow,
// the code lists, and the values of several keys and period ranges.
func TestRSDMXReadsTheService(t *testing.T) {
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		sdmxtest.SkipOrFail(t, "Rscript is not installed: apt-get install --no-install-recommends r-cran-rsdmx")
	}
	if err := exec.Command(rscript, "-e", "library(rsdmx)").Run(); err != nil {
		sdmxtest.SkipOrFail(t, "the rsdmx R package is not installed: apt-get install --no-install-recommends r-cran-rsdmx")
	}
	_, srv := bundledServer(t)
	key := func(codes map[string]string) string { return sdmxKey(t, codes) }
	queries := []struct {
		id, key, start, end string
		filter              map[string]any // the same selection as GraphQL's ObservationFilter
	}{
		{"victims 2023-2024", key(map[string]string{"REF_AREA": "AZE", "INDICATOR": "victims_identified"}), "2023", "2024",
			map[string]any{"indicators": []string{"victims_identified"}, "refAreas": []string{"AZE"}, "periodFrom": 2023, "periodTo": 2024}},
		{"victims by sex, any area and period", key(map[string]string{"INDICATOR": "victims_identified", "SEX": "F+M"}), "", "",
			map[string]any{"indicators": []string{"victims_identified"}, "members": []map[string]any{{"dimension": "SEX", "members": []string{"F", "M"}}}}},
		{"two indicators from 2024", key(map[string]string{"INDICATOR": "persons_trained+victims_assisted"}), "2024", "",
			map[string]any{"indicators": []string{"persons_trained", "victims_assisted"}, "periodFrom": 2024}},
		{"totals over age, up to 2023", key(map[string]string{"INDICATOR": "victims_identified+assistance_center_victims_assisted", "AGE": "_T"}), "", "2023",
			map[string]any{"indicators": []string{"victims_identified", "assistance_center_victims_assisted"}, "totalOver": []string{"AGE"}, "periodTo": 2023}},
	}
	dir := t.TempDir()
	var q bytes.Buffer
	cw := csv.NewWriter(&q)
	cw.Write([]string{"id", "key", "start", "end"})
	for _, qu := range queries {
		cw.Write([]string{qu.id, qu.key, qu.start, qu.end})
	}
	cw.Flush()
	queriesFile := filepath.Join(dir, "queries.csv")
	if err := os.WriteFile(queriesFile, q.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(rscript, filepath.Join("testdata", "rsdmx", "read.R"), srv.URL+"/sdmx/rest", queriesFile, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("rsdmx: %v\n%s", err, out)
	}

	flows := readCSVFile(t, filepath.Join(dir, "flows.csv"))
	if len(flows) != 1 || flows[0]["id"] != export.DataflowID || flows[0]["agencyID"] != export.AgencyID || flows[0]["dsdRef"] != export.DSDID {
		t.Errorf("rsdmx read the dataflows %v", flows)
	}

	codes := map[string][]string{}
	for _, r := range readCSVFile(t, filepath.Join(dir, "codes.csv")) {
		codes[r["codelist"]] = append(codes[r["codelist"]], r["code"])
	}
	var indicators struct {
		Indicators struct{ Nodes []struct{ Code string } } `json:"indicators"`
		Dimensions []struct {
			Code    string
			Members []struct{ Code string }
		} `json:"dimensions"`
	}
	graphQL(t, srv.URL, `{ indicators(first: 100) { nodes { code } } dimensions { code members { code } } }`, nil, &indicators)
	var want []string
	for _, i := range indicators.Indicators.Nodes {
		want = append(want, i.Code)
	}
	if got := codes["CL_INDICATOR"]; !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("CL_INDICATOR: rsdmx read %v, GraphQL has %v", got, want)
	}
	for _, d := range indicators.Dimensions {
		for _, m := range d.Members {
			if !slices.Contains(codes["CL_"+d.Code], m.Code) {
				t.Errorf("rsdmx read no code %s in CL_%s", m.Code, d.Code)
			}
		}
	}

	got := map[string][]string{}
	for _, r := range readCSVFile(t, filepath.Join(dir, "data.csv")) {
		got[r["query"]] = append(got[r["query"]], rsdmxRecord(t, r))
	}
	for _, qu := range queries {
		t.Run(qu.id, func(t *testing.T) {
			var page struct {
				Observations struct {
					Nodes []struct {
						Indicator   struct{ Code string }
						RefArea     struct{ Code string }
						Period      struct{ Start, End int }
						Value       json.Number
						Coordinates []struct {
							Dimension struct{ Code string }
							Member    struct{ Code string }
						}
					}
					PageInfo struct{ HasNextPage bool }
				} `json:"observations"`
			}
			graphQL(t, srv.URL, `query($f: ObservationFilter) { observations(filter: $f, first: 100) {
				nodes { indicator { code } refArea { code } period { start end } value coordinates { dimension { code } member { code } } }
				pageInfo { hasNextPage } } }`, map[string]any{"f": qu.filter}, &page)
			if page.Observations.PageInfo.HasNextPage {
				t.Fatal("the comparison wants one page of GraphQL observations")
			}
			var want []string
			for _, o := range page.Observations.Nodes {
				var coords []string
				for _, c := range o.Coordinates {
					coords = append(coords, c.Dimension.Code+"="+c.Member.Code)
				}
				want = append(want, record(o.Indicator.Code, o.RefArea.Code, o.Period.Start, o.Period.End, coords, string(o.Value)))
			}
			slices.Sort(want)
			have := slices.Sorted(slices.Values(got[qu.id]))
			if len(want) == 0 {
				t.Fatal("GraphQL has no observation: the query tests nothing")
			}
			if !slices.Equal(have, want) {
				t.Errorf("rsdmx read\n  %s\nGraphQL has\n  %s", strings.Join(have, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// record is an observation as both sides are compared: indicator, area,
// period, the members it is broken down by, the value as a number.
func record(indicator, area string, start, end int, coords []string, value string) string {
	slices.Sort(coords)
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return "bad value " + value
	}
	return fmt.Sprintf("%s %s %d-%d [%s] %g", indicator, area, start, end, strings.Join(coords, " "), v)
}

// rsdmxRecord reads one row of rsdmx's data frame: the key columns not
// coded as totals or not applicable are the coordinates; obsTime is an SDMX
// time period (2024, or 2005-01-01/P20Y for 2005-2024).
func rsdmxRecord(t *testing.T, r map[string]string) string {
	t.Helper()
	var coords []string
	for col, v := range r {
		switch col {
		case "query", "REF_AREA", "INDICATOR", "FREQ", "obsTime", "obsValue":
			continue
		}
		if strings.ToUpper(col) == col && v != "_T" && v != "_Z" && v != "NA" && !isAttribute(col) {
			coords = append(coords, col+"="+v)
		}
	}
	var start, end int
	if y, rng, ok := strings.Cut(r["obsTime"], "-01-01/P"); ok {
		start, _ = strconv.Atoi(y)
		n, _ := strconv.Atoi(strings.TrimSuffix(rng, "Y"))
		end = start + n - 1
	} else {
		start, _ = strconv.Atoi(r["obsTime"])
		end = start
	}
	return record(r["INDICATOR"], r["REF_AREA"], start, end, coords, r["obsValue"])
}

// isAttribute tells the DSD's attribute columns from its dimensions.
func isAttribute(col string) bool {
	bundled, _ := dataset.Bundled()
	return !slices.Contains(export.KeyDimensions(&bundled.CodeLists, []dataset.Release{bundled.Release}), col)
}

func readCSVFile(t *testing.T, name string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
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
	return rows
}

// graphQL posts a query and decodes its data into out.
func graphQL(t *testing.T, base, query string, vars map[string]any, out any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msg struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Errors) > 0 {
		t.Fatalf("GraphQL: %v", msg.Errors)
	}
	dec := json.NewDecoder(bytes.NewReader(msg.Data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		t.Fatal(err)
	}
}
