package export_test

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/currency"
)

// The global structures in testdata/global-structures (see its README for
// where each comes from).
const (
	globalSDGDSD      = "testdata/global-structures/SDG_DSD-1.14.xml.gz"
	globalConfStatus  = "testdata/global-structures/SDMX_CL_CONF_STATUS-1.2.csv"
	sdgIndicator16_22 = "[16.2.2]" // how CL_SERIES names end for the series of indicator 16.2.2
)

// globalComponent is a dimension, attribute or measure of an SDMX-ML 2.1
// data structure.
type globalComponent struct {
	ID         string `xml:"id,attr"`
	Assignment string `xml:"assignmentStatus,attr"`
	Codelist   struct {
		Agency  string `xml:"agencyID,attr"`
		ID      string `xml:"id,attr"`
		Version string `xml:"version,attr"`
	} `xml:"LocalRepresentation>Enumeration>Ref"`
	TextFormat struct {
		Type string `xml:"textType,attr"`
	} `xml:"LocalRepresentation>TextFormat"`
}

// globalStructures is the part of an SDMX-ML 2.1 structure message the
// checks read: the data structure's components and the code lists, each
// code with its English name, keyed "AGENCY:ID(VERSION)".
type globalStructures struct {
	Agency     string
	ID         string
	Dimensions []globalComponent // in key order; TIME_PERIOD last
	Measure    globalComponent
	Attributes []globalComponent
	Codelists  map[string]map[string]string
}

func readGlobalDSD(t *testing.T) globalStructures {
	t.Helper()
	f, err := os.Open(globalSDGDSD)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	type name struct {
		Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Text string `xml:",chardata"`
	}
	var msg struct {
		Codelists []struct {
			Agency  string `xml:"agencyID,attr"`
			ID      string `xml:"id,attr"`
			Version string `xml:"version,attr"`
			Codes   []struct {
				ID    string `xml:"id,attr"`
				Names []name `xml:"Name"`
			} `xml:"Code"`
		} `xml:"Structures>Codelists>Codelist"`
		DSDs []struct {
			Agency     string            `xml:"agencyID,attr"`
			ID         string            `xml:"id,attr"`
			Dimensions []globalComponent `xml:"DataStructureComponents>DimensionList>Dimension"`
			Time       globalComponent   `xml:"DataStructureComponents>DimensionList>TimeDimension"`
			Attributes []globalComponent `xml:"DataStructureComponents>AttributeList>Attribute"`
			Measure    globalComponent   `xml:"DataStructureComponents>MeasureList>PrimaryMeasure"`
		} `xml:"Structures>DataStructures>DataStructure"`
	}
	if err := xml.NewDecoder(zr).Decode(&msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.DSDs) != 1 {
		t.Fatalf("%d data structures in %s", len(msg.DSDs), globalSDGDSD)
	}
	d := msg.DSDs[0]
	g := globalStructures{Agency: d.Agency, ID: d.ID, Dimensions: append(d.Dimensions, d.Time), Measure: d.Measure,
		Attributes: d.Attributes, Codelists: map[string]map[string]string{}}
	for _, cl := range msg.Codelists {
		codes := map[string]string{}
		for _, c := range cl.Codes {
			for _, n := range c.Names {
				if n.Lang == "en" {
					codes[c.ID] = n.Text
				}
			}
		}
		g.Codelists[cl.Agency+":"+cl.ID+"("+cl.Version+")"] = codes
	}
	return g
}

// codes returns the code list a component is coded by, nil when it is free.
func (g globalStructures) codes(t *testing.T, c globalComponent) map[string]string {
	t.Helper()
	if c.Codelist.ID == "" {
		return nil
	}
	ref := c.Codelist.Agency + ":" + c.Codelist.ID + "(" + c.Codelist.Version + ")"
	codes, ok := g.Codelists[ref]
	if !ok {
		t.Fatalf("%s's code list %s is not in the message", c.ID, ref)
	}
	return codes
}

var (
	sdgYear     = regexp.MustCompile(`^\d{4}$`)
	sdmxTextFmt = map[string]func(string) bool{
		"Double":   func(v string) bool { _, err := strconv.ParseFloat(v, 64); return err == nil },
		"DateTime": func(v string) bool { _, err := time.Parse("2006-01-02T15:04:05", v); return err == nil },
	}
)

