package dashboard

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestContrast reads the colours from dashboard.css and checks them against
// the background: text and links 4.5:1 (WCAG 2.1 AA, 1.4.3), chart marks,
// rules and the focus ring 3:1 (1.4.11, non-text contrast).
func TestContrast(t *testing.T) {
	css, err := os.ReadFile("assets/dashboard.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	bg, ok := vars["bg"]
	if !ok {
		t.Fatal("dashboard.css defines no --bg")
	}
	cases := []struct {
		name string
		min  float64
	}{
		{"text", 4.5}, {"muted", 4.5}, {"link", 4.5},
		{"focus", 3}, {"rule", 3},
		{"series-1", 3}, {"series-2", 3}, {"series-3", 3}, {"series-4", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fg, ok := vars[c.name]
			if !ok {
				t.Fatalf("dashboard.css defines no --%s", c.name)
			}
			if r := contrast(fg, bg); r < c.min {
				t.Errorf("--%s %s on %s: contrast %.2f:1, want at least %.1f:1", c.name, fg, bg, r, c.min)
			}
		})
	}
}

// TestContrastFormula checks the formula on pairs whose ratios are known.
func TestContrastFormula(t *testing.T) {
	for _, c := range []struct {
		fg, bg string
		want   float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes AA on white
	} {
		if got := contrast(c.fg, c.bg); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", c.fg, c.bg, got, c.want)
		}
	}
}

// contrast is the WCAG 2.1 contrast ratio of two sRGB colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	channel := func(s string) float64 {
		v, _ := strconv.ParseUint(s, 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	h := strings.TrimPrefix(hex, "#")
	return 0.2126*channel(h[0:2]) + 0.7152*channel(h[2:4]) + 0.0722*channel(h[4:6])
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	t.Cleanup(srv.Close)
	for _, c := range []struct {
		name, path, contentType string
		status                  int
		contains                string
	}{
		{"page", "/dashboard", "text/html; charset=utf-8", 200, `<script src="/dashboard/assets/dashboard.js">`},
		{"script", "/dashboard/assets/dashboard.js", "text/javascript; charset=utf-8", 200, "Accept-Language"},
		{"chart.js", "/dashboard/assets/chart.umd.min.js", "text/javascript; charset=utf-8", 200, "Chart.js v4.5.1"},
		{"stylesheet", "/dashboard/assets/dashboard.css", "text/css; charset=utf-8", 200, "@media print"},
		{"licence", "/dashboard/assets/LICENSE.chartjs.txt", "text/plain; charset=utf-8", 200, "MIT"},
		{"page only at its path", "/dashboard/assets/index.html", "", 404, ""},
		{"unknown file", "/dashboard/assets/nope.js", "", 404, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := http.Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			if c.status != 200 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("Content-Type %q, want %q", got, c.contentType)
			}
			if res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			if !strings.Contains(string(body), c.contains) {
				t.Errorf("body lacks %q", c.contains)
			}
		})
	}
}

// TestPageCSP reads the page's Content-Security-Policy header: nothing
// inline or evaluated may run, scripts, styles and fetches only from the
// origin, and no other page may frame it. (The browser test checks that the
// page renders under it with no violation.)
func TestPageCSP(t *testing.T) {
	srv := httptest.NewServer(Handler())
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + "/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	directives := map[string]string{}
	for _, d := range strings.Split(res.Header.Get("Content-Security-Policy"), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for _, c := range []struct{ directive, want string }{
		{"default-src", "'none'"},
		{"script-src", "'self'"},
		{"style-src", "'self'"},
		{"connect-src", "'self'"},
		{"img-src", "'self' data:"},
		{"base-uri", "'none'"},
		{"form-action", "'none'"},
		{"frame-ancestors", "'none'"},
	} {
		t.Run(c.directive, func(t *testing.T) {
			if got, ok := directives[c.directive]; !ok || got != c.want {
				t.Errorf("%s is %q (present %v), want %q; header: %q", c.directive, got, ok, c.want, res.Header.Get("Content-Security-Policy"))
			}
		})
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer", got)
	}
	// The policy needs the page to have no inline code: every script has a
	// src, and there is no style element, style attribute or event handler
	// attribute. (dashboard.js builds its elements without them.)
	page := string(files["index.html"].data)
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("index.html has an inline script, which the policy refuses: %s", tag)
		}
	}
	for _, c := range []struct{ name, pattern string }{
		{"style element", `<style[\s>]`},
		{"style attribute", `\sstyle=`},
		{"event handler attribute", `\son[a-z]+=`},
	} {
		if m := regexp.MustCompile(c.pattern).FindString(page); m != "" {
			t.Errorf("index.html has a %s, which the policy refuses: %s", c.name, m)
		}
	}
}
