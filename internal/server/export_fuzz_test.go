package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// FuzzExportQuery sends arbitrary query strings to an export and requires a
// client's answer: the file (200, an attachment), or one coded JSON error
// below 500 without attachment headers. The seeds are the cases partners
// get wrong, plus the corpus in testdata/fuzz/FuzzExportQuery; fuzz with
// `go test ./internal/server -run '^$' -fuzz FuzzExportQuery -fuzztime 10s`.
func FuzzExportQuery(f *testing.F) {
	for _, seed := range []string{
		"",
		"indicators=victims_identified&periodFrom=2024",
		"indicator=victims_identified,persons_charged",
		"periodFrom=2024&periodTo=2023",
		"periodFrom=40000",
		"release=%ff%fe",
		"indicator=%00",
		"members=SEX%3DF&exactlyBy=SEX",
		"members=SEX",
		"themes=PROTECTION&themes=protection&themes=Protection",
		"bom=true&bom=false",
		"lastN=0&periodLength=-1",
		"periods=2005-2024,2024,20x4",
		"exactlyBy=",
		"updatedAfter=1&asOf=2026-12-01T00:00:00Z",
		"asOf=9999-12-31T23:59:59-23:59",
		"updatedAfter=-1&updatedAfter=2",
		"nope=1",
		"%zz=1",
	} {
		f.Add(seed)
	}
	_, srv := bundledServer(f)
	f.Fuzz(func(t *testing.T, query string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/export/observations.csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Sent as the client typed it, except for bytes that cannot stand
		// in a request line at all.
		req.URL.RawQuery = requestLineSafe(query)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := readResponse(t, resp)
		switch {
		case r.status == http.StatusOK:
			if r.header.Get("Content-Disposition") == "" {
				t.Fatalf("?%s: a file without Content-Disposition", req.URL.RawQuery)
			}
		case r.status >= 400 && r.status < 500:
			if code, _ := errorOf(t, r); code == "" {
				t.Fatalf("?%s: an error without a code: %s", req.URL.RawQuery, r.body)
			}
			if r.header.Get("Content-Disposition") != "" || r.header.Get("ETag") != "" {
				t.Fatalf("?%s: an error with file headers: %v", req.URL.RawQuery, r.header)
			}
		default:
			t.Fatalf("?%s: %d %s", req.URL.RawQuery, r.status, r.body)
		}
	})
}

// requestLineSafe percent-encodes what no client can send unescaped: control
// characters, space, '#' and bytes outside ASCII.
func requestLineSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == '#' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
