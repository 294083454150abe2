package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// recordCSPViolations makes every document the tab opens from now on keep
// its Content-Security-Policy violations in window.__cspViolations, from
// before the page's first script: the securitypolicyviolation event is the
// page's own view of what its policy blocked (the browser's "Refused to …"
// messages go to the DevTools log, not to the console the tests watch).
func recordCSPViolations() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + (e.sourceFile || 'page') + ':' + e.lineNumber + ')'));`})
		return chromedp.Void{}, err
	}
}

// checkNoCSPViolations fails the test with the violations the open document
// recorded (see recordCSPViolations).
func checkNoCSPViolations(t *testing.T, ctx context.Context) {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	if err != nil {
		t.Fatalf("read the CSP violations: %v", err)
	}
	if v == nil {
		t.Fatal("the page has no record of CSP violations: recordCSPViolations did not run before it")
	}
	if len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// axeTags are the axe-core rule sets run: WCAG 2.0, 2.1 and 2.2 at levels A
// and AA (axe tags WCAG 2.2's new AA rule wcag22aa and has no wcag22a), and
// axe's best practices, which hold the landmark and heading rules (every
// part of the page in a landmark, one main, landmarks named apart, no
// skipped heading level) that WCAG leaves to judgement.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// axeViolation is one failed axe rule and the elements that fail it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeSource is axe.min.js from the axe-core npm package installed (pinned by
// testdata/axe/package-lock.json) in $AXE_CORE_DIR or testdata/axe.
func axeSource(t *testing.T) string {
	t.Helper()
	dir := npmDir(t, "AXE_CORE_DIR", "axe", "the axe-core npm package", "axe-core/axe.min.js")
	src, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// checkAxe runs axe-core's WCAG A/AA rules on the open document and fails
// the test with every violation, each with the elements and what to fix.
// axe is evaluated through DevTools, which the page's CSP does not govern,
// so the audit needs no hole in the policy; what it reads is the page as a
// reader has it (the caller opens what it wants audited).
func checkAxe(t *testing.T, ctx context.Context, src string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
		t.Fatalf("load axe-core into the page: %v", err)
	}
	tags := `['` + strings.Join(axeTags, `', '`) + `']`
	start := time.Now()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Version    string         `json:"version"`
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}](`axe.run(document, { runOnly: { type: 'tag', values: `+tags+` }, resultTypes: ['violations'] })
  .then((r) => ({ version: axe.version, passes: r.passes.length,
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary.replace(/\s+/g, ' ')) })) }))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	t.Logf("axe-core %s (%s): %d rules passed, %d failed, in %s", res.Version, strings.Join(axeTags, ", "),
		res.Passes, len(res.Violations), time.Since(start).Round(time.Millisecond))
	if res.Passes == 0 {
		t.Error("axe-core passed no rule: it audited nothing")
	}
	for _, v := range res.Violations {
		t.Errorf("axe %s (%s): %s; %d elements, first: %s", v.ID, v.Impact, v.Help, len(v.Nodes), v.Nodes[0])
	}
}
