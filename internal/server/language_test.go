package server_test

import (
	"encoding/csv"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/sdmx/sdmxtest"
	"indicators/internal/testdb"
)

// languageQuery reads labels of each kind: a data-file label with no
// translation (the indicator's), CLDR country names (a member, a reference
// area), one field in a language of its own.
const languageQuery = `{
  indicator(code: "victims_identified") { name unit { name } }
  dimension(code: "COUNTRY_OF_EXPLOITATION") { members { code name names { language text source } } }
  refAreas { code name ruName: name(lang: "ru") }
  agency(code: "MIA") { frName: name(lang: "fr") }
}`

type languageAnswer struct {
	Data struct {
		Indicator struct {
			Name string
			Unit struct{ Name string }
		}
		Dimension struct {
			Members []struct {
				Code, Name string
				Names      []struct{ Language, Text, Source string }
			}
		}
		RefAreas []struct{ Code, Name, RuName string }
	}
	Errors     []any
	Extensions struct {
		Language struct {
			Served   string
			FellBack []string
		}
	}
}

// TestGraphQLLanguage: Accept-Language picks the labels' language among az,
// en and ru, English otherwise; country names come from CLDR, every other
// label falls back to English (the bundled data file has English only) and
// the response lists those that did (also a field asked for in French);
// caches are told the answer varies.
func TestGraphQLLanguage(t *testing.T) {
	_, srv := bundledServer(t)
	tests := []struct {
		name, accept   string
		served         string
		country, area  string
		fellBack       []string
		countrySources string
	}{
		{"Azerbaijani", "az", "az", "Türkiyə", "Azərbaycan",
			[]string{"agency:MIA.name", "indicator:victims_identified.name", "unit:persons.name"}, "en:DATA_FILE az:CLDR ru:CLDR"},
		{"Russian, as a browser sends it", "ru-RU,ru;q=0.9,en;q=0.8", "ru", "Турция", "Азербайджан",
			[]string{"agency:MIA.name", "indicator:victims_identified.name", "unit:persons.name"}, "en:DATA_FILE az:CLDR ru:CLDR"},
		{"English", "en-GB", "en", "Türkiye", "Azerbaijan", []string{"agency:MIA.name"}, "en:DATA_FILE az:CLDR ru:CLDR"},
		{"unoffered language gets English", "fr", "en", "Türkiye", "Azerbaijan", []string{"agency:MIA.name"}, "en:DATA_FILE az:CLDR ru:CLDR"},
		{"no header", "", "en", "Türkiye", "Azerbaijan", []string{"agency:MIA.name"}, "en:DATA_FILE az:CLDR ru:CLDR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{}
			if tc.accept != "" {
				header["Accept-Language"] = tc.accept
			}
			r := post(t, srv, languageQuery, header)
			var a languageAnswer
			if err := json.Unmarshal([]byte(r.body), &a); err != nil || len(a.Errors) > 0 {
				t.Fatalf("answer %s (%v)", r.body, err)
			}
			if a.Extensions.Language.Served != tc.served || !slices.Equal(a.Extensions.Language.FellBack, tc.fellBack) {
				t.Errorf("extensions.language %+v, want served %s, fell back %q", a.Extensions.Language, tc.served, tc.fellBack)
			}
			if a.Data.Indicator.Name != "Victims of trafficking in persons identified" {
				t.Errorf("indicator name %q: a label without translation is English", a.Data.Indicator.Name)
			}
			m, area := a.Data.Dimension.Members[0], a.Data.RefAreas[0]
			if m.Code != "TUR" || m.Name != tc.country || area.Code != "AZE" || area.Name != tc.area {
				t.Errorf("country names %s=%q, %s=%q; want TUR=%q, AZE=%q", m.Code, m.Name, area.Code, area.Name, tc.country, tc.area)
			}
			if area.RuName != "Азербайджан" {
				t.Errorf("name(lang: ru) = %q", area.RuName)
			}
			var sources []string
			for _, n := range m.Names {
				sources = append(sources, n.Language+":"+n.Source)
			}
			if got := strings.Join(sources, " "); got != tc.countrySources {
				t.Errorf("names of TUR from %s, want %s", got, tc.countrySources)
			}
			if !slices.Contains(r.header.Values("Vary"), "Accept-Language") {
				t.Errorf("Vary %q lacks Accept-Language", r.header.Values("Vary"))
			}
		})
	}
}

