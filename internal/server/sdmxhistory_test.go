package server_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/sdmx/sdmxtest"
	"indicators/internal/server"
	"indicators/internal/testdb"
)

// historyDataSet is a data set of a GenericData message read back: its
// action, validity and observations ("KEY TIME=VALUE").
type historyDataSet struct {
	Action    string
	ValidFrom string
	Obs       []string
}

func historyDataSets(t *testing.T, body string) []historyDataSet {
	t.Helper()
	var msg struct {
		DataSets []struct {
			Action    string `xml:"action,attr"`
			ValidFrom string `xml:"validFromDate,attr"`
			Inner     []byte `xml:",innerxml"`
		} `xml:"DataSet"`
	}
	if err := xml.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatal(err)
	}
	var out []historyDataSet
	for _, ds := range msg.DataSets {
		// genericObs reads a message's one data set; this is one of several.
		obs := genericObs(t, "<m><DataSet>"+string(ds.Inner)+"</DataSet></m>")
		out = append(out, historyDataSet{Action: ds.Action, ValidFrom: ds.ValidFrom, Obs: obs})
	}
	return out
}

// TestSDMXHistory: includeHistory=true answers, for each revision that
// changed the selection, the observations it added or changed (Replace)
// and those it removed (Delete), valid from its load; replayed, they give
// the current data. Three revisions: a release; a newer one that restates
// every figure, changes the 2024 total (91 to 92) and adds a 2025 figure;
// its corrected file, which drops that figure and changes the women (90
// to 89).
func TestSDMXHistory(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t)
	newer := [][2]string{{"code: fixture-2024", "code: r-2025"}, {"reference_year: 2024", "reference_year: 2025"},
		{"period: 2024\n    value: 91\n    change: unchanged", "period: 2024\n    value: 92\n    change: \"+1\""}}
	added := [2]string{"ignored:", "  - indicator: hotline_calls\n    period: 2025\n    value: 11000\n    agency: MIA\n" +
		"    section: Criminal Prosecution and Work with Victims\n    quote: 11,000 calls\nignored:"}
	load(t, s, fixtureAs(t))
	load(t, s, fixtureAs(t, append(slices.Clone(newer), added)...))
	load(t, s, fixtureAs(t, append(slices.Clone(newer), [2]string{"value: 90\n", "value: 89\n"})...))
	revisions, err := s.Revisions(ctx)
	if err != nil || len(revisions) != 3 {
		t.Fatalf("revisions %v, %v", revisions, err)
	}
	srv := httptest.NewServer(server.New(server.Config{Store: s}))
	t.Cleanup(srv.Close)

	first := fixtureAs(t)
	dims := export.KeyDimensions(&first.CodeLists, []dataset.Release{first.Release})
	parts := make([]string, len(dims))
	parts[slices.Index(dims, "REF_AREA")], parts[slices.Index(dims, "INDICATOR")] = "AZE", "victims_identified+hotline_calls"
	key := strings.Join(parts, ".")
	urls := sdmxtest.URLs(t, "http://sdmx.test"+sdmxBase, []map[string]any{
		{"flow": "TIP_INDICATORS", "key": key, "history": true},
		{"flow": "TIP_INDICATORS", "key": key},
		{"flow": "TIP_INDICATORS", "key": key, "history": true, "obsDimension": "AllDimensions"},
	})
	r := get(t, srv, path(t, urls[0]), nil)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", urls[0], r.status, r.body)
	}
	sdmxtest.ValidateXML(t, []byte(r.body), nil)
	sets := historyDataSets(t, r.body)
	at := func(i int) string { return revisions[i].LoadedAt.UTC().Format(time.RFC3339) }
	var shape [][2]string
	for _, ds := range sets {
		shape = append(shape, [2]string{ds.Action, ds.ValidFrom})
	}
	if want := [][2]string{{"Replace", at(0)}, {"Replace", at(1)}, {"Replace", at(2)}, {"Delete", at(2)}}; !reflect.DeepEqual(shape, want) {
		t.Fatalf("data sets %v, want %v", shape, want)
	}
	has := func(obs []string, indicator, sex, period, value string) bool {
		return slices.ContainsFunc(obs, func(o string) bool {
			parts := strings.Split(strings.Fields(o)[0], ".")
			return parts[2] == indicator && parts[3] == sex && strings.HasSuffix(o, " "+period+"="+value)
		})
	}
	for _, tc := range []struct {
		name                          string
		set                           int
		indicator, sex, period, value string
		only                          bool
	}{
		{"the first release's total", 0, "victims_identified", "_T", "2024", "91", false},
		{"the newer total", 1, "victims_identified", "_T", "2024", "92", false},
		{"the added figure", 1, "hotline_calls", "_Z", "2025", "11000", false},
		{"the corrected women, alone changed", 2, "victims_identified", "F", "2024", "89", true},
		{"the dropped figure, deleted", 3, "hotline_calls", "_Z", "2025", "11000", true},
	} {
		obs := sets[tc.set].Obs
		if !has(obs, tc.indicator, tc.sex, tc.period, tc.value) || tc.only && len(obs) != 1 {
			t.Errorf("%s: data set %d holds %v", tc.name, tc.set, obs)
		}
	}

	// Replayed, the versions are the current data.
	replayed := map[string]string{}
	for _, ds := range sets {
		for _, o := range ds.Obs {
			cell, value, _ := strings.Cut(o, "=")
			if ds.Action == "Delete" {
				delete(replayed, cell)
			} else {
				replayed[cell] = value
			}
		}
	}
	current := get(t, srv, path(t, urls[1]), nil)
	want := map[string]string{}
	for _, o := range genericObs(t, current.body) {
		cell, value, _ := strings.Cut(o, "=")
		want[cell] = value
	}
	if !reflect.DeepEqual(replayed, want) {
		t.Errorf("replayed versions %v, current data %v", replayed, want)
	}

	t.Run("structure-specific, flat", func(t *testing.T) {
		schema := get(t, srv, sdmxBase+"/schema/dataflow/AZ_MIA/TIP_INDICATORS/1.0?dimensionAtObservation=AllDimensions", nil)
		r := get(t, srv, path(t, urls[2]), map[string]string{"Accept": "application/vnd.sdmx.structurespecificdata+xml;version=2.1"})
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		sdmxtest.ValidateXML(t, []byte(r.body), map[string][]byte{"dsd.xsd": []byte(schema.body)})
		if n := strings.Count(r.body, `ss:action="Delete"`); n != 1 || strings.Count(r.body, `ss:action="Replace"`) != 3 {
			t.Errorf("%d Delete data sets: %s", n, r.body)
		}
	})
	t.Run("SDMX-JSON", func(t *testing.T) {
		r := get(t, srv, path(t, urls[0]), map[string]string{"Accept": "application/vnd.sdmx.data+json;version=2.0.0"})
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		sdmxtest.ValidateJSON(t, []byte(r.body), sdmxtest.Data)
		var msg struct {
			Data struct {
				DataSets []struct {
					Action, ValidFrom string
					Observations      map[string]json.RawMessage
				}
			}
		}
		if err := json.Unmarshal([]byte(r.body), &msg); err != nil {
			t.Fatal(err)
		}
		var got [][2]string
		for i, ds := range msg.Data.DataSets {
			got = append(got, [2]string{ds.Action, ds.ValidFrom})
			if len(ds.Observations) != len(sets[i].Obs) {
				t.Errorf("data set %d holds %d observations, the GenericData one %d", i, len(ds.Observations), len(sets[i].Obs))
			}
		}
		if !reflect.DeepEqual(got, shape) {
			t.Errorf("data sets %v, want %v as in GenericData", got, shape)
		}
	})
	for _, tc := range []struct {
		name, query, accept string
		status, code        int
	}{
		{"in SDMX-CSV", "", "application/vnd.sdmx.data+csv;version=2.0.0", 501, 501},
		{"of nothing", "&startPeriod=2030", "", 404, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, path(t, urls[0])+tc.query, map[string]string{"Accept": tc.accept})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if code, _ := sdmxError(t, r.body); code != tc.code {
				t.Errorf("SDMX %d, want %d: %s", code, tc.code, r.body)
			}
		})
	}
}
