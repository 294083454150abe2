package server_test

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func load(t *testing.T, s *store.Store, sets ...*dataset.Dataset) {
	t.Helper()
	if _, err := s.Load(context.Background(), sets, false); err != nil {
		t.Fatal(err)
	}
}

// bundledServer serves a fresh database holding the bundled dataset.
func bundledServer(t *testing.T) (*store.Store, *httptest.Server) {
	t.Helper()
	s := testdb.New(t)
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	load(t, s, bundled)
	srv := httptest.NewServer(server.New(server.Config{Store: s}))
	t.Cleanup(srv.Close)
	return s, srv
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, srv *httptest.Server, path string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(body)}
}

func filename(t *testing.T, r response) string {
	t.Helper()
	_, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition"))
	if err != nil {
		t.Fatalf("Content-Disposition %q: %v", r.header.Get("Content-Disposition"), err)
	}
	return params["filename"]
}

func TestExportEveryFormat(t *testing.T) {
	_, srv := bundledServer(t)
	for _, name := range export.FormatNames() {
		t.Run(name, func(t *testing.T) {
			r := get(t, srv, "/export/"+name+"?release=az-2024", nil)
			if r.status != http.StatusOK || r.body == "" {
				t.Fatalf("status %d, %d bytes: %s", r.status, len(r.body), r.body)
			}
			if got, want := filename(t, r), "TIP_INDICATORS_az-2024_"+name; got != want {
				t.Errorf("filename %q, want %q", got, want)
			}
			if f, _ := export.Lookup(name); r.header.Get("Content-Type") != f.ContentType {
				t.Errorf("Content-Type %q, want %q", r.header.Get("Content-Type"), f.ContentType)
			}
		})
	}
	t.Run("structure, as the issue named it", func(t *testing.T) {
		alias, canonical := get(t, srv, "/export/structure", nil), get(t, srv, "/export/structure.json", nil)
		if alias.status != http.StatusOK || alias.body != canonical.body {
			t.Errorf("/export/structure: status %d, same body as structure.json: %v", alias.status, alias.body == canonical.body)
		}
	})
}

func TestExportConditionalGet(t *testing.T) {
	s, srv := bundledServer(t)

	const path = "/export/sdmx.csv?release=az-2024"
	first := get(t, srv, path, nil)
	tag := first.header.Get("ETag")
	if first.status != http.StatusOK || !strings.HasPrefix(tag, `"`) || !strings.HasPrefix(first.body, "DATAFLOW,") {
		t.Fatalf("first GET: status %d, ETag %q, body %.40q", first.status, tag, first.body)
	}
	if cc := first.header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}

	tests := []struct {
		name        string
		path        string
		ifNoneMatch string
		want        int
	}{
		{"same tag", path, tag, http.StatusNotModified},
		{"weak form of the tag", path, "W/" + tag, http.StatusNotModified},
		{"tag in a list", path, `"other", ` + tag, http.StatusNotModified},
		{"any", path, "*", http.StatusNotModified},
		{"other tag", path, `"other"`, http.StatusOK},
		{"other filter", "/export/sdmx.csv?release=az-2024&indicator=victims_identified", tag, http.StatusOK},
		{"other format", "/export/sdmx.json?release=az-2024", tag, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, tc.path, map[string]string{"If-None-Match": tc.ifNoneMatch})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d", r.status, tc.want)
			}
			if r.status == http.StatusNotModified && (r.body != "" || r.header.Get("ETag") != tag) {
				t.Errorf("304 with body %q and ETag %q", r.body, r.header.Get("ETag"))
			}
			if r.status == http.StatusOK && r.header.Get("ETag") == tag && tc.path != path {
				t.Errorf("a different export has the same ETag")
			}
		})
	}

	t.Run("same export, same bytes and tag", func(t *testing.T) {
		again := get(t, srv, path, nil)
		if again.header.Get("ETag") != tag || again.body != first.body {
			t.Errorf("second GET differs: ETag %q", again.header.Get("ETag"))
		}
	})

	t.Run("a load changes the tag", func(t *testing.T) {
		b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
		if err != nil {
			t.Fatal(err)
		}
		fixture, err := dataset.Parse("fixture.yaml", b)
		if err != nil {
			t.Fatal(err)
		}
		load(t, s, fixture)
		r := get(t, srv, path, map[string]string{"If-None-Match": tag})
		if r.status != http.StatusOK || r.header.Get("ETag") == tag {
			t.Fatalf("after a load: status %d, ETag %q (was %q)", r.status, r.header.Get("ETag"), tag)
		}
		all := get(t, srv, "/export/sdmx.csv", nil)
		if got, want := filename(t, all), "TIP_INDICATORS_az-2024+fixture-2024_sdmx.csv"; got != want {
			t.Errorf("unfiltered filename %q, want %q", got, want)
		}
	})
}

func TestExportErrors(t *testing.T) {
	srv := httptest.NewServer(server.New(server.Config{Store: testdb.New(t)}))
	defer srv.Close()
	tests := []struct {
		name string
		path string
		want int
	}{
		{"unknown format", "/export/sdmx.xml", http.StatusNotFound},
		{"unknown filter", "/export/sdmx.csv?indicatr=x", http.StatusBadRequest},
		{"bad year", "/export/glotip.csv?period=20x4", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := get(t, srv, tc.path, nil); r.status != tc.want {
				t.Errorf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
		})
	}
}