// TestSDGFileAgainstGlobalDSD reads sdg-16-2-2.csv as an SDMX tool reads
// SDMX-CSV of the global SDG data structure: every column a component of
// the DSD in its role and order (DATAFLOW, the dimensions in key order,
// TIME_PERIOD, OBS_VALUE, the attributes), every coded value in the code
// list the DSD names for it, every mandatory attribute filled, every typed
// value of its type, and every series one of indicator 16.2.2.
func TestSDGFileAgainstGlobalDSD(t *testing.T) {
	g := readGlobalDSD(t)
	var want []string
	for _, c := range g.Dimensions {
		want = append(want, c.ID)
	}
	want = append([]string{"DATAFLOW"}, append(want, g.Measure.ID)...)
	for _, c := range g.Attributes {
		want = append(want, c.ID)
	}
	components := append(append(slices.Clone(g.Dimensions), g.Measure), g.Attributes...)

	tests := []struct {
		name  string
		files []string
	}{
		{"counts", nil},
		{"counts and rates", []string{populationFixture}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header, rows := readCSV(t, exportBytes(t, loaded(t, tc.files...), "sdg-16-2-2.csv", ""))
			if !slices.Equal(header, want) {
				t.Fatalf("header\n%v\nwant the DSD's components\n%v", header, want)
			}
			if len(rows) == 0 {
				t.Fatal("no rows")
			}
			for i, r := range rows {
				if !strings.HasPrefix(r["DATAFLOW"], g.Agency+":DF_SDG_GLH(") {
					t.Errorf("row %d: DATAFLOW %q is not the global dataflow", i, r["DATAFLOW"])
				}
				for _, c := range components {
					v := r[c.ID]
					switch codes := g.codes(t, c); {
					case v == "":
						// Dimensions have no assignment status; each is in the key.
						if c.Assignment == "Mandatory" || slices.ContainsFunc(g.Dimensions, func(d globalComponent) bool { return d.ID == c.ID }) {
							t.Errorf("row %d: %s is empty", i, c.ID)
						}
					case codes != nil:
						if _, ok := codes[v]; !ok {
							t.Errorf("row %d: %s %q is not in %s(%s)", i, c.ID, v, c.Codelist.ID, c.Codelist.Version)
						}
					case c.ID == "TIME_PERIOD":
						if !sdgYear.MatchString(v) {
							t.Errorf("row %d: TIME_PERIOD %q", i, v)
						}
					case sdmxTextFmt[c.TextFormat.Type] != nil:
						if !sdmxTextFmt[c.TextFormat.Type](v) {
							t.Errorf("row %d: %s %q is not a %s", i, c.ID, v, c.TextFormat.Type)
						}
					}
				}
				series := g.codes(t, g.Dimensions[slices.IndexFunc(g.Dimensions, func(d globalComponent) bool { return d.ID == "SERIES" })])
				if name := series[r["SERIES"]]; !strings.HasSuffix(name, sdgIndicator16_22) {
					t.Errorf("row %d: series %s (%q) is not one of indicator 16.2.2", i, r["SERIES"], name)
				}
			}
		})
	}
}

// TestSDMXCodeListsAgainstGlobal checks the code lists the SDMX structure
// borrows from the global ones: each code of ours is in the global list,
// under the global list's English name. Units are the SDG unit list's codes
// or ISO 4217 currencies.
func TestSDMXCodeListsAgainstGlobal(t *testing.T) {
	g := readGlobalDSD(t)
	conf := readCodeCSV(t, globalConfStatus)
	var msg struct {
		Data struct {
			Codelists []struct {
				ID    string
				Codes []struct{ ID, Name string }
			}
		}
	}
	if err := json.Unmarshal(exportBytes(t, loaded(t), "structure.json", ""), &msg); err != nil {
		t.Fatal(err)
	}
	global := map[string]map[string]string{
		"CL_FREQ":         g.Codelists["SDMX:CL_FREQ(2.0)"],
		"CL_OBS_STATUS":   g.Codelists["SDMX:CL_OBS_STATUS(2.1)"],
		"CL_UNIT_MULT":    g.Codelists["SDMX:CL_UNIT_MULT(1.1)"],
		"CL_CONF_STATUS":  conf,
		"CL_UNIT_MEASURE": g.Codelists["IAEG-SDGs:CL_UNIT_MEASURE(1.8)"],
	}
	checked := map[string]bool{}
	for _, cl := range msg.Data.Codelists {
		want, ok := global[cl.ID]
		if !ok {
			continue
		}
		if len(want) == 0 {
			t.Fatalf("no global %s read", cl.ID)
		}
		checked[cl.ID] = true
		for _, c := range cl.Codes {
			name, ok := want[c.ID]
			if !ok && cl.ID == "CL_UNIT_MEASURE" {
				if _, err := currency.ParseISO(c.ID); err == nil {
					continue
				}
			}
			if !ok {
				t.Errorf("%s: %s is not a code of the global list", cl.ID, c.ID)
			} else if c.Name != name {
				t.Errorf("%s: %s is named %q, the global list names it %q", cl.ID, c.ID, c.Name, name)
			}
		}
	}
	for id := range global {
		if !checked[id] {
			t.Errorf("the structure has no %s", id)
		}
	}
}