// TestGraphQLLanguageETag: a GET answer in another language has another
// validator, so a cache never serves Azerbaijani to a Russian reader.
func TestGraphQLLanguageETag(t *testing.T) {
	_, srv := bundledServer(t)
	path := "/graphql?query=" + url.QueryEscape(languageQuery)
	tags := map[string]string{}
	for _, lang := range []string{"az", "ru", "en"} {
		r := get(t, srv, path, map[string]string{"Accept-Language": lang})
		if r.status != 200 || r.header.Get("ETag") == "" {
			t.Fatalf("%s: status %d, ETag %q", lang, r.status, r.header.Get("ETag"))
		}
		tags[lang] = r.header.Get("ETag")
		again := get(t, srv, path, map[string]string{"Accept-Language": lang, "If-None-Match": tags[lang]})
		if again.status != 304 {
			t.Errorf("%s: revalidation status %d, want 304", lang, again.status)
		}
	}
	if tags["az"] == tags["ru"] || tags["az"] == tags["en"] || tags["ru"] == tags["en"] {
		t.Errorf("ETags per language %v are not distinct", tags)
	}
	if r := get(t, srv, path, map[string]string{"Accept-Language": "ru", "If-None-Match": tags["az"]}); r.status != 200 {
		t.Errorf("Russian request with the Azerbaijani ETag: status %d, want 200", r.status)
	}
}

// TestGraphQLLanguageArgument: a lang argument that is not a language tag is
// the client's mistake.
func TestGraphQLLanguageArgument(t *testing.T) {
	_, srv := bundledServer(t)
	r := post(t, srv, `{ refAreas { name(lang: "not a tag!") } }`, nil)
	if !strings.Contains(r.body, `"code":"BAD_USER_INPUT"`) {
		t.Errorf("answer %s, want a BAD_USER_INPUT error", r.body)
	}
}

// labelledServer serves the fixture with a few labels in Azerbaijani: test
// text, not a translation anyone compiled.
func labelledServer(t *testing.T) *httptest.Server {
	t.Helper()
	b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "- {code: F, name: Female}", "- {code: F, name: {en: Female, az: test-az Female}}", 1)
	text = strings.Replace(text, "short_name: Ministry of Internal Affairs\n", "short_name: {en: Ministry of Internal Affairs, az: test-az MIA}\n", 1)
	text = strings.Replace(text, "name: Victims of trafficking in persons identified\n", "name: {en: Victims of trafficking in persons identified, az: test-az Victims}\n", 1)
	text = strings.Replace(text, "  - code: SEX\n    name: Sex\n", "  - code: SEX\n    name: {en: Sex, az: test-az Sex}\n", 1)
	ds, err := dataset.Parse("fixture.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	s := testdb.New(t)
	load(t, s, ds)
	return newServer(t, s)
}

// TestGraphQLDataFileLabels: a translation the data file gives is served as
// the file's, in the request's language, and its English neighbours are
// listed as fallen back.
func TestGraphQLDataFileLabels(t *testing.T) {
	srv := labelledServer(t)
	r := post(t, srv, `{ dimension(code: "SEX") { members { code name names { language text source } } }
		agency(code: "MIA") { shortName ru: shortName(lang: "ru") } }`, map[string]string{"Accept-Language": "az"})
	var a struct {
		Data struct {
			Dimension struct {
				Members []struct {
					Code, Name string
					Names      []struct{ Language, Text, Source string }
				}
			}
			Agency struct{ ShortName, Ru string }
		}
		Extensions struct{ Language struct{ FellBack []string } }
	}
	if err := json.Unmarshal([]byte(r.body), &a); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range a.Data.Dimension.Members {
		got = append(got, m.Code+"="+m.Name)
		for _, n := range m.Names {
			got = append(got, n.Language+":"+n.Text+":"+n.Source)
		}
	}
	want := []string{"F=test-az Female", "en:Female:DATA_FILE", "az:test-az Female:DATA_FILE", "M=Male", "en:Male:DATA_FILE"}
	if !slices.Equal(got, want) {
		t.Errorf("members %q, want %q", got, want)
	}
	if ag := a.Data.Agency; ag.ShortName != "test-az MIA" || ag.Ru != "Ministry of Internal Affairs" {
		t.Errorf("MIA short names %+v", ag)
	}
	if fb := a.Extensions.Language.FellBack; !slices.Equal(fb, []string{"agency:MIA.shortName", "member:SEX=M.name"}) {
		t.Errorf("fell back %q, want SEX=M's name and MIA's short name in Russian", fb)
	}
}

