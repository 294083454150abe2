package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"indicators/internal/ratelimit"
	"indicators/internal/server"
)

// sentQuery is one GraphQL request the page sent, as the server received it.
type sentQuery struct {
	lang      string
	query     string
	variables map[string]any
}

// dashboardSection is what the test reads from one chart on the page.
type dashboardSection struct {
	ID        string         `json:"id"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
	Rows      []struct {
		Name  string  `json:"name"`
		Lang  string  `json:"lang"`
		Value float64 `json:"value"`
	} `json:"rows"`
	Total *float64 `json:"total"`
	Chart *struct {
		Labels []string  `json:"labels"`
		Data   []float64 `json:"data"`
	} `json:"chart"`
	FellBack string `json:"fellBack"`
	Notices  string `json:"notices"`
}

const readSections = `[...document.querySelectorAll('section.chart')].map((s) => ({
  id: s.id,
  query: s.querySelector('pre.query').textContent,
  variables: JSON.parse(s.querySelector('pre.variables').textContent),
  rows: [...s.querySelectorAll('tbody tr')].map((r) => ({ name: r.querySelector('th').textContent, lang: r.querySelector('th').lang, value: Number(r.dataset.value) })),
  total: s.querySelector('tfoot tr') ? Number(s.querySelector('tfoot tr').dataset.total) : null,
  chart: (() => { const c = s.querySelector('canvas'); const ch = c && Chart.getChart(c); return ch ? { labels: ch.data.labels, data: ch.data.datasets[0].data } : null; })(),
  fellBack: s.querySelector('.fellback') ? s.querySelector('.fellback').textContent : '',
  notices: [...s.querySelectorAll('.notice')].map((n) => n.textContent).join(' '),
}))`

// TestDashboardInBrowser loads /dashboard in headless Chromium once per
// language from the real service (bundled data loaded) and checks that
// every chart and its data table hold what the GraphQL API answers to the
// very query the page shows (re-sent here), that the report's figures are
// there with CLDR's country names, that the page sent exactly the queries it
// shows, that nothing left the origin and the console stayed clean, and (in
// English) that the keyboard reaches every chart. Screenshots, desktop and
// 390 px phone, go to the directory the test prints.
func TestDashboardInBrowser(t *testing.T) {
	chromium := requireChromium(t)
	st, _ := bundledServer(t)

	var (
		mu   sync.Mutex
		sent []sentQuery
	)
	unlimited := ratelimit.New(ratelimit.Config{Anonymous: ratelimit.Policy{Points: math.MaxInt32, Concurrency: 1000}})
	api := server.New(server.Config{Store: st, RateLimit: unlimited})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/graphql" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct {
				Query     string         `json:"query"`
				Variables map[string]any `json:"variables"`
			}
			if err := json.Unmarshal(body, &req); err == nil {
				mu.Lock()
				sent = append(sent, sentQuery{r.Header.Get("Accept-Language"), req.Query, req.Variables})
				mu.Unlock()
			}
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	ctx := newBrowser(t, chromium)
	var (
		evMu     sync.Mutex
		problems []string // console errors and exceptions
		requests []string // every URL the page asked for
	)
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" {
				evMu.Lock()
				problems = append(problems, m.String())
				evMu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(ctx, network.RequestWillBeSent) {
			if err != nil {
				return
			}
			evMu.Lock()
			requests = append(requests, ev.Request.URL)
			evMu.Unlock()
		}
	}()
	if err := chromedp.Do(ctx, recordCSPViolations()); err != nil {
		t.Fatal(err)
	}
	axe := axeSource(t)
	injectedInline := false // checkCSPEnforced ran (in the English load)
	shots := filepath.Join(os.TempDir(), "dashboard-screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)

	// What the report states (its numbers; the country names are CLDR's).
	turkey := map[string]string{"en": "Türkiye", "az": "Türkiyə", "ru": "Турция"}

	for _, lang := range []string{"en", "az", "ru"} {
		t.Run(lang, func(t *testing.T) {
			mu.Lock()
			sent = nil
			mu.Unlock()
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(1280, 900),
				chromedp.Navigate(srv.URL+"/dashboard?lang="+lang)); err != nil {
				t.Fatalf("load the dashboard: %v", err)
			}
			status, err := chromedp.Run(ctx, chromedp.Poll[string](
				`document.body.dataset.ready === '`+lang+`' ? document.getElementById('status').textContent : ''`,
				chromedp.WithPollingTimeout(30*time.Second)))
			if err != nil {
				st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').textContent`))
				t.Fatalf("wait for the charts: %v (status: %q)", err, st)
			}
			t.Logf("status: %s", status)
			checkNoCSPViolations(t, ctx)
			// Outside English the page says that its own words are not
			// translated, naming the language.
			untranslated, err := chromedp.Run(ctx, chromedp.Evaluate[string](
				`(() => { const e = document.getElementById('untranslated'); return e.checkVisibility() ? e.textContent.replace(/\s+/g, ' ') : ''; })()`))
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]string{"az": "Azerbaijani", "ru": "Russian"}[lang]; want == "" && untranslated != "" {
				t.Errorf("in English the page says its words are untranslated: %q", untranslated)
			} else if want != "" && (!strings.Contains(untranslated, "English only") || !strings.Contains(untranslated, "written them in "+want)) {
				t.Errorf("in %s the page does not say that its own words are English only: %q", lang, untranslated)
			}
			sections, err := chromedp.Run(ctx, chromedp.Evaluate[[]dashboardSection](readSections))
			if err != nil {
				t.Fatalf("read the charts: %v", err)
			}
			if len(sections) < 5 {
				t.Fatalf("%d charts on the page, want the report's (victims by year, cumulative, by age, sex, country; traffickers)", len(sections))
			}
			mu.Lock()
			got := slices.Clone(sent)
			mu.Unlock()
			byID := map[string]dashboardSection{}
			for _, s := range sections {
				byID[s.ID] = s
				checkSection(t, srv.URL, lang, s, got)
			}
			if len(got) < len(sections) {
				t.Errorf("the page sent %d queries for %d charts", len(got), len(sections))
			}

			// The report's figures, with country names in the language.
			wantRows(t, byID, "victims_identified-COUNTRY_OF_EXPLOITATION-2024", map[string]float64{turkey[lang]: 53}, 91)
			for _, r := range byID["victims_identified-COUNTRY_OF_EXPLOITATION-2024"].Rows {
				if r.Name == turkey[lang] && r.Lang != lang {
					t.Errorf("%s is marked lang=%q, want %q (CLDR has it)", r.Name, r.Lang, lang)
				}
			}
			wantRows(t, byID, "victims_identified-SEX-2024", nil, 91, 90, 1)
			wantRows(t, byID, "victims_identified-AGE-2024", nil, 91, 12, 49, 29, 1)
			wantRows(t, byID, "victims_identified-cumulative", nil, -1, 1441)
			wantRows(t, byID, "traffickers_prosecuted-cumulative", nil, -1, 650)
			if n := byID["victims_identified-yearly"].Notices; !strings.Contains(n, "2005–2022") {
				t.Errorf("the yearly victims chart does not say 2005–2022 are missing: %q", n)
			}
			if n := byID["traffickers_prosecuted-yearly"].Notices; !strings.Contains(n, "by sex") {
				t.Errorf("the traffickers chart does not say the dataset lacks their sex: %q", n)
			}

			// Every dataset label on the page carries the language it was
			// served in: English exactly where the API says it fell back.
			mislabelled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('section.chart')].flatMap((s) => {
  const fellBack = s.querySelector('.fellback') ? s.querySelector('.fellback').textContent.split(', ') : [];
  return [...s.querySelectorAll('[data-label]')].filter((e) => e.lang !== (fellBack.includes(e.dataset.label) ? 'en' : '`+lang+`'))
    .map((e) => s.id + ': ' + e.dataset.label + ' lang=' + JSON.stringify(e.lang));
})`))
			if err != nil {
				t.Fatal(err)
			}
			if len(mislabelled) > 0 {
				t.Errorf("labels marked with the wrong language: %q", mislabelled)
			}

			for _, width := range []int64{1280, 390} {
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
					t.Fatal(err)
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("dashboard-%s-%d.png", lang, width)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if lang == "en" {
				checkKeyboard(t, ctx, sections)
				checkPrintsOnA4(t, ctx, filepath.Join(shots, "dashboard-en.pdf"))
			}

			// The audit reads the whole page: every quote and query opened.
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900),
				chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details').forEach((d) => { d.open = true; })`)); err != nil {
				t.Fatal(err)
			}
			checkAxe(t, ctx, axe)
			if lang == "en" {
				checkCSPEnforced(t, ctx)
				injectedInline = true
			}
		})
	}

	// The switch re-sends the queries in the language chosen, without a
	// page load.
	t.Run("switch", func(t *testing.T) {
		mu.Lock()
		sent = nil
		mu.Unlock()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=lang][value=az]`))); err != nil {
			t.Fatalf("choose az: %v", err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.body.dataset.ready === 'az'`,
			chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("wait for the charts in az: %v", err)
		}
		name, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`[...document.querySelectorAll('#victims_identified-COUNTRY_OF_EXPLOITATION-2024 tbody th')].map((th) => th.textContent).join('|')`))
		if err != nil || !strings.Contains(name, turkey["az"]) {
			t.Errorf("after the switch the countries are %q (%v), want %s among them", name, err, turkey["az"])
		}
		mu.Lock()
		defer mu.Unlock()
		if len(sent) == 0 {
			t.Fatal("the switch sent no query")
		}
		for _, q := range sent {
			if q.lang != "az" {
				t.Errorf("after the switch a query went with Accept-Language %q", q.lang)
			}
		}
	})

	evMu.Lock()
	defer evMu.Unlock()
	// The browser reports on the console too what the policy refuses: the
	// two refusals checkCSPEnforced provoked must be there, and nothing else.
	injected := map[string]bool{cspHash(injectedStyle): false, cspHash(injectedScript): false}
	var unexpected []string
	for _, p := range problems {
		hash := ""
		for h := range injected {
			if strings.Contains(p, h) {
				hash = h
			}
		}
		if hash == "" {
			unexpected = append(unexpected, p)
		} else {
			injected[hash] = true
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("console errors: %q", unexpected)
	}
	for h, seen := range injected {
		if injectedInline && !seen {
			t.Errorf("no console error for the injected inline code with %s: the policy let it run, or the console is not watched for refusals", h)
		}
	}
	if len(requests) == 0 {
		t.Error("saw no request at all: the network events are not arriving")
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("a request left the origin: %s", u)
		}
	}
}

