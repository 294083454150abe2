package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"indicators/internal/server"
	"indicators/internal/testdb"
)

// TestCORS: browsers on other origins may read the API; a configured list
// of origins admits those and no other.
func TestCORS(t *testing.T) {
	s := testdb.New(t)
	anyOrigin := newServer(t, s)
	listed := httptest.NewServer(server.New(server.Config{Store: s, AllowedOrigins: []string{"https://dash.example.org"}}))
	t.Cleanup(listed.Close)

	tests := []struct {
		name        string
		url         string
		method      string
		headers     map[string]string
		wantStatus  int
		wantOrigin  string // Access-Control-Allow-Origin
		wantHeaders map[string]string
	}{
		{"preflight of a GraphQL POST", anyOrigin.URL + "/graphql", http.MethodOptions,
			map[string]string{"Origin": "https://dash.example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"},
			http.StatusNoContent, "*", map[string]string{"Access-Control-Allow-Methods": "POST", "Access-Control-Max-Age": "600"}},
		{"GraphQL GET from another origin", anyOrigin.URL + "/graphql?query=%7Breleases%7Bcode%7D%7D", http.MethodGet,
			map[string]string{"Origin": "https://dash.example.org"}, http.StatusOK, "*", nil},
		{"an export exposes its validator", anyOrigin.URL + "/export/observations.csv", http.MethodGet,
			map[string]string{"Origin": "https://dash.example.org"}, http.StatusOK, "*",
			map[string]string{"Access-Control-Expose-Headers": "Etag"}},
		{"a refused key's challenge is readable", anyOrigin.URL + "/graphql?query=%7Breleases%7Bcode%7D%7D", http.MethodGet,
			map[string]string{"Origin": "https://dash.example.org", "Authorization": "Bearer ind_unknown"}, http.StatusUnauthorized, "*",
			map[string]string{"Access-Control-Expose-Headers": "WWW-Authenticate"}},
		{"the budget's headers are readable", anyOrigin.URL + "/graphql?query=%7Breleases%7Bcode%7D%7D", http.MethodGet,
			map[string]string{"Origin": "https://dash.example.org"}, http.StatusOK, "*",
			map[string]string{"Access-Control-Expose-Headers": "X-RateLimit-Remaining"}},
		{"a listed origin", listed.URL + "/graphql?query=%7Breleases%7Bcode%7D%7D", http.MethodGet,
			map[string]string{"Origin": "https://dash.example.org"}, http.StatusOK, "https://dash.example.org", nil},
		{"an origin not listed", listed.URL + "/graphql?query=%7Breleases%7Bcode%7D%7D", http.MethodGet,
			map[string]string{"Origin": "https://elsewhere.example"}, http.StatusOK, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, tc.url, nil)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tc.wantOrigin)
			}
			for k, v := range tc.wantHeaders {
				if got := resp.Header.Get(k); !strings.Contains(strings.ToLower(got), strings.ToLower(v)) {
					t.Errorf("%s = %q, want it to hold %q", k, got, v)
				}
			}
		})
	}
}

// TestCORSInBrowser: a page on another origin (another port) fetches a
// figure from the API in headless Chromium, as a dashboard on another site
// would, preflight included (a JSON POST is not a simple request).
func TestCORSInBrowser(t *testing.T) {
	chromium := requireChromium(t)
	s, api := bundledServer(t)
	// A partner's key: the Authorization header makes the request preflighted.
	_, key, err := s.CreateKey(context.Background(), "dashboard", nil)
	if err != nil {
		t.Fatal(err)
	}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>dashboard</title><pre id="out">waiting</pre><script>
fetch(` + "`" + api.URL + `/graphql` + "`" + `, {method: "POST", headers: {"Content-Type": "application/json", "Authorization": "Bearer ` + key + `"},
  body: JSON.stringify({query: '{ indicator(code: "victims_identified") { breakdown(by: "SEX") { total { value } } } }'})})
  .then(r => r.json()).then(d => { document.getElementById("out").textContent = "value " + d.data.indicator.breakdown.total.value; })
  .catch(e => { document.getElementById("out").textContent = "failed: " + e; });
</script>`))
	}))
	t.Cleanup(page.Close)

	ctx := newBrowser(t, chromium)
	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatalf("load the page: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const t = document.getElementById("out").textContent; return t === "waiting" ? "" : t; })()`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("wait for the figure: %v", err)
	}
	if text != "value 91" {
		t.Errorf("the page on %s read %q from %s, want \"value 91\"", page.URL, text, api.URL)
	}
}
