package graphiql

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var testExamples = []Example{
	{Name: "Top indicators", Query: "{ indicators(first: 10) { id name } }"},
	{Name: `Break </script><script>alert("x")</script> out`, Query: "query { __typename }", Variables: `{"a":1}`},
	{Name: "Named & <b>bold</b>", Query: "query Named { __typename }"},
}

const testEndpoint = "/graphql"

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(Handler("Indicators <API>", testEndpoint, testExamples))
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	// Ask for the identity encoding unless the test says otherwise, so
	// bodies can be inspected directly.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

var configRE = regexp.MustCompile(`(?s)<script id="graphiql-config" type="application/json">(.*?)</script>`)

func pageConfig(t *testing.T, body []byte) config {
	t.Helper()
	m := configRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no config block in page:\n%s", body)
	}
	var cfg config
	if err := json.Unmarshal(m[1], &cfg); err != nil {
		t.Fatalf("config block is not JSON: %v\n%s", err, m[1])
	}
	return cfg
}

func TestPage(t *testing.T) {
	srv := newTestServer(t)
	resp, body := do(t, http.MethodGet, srv.URL+"/", nil)
	page := string(body)
	cfg := pageConfig(t, body)

	tests := []struct {
		name  string
		check func() string // returns a failure message or ""
	}{
		{"status 200", func() string {
			if resp.StatusCode != http.StatusOK {
				return resp.Status
			}
			return ""
		}},
		{"content type html", func() string {
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				return ct
			}
			return ""
		}},
		{"not cached", func() string {
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				return cc
			}
			return ""
		}},
		{"title escaped", func() string {
			if !strings.Contains(page, "<title>Indicators &lt;API&gt;</title>") {
				return "title missing or unescaped"
			}
			return ""
		}},
		{"endpoint in page", func() string {
			if !strings.Contains(page, `"endpoint":"/graphql"`) || cfg.Endpoint != testEndpoint {
				return "endpoint " + cfg.Endpoint
			}
			return ""
		}},
		{"example names in config", func() string {
			if len(cfg.Tabs) != len(testExamples) {
				return "wrong number of tabs"
			}
			for i, ex := range testExamples {
				if cfg.Tabs[i].Name != ex.Name {
					return "tab name " + cfg.Tabs[i].Name
				}
				if !strings.HasPrefix(cfg.Tabs[i].Query, "# "+ex.Name+"\n") {
					return "tab query lacks name comment: " + cfg.Tabs[i].Query
				}
			}
			return ""
		}},
		{"first example first", func() string {
			if !strings.Contains(cfg.Tabs[0].Query, "query TopIndicators {") {
				return cfg.Tabs[0].Query
			}
			return ""
		}},
		{"variables passed", func() string {
			if cfg.Tabs[1].Variables != "{\n  \"a\": 1\n}" {
				return cfg.Tabs[1].Variables
			}
			return ""
		}},
		{"script name cannot break out", func() string {
			if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>bold") {
				return "raw markup from an example name in the page"
			}
			if opens, closes := strings.Count(page, "<script"), strings.Count(page, "</script>"); opens != closes || opens != 5 {
				return "unbalanced script elements"
			}
			return ""
		}},
		{"no inline script", func() string {
			for _, m := range regexp.MustCompile(`<script([^>]*)>`).FindAllStringSubmatch(page, -1) {
				if !strings.Contains(m[1], `src="`) && !strings.Contains(m[1], `type="application/json"`) {
					return "inline script: " + m[0]
				}
			}
			return ""
		}},
		{"strict csp", func() string {
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self' 'nonce-" + cfg.StyleNonce + "';", "connect-src 'self';", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					return "CSP lacks " + want + ": " + csp
				}
			}
			if strings.Contains(csp, "unsafe") || cfg.StyleNonce == "" {
				return "CSP: " + csp
			}
			return ""
		}},
		{"nosniff", func() string {
			if v := resp.Header.Get("X-Content-Type-Options"); v != "nosniff" {
				return v
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := tt.check(); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestPageNonceChanges(t *testing.T) {
	srv := newTestServer(t)
	_, a := do(t, http.MethodGet, srv.URL+"/", nil)
	_, b := do(t, http.MethodGet, srv.URL+"/", nil)
	if pageConfig(t, a).StyleNonce == pageConfig(t, b).StyleNonce {
		t.Error("style nonce reused across requests")
	}
}

func TestPageReferencesOnlyLocalAssets(t *testing.T) {
	srv := newTestServer(t)
	_, body := do(t, http.MethodGet, srv.URL+"/", nil)
	refs := regexp.MustCompile(`(?i)\s(?:src|href)="([^"]*)"`).FindAllStringSubmatch(string(body), -1)
	if len(refs) < 6 {
		t.Fatalf("found only %d references", len(refs))
	}
	if bytes.Contains(body, []byte("http://")) || bytes.Contains(body, []byte("https://")) {
		t.Error("page contains an absolute http(s) URL")
	}
	for _, m := range refs {
		ref := strings.ReplaceAll(m[1], "&amp;", "&")
		t.Run(ref, func(t *testing.T) {
			if ref == "data:," { // empty favicon, avoids a request
				return
			}
			if !strings.HasPrefix(ref, "assets/") || strings.Contains(ref, "//") {
				t.Fatalf("reference %q is not a local asset", ref)
			}
			resp, _ := do(t, http.MethodGet, srv.URL+"/"+ref, nil)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %s", ref, resp.Status)
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
				t.Errorf("versioned %s has Cache-Control %q", ref, cc)
			}
		})
	}
}

func TestAssets(t *testing.T) {
	srv := newTestServer(t)
	tests := []struct {
		name        string
		contentType string
		minSize     int
	}{
		{"graphiql.min.js", "text/javascript; charset=utf-8", 500_000},
		{"graphiql.min.css", "text/css; charset=utf-8", 100_000},
		{"react.production.min.js", "text/javascript; charset=utf-8", 5_000},
		{"react-dom.production.min.js", "text/javascript; charset=utf-8", 100_000},
		{"init.js", "text/javascript; charset=utf-8", 1_000},
		{"page.css", "text/css; charset=utf-8", 50},
		{"LICENSE.graphiql.txt", "text/plain; charset=utf-8", 500},
		{"LICENSE.react.txt", "text/plain; charset=utf-8", 500},
		{"LICENSE.react-dom.txt", "text/plain; charset=utf-8", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := srv.URL + "/assets/" + tt.name
			resp, body := do(t, http.MethodGet, url, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s", resp.Status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if len(body) < tt.minSize {
				t.Errorf("size %d, want at least %d", len(body), tt.minSize)
			}
			embedded, _ := embedded.ReadFile("assets/" + tt.name)
			if !bytes.Equal(body, embedded) {
				t.Error("body differs from the embedded file")
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("unversioned URL has Cache-Control %q", cc)
			}

			// Revalidation with the ETag.
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			resp, _ = do(t, http.MethodGet, url, http.Header{"If-None-Match": {etag}})
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %s, want 304", resp.Status)
			}

			// HEAD works too.
			resp, body = do(t, http.MethodHead, url, nil)
			if resp.StatusCode != http.StatusOK || len(body) != 0 {
				t.Errorf("HEAD: status %s, %d body bytes", resp.Status, len(body))
			}
		})
	}
}

