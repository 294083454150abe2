package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func load(t testing.TB, s *store.Store, sets ...*dataset.Dataset) {
	t.Helper()
	if _, err := s.Load(context.Background(), sets, false); err != nil {
		t.Fatal(err)
	}
}

// fixture is the test data file, release fixture-2024.
func fixture(t *testing.T) *dataset.Dataset {
	t.Helper()
	return fixtureAs(t)
}

// fixtureAs is the test data file with edits, each its first occurrence of
// a text replaced, as the revision tests make their releases.
func fixtureAs(t *testing.T, edits ...[2]string) *dataset.Dataset {
	t.Helper()
	b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, e := range edits {
		if !strings.Contains(text, e[0]) {
			t.Fatalf("the fixture has no %q", e[0])
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	ds, err := dataset.Parse("fixture.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// bundledServer serves a fresh database holding the bundled dataset.
func bundledServer(t testing.TB) (*store.Store, *httptest.Server) {
	t.Helper()
	s := testdb.New(t)
	bundled, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	load(t, s, bundled)
	// Fuzzing sends thousands of exports from one client: the rate limit
	// is tested on its own (ratelimit_test.go).
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: unlimited}))
	t.Cleanup(srv.Close)
	return s, srv
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t testing.TB, srv *httptest.Server, path string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, srv, req, header)
}

// send sends req with the given headers and reads the whole response.
func send(t testing.TB, srv *httptest.Server, req *http.Request, header map[string]string) response {
	t.Helper()
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(t, resp)
}

// readResponse reads and closes resp's body.
func readResponse(t testing.TB, resp *http.Response) response {
	t.Helper()
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

// TestExportRecencyFilters: exact periods, period length and the most
// recent N periods of each series, as export parameters over HTTP.
func TestExportRecencyFilters(t *testing.T) {
	_, srv := bundledServer(t)
	tests := []struct{ name, query, want string }{
		{"the cumulative figure alone", "indicators=victims_identified&periods=2005-2024", "2005-2024=1441"},
		{"two exact periods", "indicators=traffickers_prosecuted,hotline_calls&periods=2005-2024,2023", "2023=9626 2005-2024=650"},
		{"yearly", "indicators=traffickers_prosecuted,hotline_calls&periodLength=1", "2023=9626 2024=10254"},
		{"the latest period of each series", "indicators=traffickers_prosecuted,hotline_calls&lastN=1", "2024=10254 2005-2024=650"},
		{"the latest yearly total", "indicators=victims_identified&exactlyBy=&periodLength=1&lastN=1", "2024=91"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, "/export/observations.csv?"+tc.query, nil)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, name := range rows[0] {
				col[name] = i
			}
			var got []string
			for _, row := range rows[1:] {
				got = append(got, row[col["period"]]+"="+row[col["value"]])
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("rows %s, want %s", g, tc.want)
			}
		})
	}
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
	if cc := first.header.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control %q, want public, no-cache", cc)
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
		load(t, s, fixture(t))
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

