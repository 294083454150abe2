package server_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"indicators/internal/dataset"
)

// sumsDataset is the dataset package's sums.yaml (an equation only by its
// sum relation across indicators), its observations in the file or in an
// observations file beside it (sums-split.yaml, sums.csv), with or without
// its relation.
func sumsDataset(t *testing.T, streamed, relation bool) *dataset.Dataset {
	t.Helper()
	dir := t.TempDir()
	files := []string{"sums.yaml"}
	if streamed {
		files = []string{"sums-split.yaml", "sums.csv"}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("../dataset/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if i := strings.Index(text, "relations:\n"); i >= 0 && !relation {
			text = text[:i]
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	name := filepath.Join(dir, files[0])
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.HashObservationsFile(); err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestSmallCellsSumRelation: serve forms equations from the sum relations
// its database stores, as `check --suppress-below` does from the files. The
// 3 exploited in the country is a small cell; with the relation stored
// (from a YAML file or beside an observations file) the 17 abroad is its
// complement for an anonymous client, in GraphQL and the exports alike,
// and the 20 stays. Without the relation the 17 is published, which is what
// an under-protecting serve would do with a relation it did not read: the
// first two cases fail then. A partner reads every value.
func TestSmallCellsSumRelation(t *testing.T) {
	const query = `{ observations(filter: {periods: ["2024"]}) { nodes { indicator { code } value suppression { reason } source { quote } } } }`
	tests := []struct {
		name               string
		streamed, relation bool
		want               map[string]string // indicator → value, or the reason it is suppressed
	}{
		{"relation stored from a YAML file", false, true,
			map[string]string{"victims_identified": "20", "victims_exploited_domestically": "SMALL_CELL", "victims_exploited_abroad": "COMPLEMENT"}},
		{"relation stored beside an observations file", true, true,
			map[string]string{"victims_identified": "20", "victims_exploited_domestically": "SMALL_CELL", "victims_exploited_abroad": "COMPLEMENT"}},
		{"no relation: nothing joins the three", false, false,
			map[string]string{"victims_identified": "20", "victims_exploited_domestically": "SMALL_CELL", "victims_exploited_abroad": "17"}},
	}
	partnerWant := map[string]string{"victims_identified": "20", "victims_exploited_domestically": "3", "victims_exploited_abroad": "17"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, srv, partner := smallCellServerOf(t, sumsDataset(t, tc.streamed, tc.relation))
			for _, viewer := range []struct {
				name   string
				header map[string]string
				want   map[string]string
			}{{"anonymous", nil, tc.want}, {"partner", partner, partnerWant}} {
				_, data := graphQLData(t, srv, query, viewer.header)
				got := map[string]string{}
				for _, n := range data.(map[string]any)["observations"].(map[string]any)["nodes"].([]any) {
					n := n.(map[string]any)
					code := n["indicator"].(map[string]any)["code"].(string)
					switch {
					case n["value"] != nil:
						got[code] = fmt.Sprint(n["value"])
					case n["suppression"] != nil:
						got[code] = n["suppression"].(map[string]any)["reason"].(string)
					}
					if n["value"] == nil && n["source"].(map[string]any)["quote"] != nil {
						t.Errorf("GraphQL, %s: %s is suppressed and its quote %v is not", viewer.name, code, n["source"])
					}
				}
				if !maps.Equal(got, viewer.want) {
					t.Errorf("GraphQL, %s: %v, want %v", viewer.name, got, viewer.want)
				}

				r := get(t, srv, "/export/observations.csv", viewer.header)
				rows, col := csvTable(t, "observations.csv", r.body, 3)
				got = map[string]string{}
				for _, row := range rows[1:] {
					v := row[col["value"]]
					if v == "" {
						v, _, _ = strings.Cut(row[col["note"]], ":")
					}
					got[row[col["indicator"]]] = v
				}
				if !maps.Equal(got, viewer.want) {
					t.Errorf("observations.csv, %s: %v, want %v", viewer.name, got, viewer.want)
				}

				// SDMX-CSV: a suppressed value is empty with OBS_STATUS Q (the
				// reason is in OBS_NOTE).
				r = get(t, srv, "/export/sdmx.csv", viewer.header)
				rows, col = csvTable(t, "sdmx.csv", r.body, 3)
				got, want := map[string]string{}, map[string]string{}
				for _, row := range rows[1:] {
					got[row[col["INDICATOR"]]] = row[col["OBS_VALUE"]] + "," + row[col["OBS_STATUS"]]
				}
				for code, v := range viewer.want {
					if want[code] = v + ",A"; v == "SMALL_CELL" || v == "COMPLEMENT" {
						want[code] = ",Q"
					}
				}
				if !maps.Equal(got, want) {
					t.Errorf("sdmx.csv, %s: %v, want %v", viewer.name, got, want)
				}
			}
		})
	}
}