func TestAssetGzip(t *testing.T) {
	srv := newTestServer(t)
	tests := []struct {
		name, file, acceptEncoding string
		wantGzip                   bool
	}{
		{"js gzip", "graphiql.min.js", "gzip, deflate, br", true},
		{"css gzip", "graphiql.min.css", "gzip", true},
		{"gzip refused", "graphiql.min.js", "gzip;q=0, identity", false},
		{"identity", "graphiql.min.js", "identity", false},
		{"small file not compressed", "page.css", "gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, http.MethodGet, srv.URL+"/assets/"+tt.file, http.Header{"Accept-Encoding": {tt.acceptEncoding}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s", resp.Status)
			}
			gotGzip := resp.Header.Get("Content-Encoding") == "gzip"
			if gotGzip != tt.wantGzip {
				t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
			}
			if gotGzip {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				body, err = io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
			}
			want, _ := embedded.ReadFile("assets/" + tt.file)
			if !bytes.Equal(body, want) {
				t.Error("decoded body differs from the embedded file")
			}
		})
	}
}

func TestErrors(t *testing.T) {
	srv := newTestServer(t)
	tests := []struct {
		name, method, path string
		want               int
	}{
		{"unknown asset", http.MethodGet, "/assets/nope.js", http.StatusNotFound},
		{"asset README not served", http.MethodGet, "/assets/README.md", http.StatusNotFound},
		{"assets dir", http.MethodGet, "/assets/", http.StatusNotFound},
		{"nested asset path", http.MethodGet, "/assets/x/graphiql.min.js", http.StatusNotFound},
		{"source map", http.MethodGet, "/assets/index.umd.js.map", http.StatusNotFound},
		{"unknown page", http.MethodGet, "/index.html", http.StatusNotFound},
		{"post page", http.MethodPost, "/", http.StatusMethodNotAllowed},
		{"put page", http.MethodPut, "/", http.StatusMethodNotAllowed},
		{"delete asset", http.MethodDelete, "/assets/init.js", http.StatusMethodNotAllowed},
		{"options page", http.MethodOptions, "/", http.StatusMethodNotAllowed},
		{"head page", http.MethodHead, "/", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := do(t, tt.method, srv.URL+tt.path, nil)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s: status %s, want %d", tt.method, tt.path, resp.Status, tt.want)
			}
			if tt.want == http.StatusMethodNotAllowed {
				if allow := resp.Header.Get("Allow"); allow != "GET, HEAD" {
					t.Errorf("Allow %q", allow)
				}
			}
		})
	}
}