// The inline style and script checkCSPEnforced injects.
const (
	injectedStyle  = `body { background: red }`
	injectedScript = `window.__inlineRan = true`
)

// cspHash is the CSP source expression of an inline text, as the browser
// names it when it refuses the text.
func cspHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// checkPrintsOnA4 prints the page as Chromium does for a reader (the page's
// own @page size, its print stylesheet) and checks that every sheet is A4
// portrait, 595 × 842 points; the PDF is written to path.
func checkPrintsOnA4(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
		p.PreferCSSPageSize = &[]bool{true}[0]
	}))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	// Chromium writes each page's /MediaBox in the clear, in points.
	boxes := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatalf("no page size in the PDF (%d bytes, %s)", len(pdf), path)
	}
	for i, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		if math.Abs(w-595.3) > 1.5 || math.Abs(h-841.9) > 1.5 {
			t.Errorf("sheet %d is %.1f × %.1f pt, want A4 (595 × 842)", i+1, w, h)
		}
	}
	t.Logf("printed on %d A4 sheets: %s", len(boxes), path)
}

// checkCSPEnforced injects an inline style and an inline script into the
// open page and checks that the policy refused both and that the refusals
// were recorded: the "no violations" checks are not vacuous.
func checkCSPEnforced(t *testing.T, ctx context.Context) {
	t.Helper()
	const inject = `(() => {
  window.__inlineRan = false;
  document.head.append(Object.assign(document.createElement('style'), { textContent: '` + injectedStyle + `' }));
  document.head.append(Object.assign(document.createElement('script'), { textContent: '` + injectedScript + `' }));
  return new Promise((resolve) => setTimeout(() => resolve({
    ran: window.__inlineRan,
    background: getComputedStyle(document.body).backgroundColor,
    violations: window.__cspViolations.splice(0),
  }), 100));
})()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Ran        bool     `json:"ran"`
		Background string   `json:"background"`
		Violations []string `json:"violations"`
	}](inject, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("inject inline code: %v", err)
	}
	if got.Ran || got.Background == "rgb(255, 0, 0)" {
		t.Errorf("inline code ran under the page's policy: script ran %v, background %s", got.Ran, got.Background)
	}
	if len(got.Violations) != 2 {
		t.Errorf("the injected inline style and script were recorded as %q, want two violations", got.Violations)
	}
}

// checkSection re-sends the chart's query as shown and compares the table
// and the chart with the answer.
func checkSection(t *testing.T, base, lang string, s dashboardSection, sent []sentQuery) {
	t.Helper()
	if !slices.ContainsFunc(sent, func(q sentQuery) bool {
		return q.lang == lang && q.query == s.Query && reflect.DeepEqual(q.variables, s.Variables)
	}) {
		t.Errorf("%s: the query shown (variables %v) is not one the page sent with Accept-Language %s", s.ID, s.Variables, lang)
	}
	body, _ := json.Marshal(map[string]any{"query": s.Query, "variables": s.Variables})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	type figure struct {
		Value float64 `json:"value"`
	}
	var answer struct {
		Data struct {
			Indicator struct {
				Series    []figure `json:"series"`
				Breakdown *struct {
					Total   *figure `json:"total"`
					Members []struct {
						Member struct{ Name string } `json:"member"`
						Value  float64               `json:"value"`
					} `json:"members"`
					Unallocated *float64 `json:"unallocated"`
				} `json:"breakdown"`
			} `json:"indicator"`
		} `json:"data"`
		Extensions struct {
			Language struct {
				Served   string   `json:"served"`
				FellBack []string `json:"fellBack"`
			} `json:"language"`
		} `json:"extensions"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		t.Fatalf("%s: decode the answer: %v", s.ID, err)
	}
	var want []float64
	var total *float64
	if b := answer.Data.Indicator.Breakdown; b != nil {
		for i, m := range b.Members {
			want = append(want, m.Value)
			if i < len(s.Rows) && s.Rows[i].Name != m.Member.Name {
				t.Errorf("%s: row %d is %q, the API names the member %q", s.ID, i, s.Rows[i].Name, m.Member.Name)
			}
		}
		if b.Unallocated != nil && *b.Unallocated != 0 {
			want = append(want, *b.Unallocated)
		}
		if b.Total != nil {
			total = &b.Total.Value
		}
	} else {
		for _, o := range answer.Data.Indicator.Series {
			want = append(want, o.Value)
		}
		if strings.HasSuffix(s.ID, "-cumulative") {
			want = want[len(want)-1:]
		}
	}
	var rows []float64
	for _, r := range s.Rows {
		rows = append(rows, r.Value)
	}
	if !slices.Equal(rows, want) {
		t.Errorf("%s: table %v, the API answers %v", s.ID, rows, want)
	}
	if (total == nil) != (s.Total == nil) || (total != nil && *total != *s.Total) {
		t.Errorf("%s: table total %v, the API's %v", s.ID, s.Total, total)
	}
	if s.Chart == nil {
		if !strings.HasSuffix(s.ID, "-cumulative") && len(want) > 0 {
			t.Errorf("%s: no chart drawn", s.ID)
		}
	} else if !slices.Equal(s.Chart.Data, want) {
		t.Errorf("%s: chart draws %v, the API answers %v", s.ID, s.Chart.Data, want)
	}
	if answer.Extensions.Language.Served != lang {
		t.Errorf("%s: served %q, want %q", s.ID, answer.Extensions.Language.Served, lang)
	}
	if wantFB := strings.Join(answer.Extensions.Language.FellBack, ", "); lang != "en" && s.FellBack != wantFB {
		t.Errorf("%s: fallen-back labels shown %q, the API lists %q", s.ID, s.FellBack, wantFB)
	}
}

