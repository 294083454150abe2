package server_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"

	"indicators/internal/sdmx/sdmxtest"
)

const (
	structureJSON = "application/vnd.sdmx.structure+json;version=2.0.0"
	dataJSON      = "application/vnd.sdmx.data+json;version=2.0.0"
)

// TestSDMXLanguage: SDMX-JSON's single-language name fields, and the first
// of meta.contentLanguages, follow Accept-Language as GraphQL's labels do,
// while names keeps every language; the messages stay valid SDMX-JSON 2.0.
func TestSDMXLanguage(t *testing.T) {
	_, srv := bundledServer(t)
	tests := []struct {
		name, accept, served string
		country, area        string // TUR's and AZE's names
	}{
		{"Azerbaijani", "az", "az", "Türkiyə", "Azərbaycan"},
		{"Russian by region", "ru-RU,ru;q=0.9", "ru", "Турция", "Азербайджан"},
		{"English", "en", "en", "Türkiye", "Azerbaijan"},
		{"unoffered language gets English", "fr", "en", "Türkiye", "Azerbaijan"},
		{"no header", "", "en", "Türkiye", "Azerbaijan"},
	}
	type value struct {
		ID    string            `json:"id"`
		Name  string            `json:"name"`
		Names map[string]string `json:"names"`
	}
	type meta struct {
		ContentLanguages []string `json:"contentLanguages"`
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{"Accept": structureJSON}
			if tc.accept != "" {
				header["Accept-Language"] = tc.accept
			}
			var structure struct {
				Meta meta `json:"meta"`
				Data struct {
					Codelists []struct {
						Codes []value `json:"codes"`
					} `json:"codelists"`
				} `json:"data"`
			}
			r := getSDMXJSON(t, srv, "/codelist/AZ_MIA/CL_COUNTRY_OF_EXPLOITATION", header, sdmxtest.Structure, &structure)
			if len(structure.Data.Codelists) != 1 {
				t.Fatalf("%d code lists", len(structure.Data.Codelists))
			}
			codes := structure.Data.Codelists[0].Codes
			i := slices.IndexFunc(codes, func(v value) bool { return v.ID == "TUR" })
			if i < 0 {
				t.Fatal("no TUR in the code list")
			}
			if tur := codes[i]; tur.Name != tc.country || tur.Names["en"] != "Türkiye" || tur.Names["az"] != "Türkiyə" || tur.Names["ru"] != "Турция" {
				t.Errorf("TUR name %q, names %v; want %q and every language", tur.Name, tur.Names, tc.country)
			}
			checkLanguage(t, r, structure.Meta.ContentLanguages, tc.served)

			header["Accept"] = dataJSON
			var data struct {
				Meta meta `json:"meta"`
				Data struct {
					Structures []struct {
						Dimensions struct {
							Observation []struct {
								ID     string  `json:"id"`
								Values []value `json:"values"`
							} `json:"observation"`
						} `json:"dimensions"`
					} `json:"structures"`
				} `json:"data"`
			}
			r = getSDMXJSON(t, srv, "/data/TIP_INDICATORS/"+sdmxKey(t, map[string]string{"REF_AREA": "AZE", "INDICATOR": "victims_identified"}), header, sdmxtest.Data, &data)
			if len(data.Data.Structures) != 1 {
				t.Fatalf("%d structures", len(data.Data.Structures))
			}
			var area []value
			for _, d := range data.Data.Structures[0].Dimensions.Observation {
				if d.ID == "REF_AREA" {
					area = d.Values
				}
			}
			if len(area) != 1 || area[0].Name != tc.area || len(area[0].Names) != 3 {
				t.Errorf("REF_AREA values %v, want AZE named %q with names in three languages", area, tc.area)
			}
			checkLanguage(t, r, data.Meta.ContentLanguages, tc.served)
		})
	}
}