func TestExampleTabs(t *testing.T) {
	tests := []struct {
		name     string
		examples []Example
		want     []tab
	}{
		{
			name:     "anonymous shorthand",
			examples: []Example{{Name: "Top indicators", Query: "{ a }"}},
			want:     []tab{{Name: "Top indicators", Query: "# Top indicators\nquery TopIndicators { a }"}},
		},
		{
			name:     "anonymous query with variables",
			examples: []Example{{Name: "by id", Query: "query($id: ID!) { a(id: $id) }", Variables: ` {"id": "1"} `}},
			want:     []tab{{Name: "by id", Query: "# by id\nquery ById($id: ID!) { a(id: $id) }", Variables: "{\n  \"id\": \"1\"\n}"}},
		},
		{
			name:     "anonymous mutation with directive",
			examples: []Example{{Name: "m", Query: "mutation @x { a }"}},
			want:     []tab{{Name: "m", Query: "# m\nmutation M @x { a }"}},
		},
		{
			name:     "leading comment kept before inserted name",
			examples: []Example{{Name: "c", Query: "# note\n, { a }"}},
			want:     []tab{{Name: "c", Query: "# c\n# note\n, query C { a }"}},
		},
		{
			name:     "named operation unchanged",
			examples: []Example{{Name: "Whatever", Query: "query Mine { a }"}},
			want:     []tab{{Name: "Whatever", Query: "# Whatever\nquery Mine { a }"}},
		},
		{
			name:     "fragment first unchanged",
			examples: []Example{{Name: "f", Query: "fragment F on T { a }\n{ ...F }"}},
			want:     []tab{{Name: "f", Query: "# f\nfragment F on T { a }\n{ ...F }"}},
		},
		{
			name:     "existing name comment not repeated",
			examples: []Example{{Name: "Top", Query: "# Top\nquery Top { a }"}},
			want:     []tab{{Name: "Top", Query: "# Top\nquery Top { a }"}},
		},
		{
			name:     "invalid variables kept",
			examples: []Example{{Name: "v", Query: "query V { a }", Variables: "{not json"}},
			want:     []tab{{Name: "v", Query: "# v\nquery V { a }", Variables: "{not json"}},
		},
		{
			name: "names cleaned and made unique",
			examples: []Example{
				{Name: "  2024\nstats ", Query: "{ a }"},
				{Name: "2024 stats", Query: "{ b }"},
				{Name: "", Query: "{ c }"},
				{Name: "été", Query: "{ d }"},
			},
			want: []tab{
				{Name: "2024 stats", Query: "# 2024 stats\nquery Example2024Stats { a }"},
				{Name: "2024 stats", Query: "# 2024 stats\nquery Example2024Stats2 { b }"},
				{Name: "Example 3", Query: "# Example 3\nquery Example3 { c }"},
				{Name: "été", Query: "# été\nquery T { d }"},
			},
		},
		{
			name:     "no examples",
			examples: nil,
			want:     []tab{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := exampleTabs(tt.examples)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d tabs, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("tab %d:\n got %+q\nwant %+q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestConnectSources(t *testing.T) {
	tests := []struct {
		name, endpoint, want string
	}{
		{"path", "/graphql", "'self'"},
		{"relative", "graphql", "'self'"},
		{"absolute https", "https://api.example.org/graphql?x=1", "'self' https://api.example.org"},
		{"absolute with port", "http://10.0.0.1:8080/q", "'self' http://10.0.0.1:8080"},
		{"other scheme ignored", "javascript:alert(1)", "'self'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := connectSources(tt.endpoint); got != tt.want {
				t.Errorf("connectSources(%q) = %q, want %q", tt.endpoint, got, tt.want)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		name, header string
		want         bool
	}{
		{"empty", "", false},
		{"gzip", "gzip", true},
		{"list", "deflate, GZIP, br", true},
		{"q zero", "gzip;q=0", false},
		{"q positive", "br;q=1, gzip; q=0.5", true},
		{"identity only", "identity", false},
		{"x-gzip is not gzip", "x-gzip2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acceptsGzip(tt.header); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}