// wantRows checks a chart's table: named rows' values, the total (-1: none
// expected) and, in order, the values of every row.
func wantRows(t *testing.T, byID map[string]dashboardSection, id string, named map[string]float64, total float64, values ...float64) {
	t.Helper()
	s, ok := byID[id]
	if !ok {
		t.Errorf("no chart %s on the page", id)
		return
	}
	if total >= 0 && (s.Total == nil || *s.Total != total) {
		t.Errorf("%s: total %v, want %v", id, s.Total, total)
	}
	for name, v := range named {
		if !slices.ContainsFunc(s.Rows, func(r struct {
			Name  string  `json:"name"`
			Lang  string  `json:"lang"`
			Value float64 `json:"value"`
		}) bool {
			return r.Name == name && r.Value == v
		}) {
			t.Errorf("%s: no row %q with %v: %+v", id, name, v, s.Rows)
		}
	}
	if values != nil {
		var got []float64
		for _, r := range s.Rows {
			got = append(got, r.Value)
		}
		if !slices.Equal(got, values) {
			t.Errorf("%s: rows %v, want %v", id, got, values)
		}
	}
}

// checkKeyboard tabs through the page and checks that focus reaches every
// chart's canvas and query disclosure; then opens the first query with
// Enter, tabs to its copy button, and moves between bars with the arrows.
func checkKeyboard(t *testing.T, ctx context.Context, sections []dashboardSection) {
	t.Helper()
	const where = `(() => { const a = document.activeElement; const s = a.closest('section.chart');
	  return (s ? s.id : '') + '|' + a.tagName.toLowerCase() + '|' + (a.className || '') + '|' + (a.parentElement ? a.parentElement.className : ''); })()`
	reached := map[string]bool{}
	for i := 0; i < 400; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		at, err := chromedp.Run(ctx, chromedp.Evaluate[string](where))
		if err != nil {
			t.Fatal(err)
		}
		reached[at] = true
		if strings.HasPrefix(at, "|body") && i > 0 {
			break // wrapped around
		}
	}
	for _, s := range sections {
		if s.Chart != nil && !reached[s.ID+"|canvas||canvas"] {
			t.Errorf("%s: Tab never reaches the chart", s.ID)
		}
		if !reached[s.ID+"|summary||query"] {
			t.Errorf("%s: Tab never reaches the GraphQL query", s.ID)
		}
	}

	first := sections[0].ID
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS("#"+first+" details.query summary")),
		chromedp.KeyEvent(kb.Enter),
		chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if at, _ := chromedp.Run(ctx, chromedp.Evaluate[string](where)); at != first+"|button|copy|actions" {
		t.Errorf("Enter on the query, then Tab: focus on %q, want the copy button", at)
	}
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS("#"+first+" canvas")),
		chromedp.KeyEvent(kb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	active, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Chart.getChart(document.querySelector('#`+first+` canvas')).getActiveElements().length`))
	if err != nil || active != 1 {
		t.Errorf("ArrowRight on the chart: %d bars active (%v), want 1", active, err)
	}
}