// errorOf decodes the error shape of the non-GraphQL endpoints, failing the
// test when the body has any other.
func errorOf(t testing.TB, r response) (code, message string) {
	t.Helper()
	var body struct {
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || len(body.Errors) != 1 {
		t.Fatalf("body %q is not one error: %v", r.body, err)
	}
	return body.Errors[0].Extensions.Code, body.Errors[0].Message
}

// TestEndpointErrors: every error outside GraphQL is one coded JSON error
// whose status follows from its code, and a fault of the service shows no
// detail.
func TestEndpointErrors(t *testing.T) {
	_, srv := bundledServer(t)
	// A server whose store has closed: every read fails inside the store.
	gone, err := store.Open(context.Background(), testdb.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	goneSrv := httptest.NewServer(server.New(server.Config{Store: gone}))
	defer goneSrv.Close()
	gone.Close()

	tests := []struct {
		name    string
		srv     *httptest.Server
		path    string
		status  int
		code    string
		message string // a substring of the message
	}{
		{"unknown format", srv, "/export/sdmx.xml", 404, "NOT_FOUND", `"sdmx.xml"; the formats are glotip-coverage.csv, glotip.csv, `},
		{"unknown parameter", srv, "/export/sdmx.csv?indicatr=x", 400, "BAD_USER_INPUT", `unknown parameter "indicatr"; the parameters are indicators, themes, agencies, refAreas, `},
		{"bad year", srv, "/export/glotip.csv?periodFrom=20x4", 400, "BAD_USER_INPUT", `periodFrom: "20x4" is not an integer`},
		{"bad status", srv, "/export/observations.csv?statuses=GUESSED", 400, "BAD_USER_INPUT", `statuses: "GUESSED" is not one of REPORTED, DERIVED`},
		{"enum in another case", srv, "/export/observations.csv?themes=Protection", 400, "BAD_USER_INPUT", "in upper case (PROTECTION)"},
		{"bad member", srv, "/export/observations.csv?members=SEX", 400, "BAD_USER_INPUT", "not DIMENSION=MEMBER"},
		{"a 100 KB release", srv, "/export/observations.csv?release=" + strings.Repeat("r", 100<<10), 400, "BAD_USER_INPUT", "releases: a value of 102400 bytes"},
		{"a byte-order mark on JSON", srv, "/export/sdmx.json?bom=true", 400, "BAD_USER_INPUT", "sdmx.json is not a CSV export"},
		{"bad period", srv, "/export/glotip.csv?periods=20x4", 400, "BAD_USER_INPUT", `periods: "20x4": period "20x4": year "20x4" is not a number`},
		{"lastN 0", srv, "/export/sdmx.csv?lastN=0", 400, "BAD_USER_INPUT", "lastN: 0; give at least 1"},
		{"period length not a number", srv, "/export/sdmx.csv?periodLength=yearly", 400, "BAD_USER_INPUT", `periodLength: "yearly" is not an integer`},
		{"NUL in a code", srv, "/export/observations.csv?indicator=%00", 400, "BAD_USER_INPUT", "not a code"},
		{"unknown indicator", srv, "/export/sdmx.csv?indicator=victims_identifed", 400, "UNKNOWN_CODE", `no code "victims_identifed"; nearest: victims_identified`},
		{"unknown release", srv, "/export/glotip.csv?release=az-2023", 400, "UNKNOWN_CODE", `no code "az-2023"; nearest: az-2024`},
		{"bytes that are not UTF-8", srv, "/export/sdmx.csv?release=%ff%fe", 400, "BAD_USER_INPUT", "not a code"},
		{"database gone, export", goneSrv, "/export/sdmx.csv", 500, "INTERNAL_SERVER_ERROR", "internal error"},
		{"database gone, readiness", goneSrv, "/readyz", 503, "SERVICE_UNAVAILABLE", "the database is unreachable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, tc.srv, tc.path, nil)
			if r.status != tc.status {
				t.Errorf("status %d, want %d", r.status, tc.status)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if r.header.Get("ETag") != "" || r.header.Get("Content-Disposition") != "" {
				t.Errorf("an error with ETag %q, Content-Disposition %q", r.header.Get("ETag"), r.header.Get("Content-Disposition"))
			}
			if len(r.body) > 2000 {
				t.Errorf("an error of %d bytes echoes the request", len(r.body))
			}
			code, message := errorOf(t, r)
			if code != tc.code || !strings.Contains(message, tc.message) {
				t.Errorf("code %s, message %q; want %s, %q", code, message, tc.code, tc.message)
			}
			if strings.Contains(message, "sql") || strings.Contains(message, "closed") {
				t.Errorf("internal detail reaches the client: %q", message)
			}
		})
	}
}

// TestExportBOM reads the bytes of a CSV asked for with bom=true, as a link
// for Excel users would: a UTF-8 byte-order mark, then the same file, under
// a tag of its own.
func TestExportBOM(t *testing.T) {
	_, srv := bundledServer(t)
	for _, name := range []string{"observations.csv", "sdmx.csv", "greta-coverage.csv"} {
		t.Run(name, func(t *testing.T) {
			plain := get(t, srv, "/export/"+name+"?releases=az-2024", nil)
			marked := get(t, srv, "/export/"+name+"?releases=az-2024&bom=true", nil)
			if plain.status != http.StatusOK || marked.status != http.StatusOK {
				t.Fatalf("status %d, with bom %d: %s", plain.status, marked.status, marked.body)
			}
			if !strings.HasPrefix(marked.body, "\xEF\xBB\xBF") || strings.HasPrefix(plain.body, "\xEF\xBB\xBF") {
				t.Fatalf("with bom=true % x…, without % x…", marked.body[:3], plain.body[:3])
			}
			if marked.body[3:] != plain.body {
				t.Error("past the mark, the file differs")
			}
			if marked.header.Get("ETag") == plain.header.Get("ETag") {
				t.Error("with and without the mark, one ETag")
			}
			if again := get(t, srv, "/export/"+name+"?releases=az-2024&bom=true", map[string]string{"If-None-Match": plain.header.Get("ETag")}); again.status != http.StatusOK {
				t.Errorf("the tag of the file without the mark answers %d for the one with it", again.status)
			}
		})
	}
}

// TestExportFailingBeforeTheFirstByte: an export whose rows cannot be read
// after its headers were prepared (here its table is gone) answers the coded
// JSON error, with none of the file's headers.
func TestExportFailingBeforeTheFirstByte(t *testing.T) {
	s, srv := bundledServer(t)
	if _, err := s.AdminDB().Exec("ALTER TABLE observation RENAME TO observation_gone"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"observations.csv", "sdmx.json"} {
		t.Run(name, func(t *testing.T) {
			r := get(t, srv, "/export/"+name+"?bom=false", nil)
			if code, message := errorOf(t, r); r.status != http.StatusInternalServerError || code != "INTERNAL_SERVER_ERROR" || message != "internal error" {
				t.Errorf("status %d, %s %q", r.status, code, message)
			}
			for _, h := range []string{"Content-Disposition", "ETag"} {
				if v := r.header.Get(h); v != "" {
					t.Errorf("%s: %q on an error", h, v)
				}
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestExportUpdatedAfter: a partner that pulled at a revision asks for
// what later revisions wrote, by number or by time, in GraphQL's name.
func TestExportUpdatedAfter(t *testing.T) {
	ctx := context.Background()
	s, srv := bundledServer(t)
	first, err := s.DatasetVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vintage := get(t, srv, "/export/observations.csv", nil)
	load(t, s, fixture(t))
	// What the second revision made current: the fixture's rows that won
	// their cells.
	want := 0
	if err := s.EachObservation(ctx, dataset.Filter{Current: true}, func(o dataset.Observation) error {
		if o.Release == "fixture-2024" {
			want++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want == 0 {
		t.Fatal("the fixture made nothing current")
	}
	rows := func(r response) int { return strings.Count(strings.TrimSuffix(r.body, "\n"), "\n") }
	for _, tc := range []struct {
		name  string
		query string
		rows  int
	}{
		{"a revision number", "updatedAfter=1", want},
		{"the time of that revision", "updatedAfter=" + url.QueryEscape(first.UpdatedAt.Format(time.RFC3339Nano)), want},
		{"the latest revision", "updatedAfter=2", 0},
		{"with other filters", "updatedAfter=1&indicators=hotline_calls", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, "/export/observations.csv?"+tc.query, nil)
			if r.status != http.StatusOK || rows(r) != tc.rows {
				t.Errorf("status %d, %d rows, want %d:\n%s", r.status, rows(r), tc.rows, r.body)
			}
		})
	}
	for _, bad := range []string{"yesterday", "-1", "2026-01-01"} {
		for _, param := range []string{"updatedAfter", "asOf"} {
			r := get(t, srv, "/export/observations.csv?"+param+"="+bad, nil)
			if code, _ := errorOf(t, r); r.status != http.StatusBadRequest || code != "BAD_USER_INPUT" {
				t.Errorf("%s=%s: status %d, code %s", param, bad, r.status, code)
			}
		}
	}
	t.Run("asOf exports the vintage", func(t *testing.T) {
		// Code lists are not versioned (the fixture renames an indicator
		// and reorders dimensions): the observations are.
		figures := func(r response) []string {
			t.Helper()
			rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
			if err != nil || len(rows) == 0 {
				t.Fatalf("%v: %.100q", err, r.body)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			var out []string
			for _, row := range rows[1:] {
				var f []string
				for _, h := range []string{"indicator", "ref_area", "period", "value", "qualifier", "status", "release", "source_quote"} {
					f = append(f, row[col[h]])
				}
				out = append(out, strings.Join(f, " "))
			}
			return out
		}
		r := get(t, srv, "/export/observations.csv?asOf=1", nil)
		if got, want := figures(r), figures(vintage); !slices.Equal(got, want) {
			t.Errorf("asOf=1: status %d, %d observations; want the %d exported at revision 1", r.status, len(got), len(want))
		}
		if now := get(t, srv, "/export/observations.csv", nil); slices.Equal(figures(now), figures(vintage)) {
			t.Error("the export now is the export of revision 1: the fixture changed nothing")
		}
	})
	t.Run("Last-Modified and If-Modified-Since", func(t *testing.T) {
		r := get(t, srv, "/export/observations.csv", nil)
		lm := r.header.Get("Last-Modified")
		if _, err := http.ParseTime(lm); err != nil {
			t.Fatalf("Last-Modified %q: %v", lm, err)
		}
		if again := get(t, srv, "/export/observations.csv", map[string]string{"If-Modified-Since": lm}); again.status != http.StatusNotModified {
			t.Errorf("If-Modified-Since the Last-Modified: status %d, want 304", again.status)
		}
		earlier := first.UpdatedAt.Add(-time.Hour).Format(http.TimeFormat)
		if again := get(t, srv, "/export/observations.csv", map[string]string{"If-Modified-Since": earlier}); again.status != http.StatusOK {
			t.Errorf("If-Modified-Since an hour before: status %d, want 200", again.status)
		}
	})
}
