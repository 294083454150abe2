package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"indicators/internal/server"
)

// chromiumPath finds a Chromium (Debian's package installs /usr/bin/chromium).
func chromiumPath() (string, error) {
	var first error
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		p, err := exec.LookPath(name)
		if err == nil {
			return p, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", first
}

// requireChromium returns the Chromium to test with, skipping the test
// without one (failing it under CI=true).
func requireChromium(t *testing.T) string {
	t.Helper()
	chromium, err := chromiumPath()
	if err != nil {
		skipOrFail(t, "no Chromium installed (looked for chromium, chromium-browser, google-chrome on PATH; Debian: apt-get install chromium): "+err.Error())
	}
	return chromium
}

// newBrowser starts headless Chromium for one test, with the flags this
// machine's closed network needs, and returns a context for 60 s of steps.
// What the pages write to the console is logged if the test fails.
func newBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	userDataDir := t.TempDir() // removed after the browser has exited (cleanups run last-in first-out)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromium),
			chromedp.Headless,
			chromedp.NoSandbox, // root in CI containers
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(userDataDir),
		)...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	ctx, cancel := context.WithTimeout(browserCtx, 60*time.Second)

	var (
		mu      sync.Mutex
		console []string
	)
	consoleDone := make(chan struct{})
	messages := chromedp.Console(browserCtx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, m.String())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		cancelBrowser()
		<-consoleDone
		cancelAlloc()
		if t.Failed() {
			for _, m := range console {
				t.Logf("browser console: %s", m)
			}
		}
	})
	return ctx
}

// TestGraphiQLInBrowser loads GraphiQL in headless Chromium from the real
// service (bundled data loaded), runs the first example query with the run
// button and reads the response from the result pane: the page, its embedded
// scripts, its Content-Security-Policy and init.js's fetcher all have to work
// for the figures to show, and the policy must refuse nothing on the way.
func TestGraphiQLInBrowser(t *testing.T) {
	chromium := requireChromium(t)
	_, srv := bundledServer(t)

	start := time.Now()
	ctx := newBrowser(t, chromium)

	step := func(name string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%s: timed out after %s", name, time.Since(start).Round(time.Millisecond))
			}
			t.Fatalf("%s: %v", name, err)
		}
	}
	// The value of the first CodeMirror editor under sel (GraphiQL 4 uses
	// CodeMirror 5, which renders only the visible lines into the DOM).
	editorValue := func(sel string) string {
		return `(() => { const e = document.querySelector('` + sel + ` .CodeMirror'); return e && e.CodeMirror ? e.CodeMirror.getValue() : ''; })()`
	}

	step("watch for CSP violations", recordCSPViolations())
	step("load GraphiQL", chromedp.Navigate(srv.URL+"/"))
	step("wait for the run button", chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")))
	loaded := time.Since(start)

	// The first tab is the first example.
	first := server.Examples[0]
	query, err := chromedp.Run(ctx, chromedp.Poll[string](editorValue(".graphiql-query-editor"),
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("read the query editor: %v", err)
	}
	if !strings.Contains(query, first.Query) {
		t.Fatalf("the query editor does not hold the first example %q:\n%s", first.Name, query)
	}

	step("click the run button", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	result, err := chromedp.Run(ctx, chromedp.Poll[string](editorValue(".result-window"),
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("wait for the result pane: %v", err)
	}
	t.Logf("Chromium at %s: GraphiQL ready in %s, query answered in %s", chromium,
		loaded.Round(time.Millisecond), (time.Since(start) - loaded).Round(time.Millisecond))

	var resp struct {
		Data struct {
			Indicator struct {
				Breakdown struct {
					Total   struct{ Value float64 }
					Members []struct {
						Member struct{ Code, Name string }
						Value  float64
					}
				}
			}
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal([]byte(result), &resp); err != nil {
		t.Fatalf("the result pane is not a JSON response: %v\n%s", err, result)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("errors in the result pane:\n%s", result)
	}
	for _, want := range []string{`"Türkiye"`, `"value": 53`, `"value": 91`} {
		if !strings.Contains(result, want) {
			t.Errorf("the result pane lacks %s:\n%s", want, result)
		}
	}
	// Everything above ran under the page's strict policy, GraphiQL's
	// injected style (nonced) included, without a refusal.
	checkNoCSPViolations(t, ctx)
	b := resp.Data.Indicator.Breakdown
	if b.Total.Value != 91 || len(b.Members) == 0 || b.Members[0].Member.Name != "Türkiye" || b.Members[0].Value != 53 {
		t.Errorf("breakdown: total %v, members %+v; want 91 with Türkiye 53 first", b.Total.Value, b.Members)
	}
}