// readCodeCSV reads an id,name code list.
func readCodeCSV(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, r := range records[1:] {
		codes[r[0]] = r[1]
	}
	return codes
}

// unodcGLOTIPRows is what UNODC's GLOTIP data file, data_glotip.xlsx, says
// of each country the dataset covers: its Iso3_code, Country, Region and
// Subregion columns, the same in every row of the country. Read in the
// file's edition of 14/04/2025 (see testdata/global-structures/README.md:
// where it was read, its sha256, and why it is not committed here).
var unodcGLOTIPRows = map[string]struct{ country, region, subregion string }{
	"AZE": {"Azerbaijan", "Asia", "Western Asia"},
}

// TestGLOTIPAgainstUNODCDataFile holds glotip.csv's country, region and
// subregion columns to UNODC's data file, whose layout the export copies:
// every row's iso3 must be a country read there, with its name, region and
// subregion as the file gives them.
func TestGLOTIPAgainstUNODCDataFile(t *testing.T) {
	_, rows := readCSV(t, exportBytes(t, loaded(t), "glotip.csv", ""))
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	seen := map[string]bool{}
	for i, r := range rows {
		want, ok := unodcGLOTIPRows[r["iso3"]]
		if !ok {
			t.Errorf("row %d: %s is not a country read in UNODC's data file", i, r["iso3"])
			continue
		}
		seen[r["iso3"]] = true
		for _, c := range []struct{ column, got, want string }{
			{"country", r["country"], want.country},
			{"region", r["region"], want.region},
			{"subregion", r["subregion"], want.subregion},
		} {
			if c.got != c.want {
				t.Errorf("row %d (%s): %s %q, UNODC's data file has %q", i, r["iso3"], c.column, c.got, c.want)
			}
		}
	}
	if !seen["AZE"] {
		t.Error("no AZE rows")
	}
}

// globalRegistrySDGDataflow is the global SDG dataflow as the SDMX Global
// Registry defines it (its export of every dataflow, prepared 2020-07-30;
// see testdata/global-structures/README.md). The registry's version then
// was 1.0; the version UN data serves now is not in any definition found,
// so the version is not checked.
var globalRegistrySDGDataflow = struct{ agency, id, name, structure string }{
	agency:    "IAEG-SDGs",
	id:        "DF_SDG_GLH",
	name:      "SDG Harmonized Global Dataflow",
	structure: "IAEG-SDGs:SDG",
}

var sdmxCSVDataflow = regexp.MustCompile(`^([A-Za-z0-9_.@-]+):([A-Za-z0-9_@-]+)\(([0-9.]+)\)$`)

// TestSDGDataflowAgainstGlobalRegistry checks the DATAFLOW column of
// sdg-16-2-2.csv against the dataflow's definition: the agency and id are
// the registry's, and the data structure the dataflow is defined over is
// the one the file is read against in TestSDGFileAgainstGlobalDSD.
func TestSDGDataflowAgainstGlobalRegistry(t *testing.T) {
	g := readGlobalDSD(t)
	want := globalRegistrySDGDataflow
	if got := g.Agency + ":" + g.ID; got != want.structure {
		t.Fatalf("the DSD read is %s; the dataflow is defined over %s", got, want.structure)
	}
	_, rows := readCSV(t, exportBytes(t, loaded(t), "sdg-16-2-2.csv", ""))
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	for i, r := range rows {
		m := sdmxCSVDataflow.FindStringSubmatch(r["DATAFLOW"])
		if m == nil {
			t.Errorf("row %d: DATAFLOW %q is not AGENCY:ID(VERSION)", i, r["DATAFLOW"])
			continue
		}
		if m[1] != want.agency || m[2] != want.id {
			t.Errorf("row %d: DATAFLOW %q; the global SDG dataflow is %s:%s (%s)", i, r["DATAFLOW"], want.agency, want.id, want.name)
		}
	}
}