// TestExportLang: observations.csv takes lang=, writes indicator_name in it
// where the data file has a translation and says which language each name is
// in; without lang= the file keeps its usual columns.
func TestExportLang(t *testing.T) {
	srv := labelledServer(t)
	tests := []struct {
		name, query string
		status      int
		header      string
		rows        []string // indicator, name, language of the name
	}{
		{"Azerbaijani", "lang=az", 200, "indicator,indicator_name,indicator_name_lang",
			[]string{"hotline_calls,Calls to the 152 hotline,en", "victims_identified,test-az Victims,az"}},
		{"English asked for", "lang=en", 200, "indicator,indicator_name,indicator_name_lang",
			[]string{"hotline_calls,Calls to the 152 hotline,en", "victims_identified,Victims of trafficking in persons identified,en"}},
		{"unoffered language", "lang=fr", 200, "indicator,indicator_name,indicator_name_lang",
			[]string{"hotline_calls,Calls to the 152 hotline,en", "victims_identified,Victims of trafficking in persons identified,en"}},
		{"no lang: the usual columns", "", 200, "indicator,indicator_name,ref_area", nil},
		{"not a language tag", "lang=az!", 400, "", nil},
		{"given twice", "lang=az&lang=ru", 400, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, "/export/observations.csv?"+tc.query, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status != 200 {
				return
			}
			rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows[0][:3], ","); got != tc.header {
				t.Errorf("header starts %s, want %s", got, tc.header)
			}
			if tc.rows == nil {
				return
			}
			var got []string
			for _, row := range rows[1:] {
				if k := strings.Join(row[:3], ","); !slices.Contains(got, k) {
					got = append(got, k)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.rows) {
				t.Errorf("names %q, want %q", got, tc.rows)
			}
		})
	}
	if r := get(t, srv, "/export/sdmx.csv?lang=az", nil); r.status != 400 || !strings.Contains(r.body, "writes no labels in one language") {
		t.Errorf("sdmx.csv?lang=az: %d %s, want 400", r.status, r.body)
	}
}

// TestSDMXJSONComponentNames: a breakdown dimension the data file names in
// Azerbaijani is named so in SDMX-JSON data messages (name in the language
// served, names in every language) and in the concept scheme, as its codes
// are.
func TestSDMXJSONComponentNames(t *testing.T) {
	srv := labelledServer(t)
	tests := []struct {
		name, accept, sex string
	}{
		{"Azerbaijani", "az", "test-az Sex"},
		{"Russian: no label, English", "ru", "Sex"},
		{"English", "en", "Sex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{"Accept": dataJSON, "Accept-Language": tc.accept}
			var data struct {
				Data struct {
					Structures []struct {
						Dimensions struct {
							Observation []sdmxComponent `json:"observation"`
						} `json:"dimensions"`
					} `json:"structures"`
				} `json:"data"`
			}
			getSDMXJSON(t, srv, "/data/TIP_INDICATORS/all", header, sdmxtest.Data, &data)
			if len(data.Data.Structures) != 1 {
				t.Fatalf("%d structures", len(data.Data.Structures))
			}
			dims := map[string]sdmxComponent{}
			for _, d := range data.Data.Structures[0].Dimensions.Observation {
				dims[d.ID] = d
			}
			checkComponentNames(t, dims, tc.sex, nil)

			header["Accept"] = structureJSON
			var structure struct {
				Data struct {
					ConceptSchemes []struct {
						Concepts []sdmxComponent `json:"concepts"`
					} `json:"conceptSchemes"`
				} `json:"data"`
			}
			getSDMXJSON(t, srv, "/conceptscheme/AZ_MIA/CS_TIP_INDICATORS", header, sdmxtest.Structure, &structure)
			if len(structure.Data.ConceptSchemes) != 1 {
				t.Fatalf("%d concept schemes", len(structure.Data.ConceptSchemes))
			}
			concepts := map[string]sdmxComponent{}
			for _, c := range structure.Data.ConceptSchemes[0].Concepts {
				concepts[c.ID] = c
			}
			checkComponentNames(t, concepts, tc.sex, map[string]string{"en": "Reference area"})
		})
	}
}

// sdmxComponent is an SDMX-JSON component or concept, as far as its names.
type sdmxComponent struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Names map[string]string `json:"names"`
}

// checkComponentNames checks SEX's name and names, and REF_AREA's (named by
// the DSD, in English only): refArea is its names map, none in a data
// message, which grows only by translations.
func checkComponentNames(t *testing.T, byID map[string]sdmxComponent, sex string, refArea map[string]string) {
	t.Helper()
	if s := byID["SEX"]; s.Name != sex || !maps.Equal(s.Names, map[string]string{"en": "Sex", "az": "test-az Sex"}) {
		t.Errorf("SEX named %q, names %v; want %q and both languages", s.Name, s.Names, sex)
	}
	if a, ok := byID["REF_AREA"]; !ok || a.Name != "Reference area" || !maps.Equal(a.Names, refArea) {
		t.Errorf("REF_AREA %+v, want English only, names %v", a, refArea)
	}
}