// getSDMXJSON gets an SDMX REST path as SDMX-JSON of the given kind, checks
// it is a valid message and decodes it into v.
func getSDMXJSON(t *testing.T, srv *httptest.Server, path string, header map[string]string, kind string, v any) response {
	t.Helper()
	r := get(t, srv, sdmxBase+path, header)
	if r.status != 200 {
		t.Fatalf("%s: status %d: %s", path, r.status, r.body)
	}
	sdmxtest.ValidateJSON(t, []byte(r.body), kind)
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// checkLanguage checks a response says it is in lang: Content-Language,
// the first content language, and Vary naming both negotiated headers.
func checkLanguage(t *testing.T, r response, contentLanguages []string, lang string) {
	t.Helper()
	if got := r.header.Get("Content-Language"); got != lang {
		t.Errorf("Content-Language %q, want %q", got, lang)
	}
	if len(contentLanguages) != 3 || contentLanguages[0] != lang {
		t.Errorf("contentLanguages %v, want %s first of az, en, ru", contentLanguages, lang)
	}
	if vary := r.header.Values("Vary"); !slices.Contains(vary, "Accept") || !slices.Contains(vary, "Accept-Language") {
		t.Errorf("Vary %q, want Accept and Accept-Language", vary)
	}
}

// TestSDMXMLLanguage: SDMX-ML names every language whatever the request
// asks, so it says no single Content-Language and its validator does not
// depend on Accept-Language.
func TestSDMXMLLanguage(t *testing.T) {
	_, srv := bundledServer(t)
	p := sdmxBase + "/codelist/AZ_MIA/CL_COUNTRY_OF_EXPLOITATION"
	az := get(t, srv, p, map[string]string{"Accept-Language": "az"})
	en := get(t, srv, p, map[string]string{"Accept-Language": "en"})
	if az.status != 200 || az.body != en.body || az.header.Get("ETag") != en.header.Get("ETag") {
		t.Errorf("SDMX-ML differs by language: status %d, ETags %s %s", az.status, az.header.Get("ETag"), en.header.Get("ETag"))
	}
	if got := az.header.Get("Content-Language"); got != "" {
		t.Errorf("SDMX-ML with every language has Content-Language %q", got)
	}
	if !slices.Contains(az.header.Values("Vary"), "Accept-Language") {
		t.Errorf("Vary %q lacks Accept-Language", az.header.Values("Vary"))
	}
}

// TestSDMXLanguageETag: each language's SDMX-JSON has its own validator,
// which revalidates only a copy in that language.
func TestSDMXLanguageETag(t *testing.T) {
	_, srv := bundledServer(t)
	p := sdmxBase + "/dataflow/AZ_MIA/TIP_INDICATORS?references=all"
	tags := map[string]string{}
	for _, lang := range []string{"az", "ru", "en"} {
		r := get(t, srv, p, map[string]string{"Accept": structureJSON, "Accept-Language": lang})
		if r.status != 200 || r.header.Get("ETag") == "" {
			t.Fatalf("%s: status %d, ETag %q", lang, r.status, r.header.Get("ETag"))
		}
		tags[lang] = r.header.Get("ETag")
		again := get(t, srv, p, map[string]string{"Accept": structureJSON, "Accept-Language": lang, "If-None-Match": tags[lang]})
		if again.status != 304 {
			t.Errorf("%s: revalidation status %d, want 304", lang, again.status)
		}
	}
	if tags["az"] == tags["ru"] || tags["az"] == tags["en"] || tags["ru"] == tags["en"] {
		t.Errorf("ETags per language %v are not distinct", tags)
	}
	for _, tc := range []struct{ name, lang, tag string }{
		{"Russian with the Azerbaijani tag", "ru", tags["az"]},
		{"French (English) with the Azerbaijani tag", "fr", tags["az"]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := get(t, srv, p, map[string]string{"Accept": structureJSON, "Accept-Language": tc.lang, "If-None-Match": tc.tag}); r.status != 200 {
				t.Errorf("status %d, want 200", r.status)
			}
		})
	}
	if r := get(t, srv, p, map[string]string{"Accept": structureJSON, "Accept-Language": "fr", "If-None-Match": tags["en"]}); r.status != 304 {
		t.Errorf("French (served English) with the English tag: status %d, want 304", r.status)
	}
}
