// Package graphiql serves the GraphiQL IDE for the GraphQL API.
//
// Every script and stylesheet the page needs (React, ReactDOM, GraphiQL and
// a small bootstrap script) is embedded in the binary, so the page works on
// networks without internet access: nothing is loaded from a CDN. The
// vendored files, their versions and licences are described in
// assets/README.md.
package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Example is a saved query shown in GraphiQL.
type Example struct {
	Name      string
	Query     string
	Variables string // JSON or ""
}

// Asset file names, relative to assets/.
const (
	reactJS    = "react.production.min.js"
	reactDOMJS = "react-dom.production.min.js"
	graphiqlJS = "graphiql.min.js"
	graphiqlCS = "graphiql.min.css"
	initJS     = "init.js"
	pageCSS    = "page.css"
)

//go:embed assets/*.js assets/*.css assets/LICENSE.*.txt
var embedded embed.FS

// asset is one embedded file, ready to serve.
type asset struct {
	name        string
	contentType string
	data        []byte
	etag        string // strong ETag, quoted
	version     string // short content hash used as ?v= cache buster

	gzipOnce sync.Once
	gzipData []byte // nil when not worth compressing
}

var assets = loadAssets()

func loadAssets() map[string]*asset {
	m := make(map[string]*asset)
	entries, err := fs.ReadDir(embedded, "assets")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(embedded, "assets/"+e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		m[e.Name()] = &asset{
			name:        e.Name(),
			contentType: ContentType(e.Name()),
			data:        data,
			etag:        `"` + h[:32] + `"`,
			version:     h[:12],
		}
	}
	return m
}

// ContentType is the media type an embedded page file is served with
// (the dashboard's too). It is fixed here rather than taken from
// mime.TypeByExtension, which consults the host's mime tables and may map
// .js differently.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
}

// gzipped returns the gzip-compressed file, computed on first use, or nil
// for files that are too small to be worth it.
func (a *asset) gzipped() []byte {
	a.gzipOnce.Do(func() {
		if len(a.data) < 4096 || !strings.HasPrefix(a.contentType, "text/") {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.data)
		zw.Close()
		a.gzipData = buf.Bytes()
	})
	return a.gzipData
}

// url is the page-relative URL of the asset, carrying its content hash so
// that it can be cached for a long time.
func (a *asset) url() string {
	return "assets/" + a.name + "?v=" + a.version
}

// tab is one GraphiQL tab opened on first load, as seen by init.js.
type tab struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// config is handed to init.js through a <script type="application/json">
// block.
type config struct {
	Endpoint string `json:"endpoint"`
	// StyleNonce lets GraphiQL's dialogs inject their <style> element
	// under the page's Content-Security-Policy.
	StyleNonce string `json:"styleNonce"`
	// ExamplesVersion changes whenever the examples do; init.js uses it to
	// offer changed examples to browsers that stored earlier tabs.
	ExamplesVersion string `json:"examplesVersion"`
	Tabs            []tab  `json:"tabs"`
}

type pageData struct {
	Title   string
	Config  config
	Scripts []string
	Styles  []string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
{{range .Styles}}<link rel="stylesheet" href="{{.}}">
{{end -}}
</head>
<body>
<div id="graphiql"><noscript>GraphiQL needs JavaScript.</noscript></div>
<script id="graphiql-config" type="application/json">{{.Config}}</script>
{{range .Scripts}}<script src="{{.}}"></script>
{{end -}}
</body>
</html>
`))

// Handler serves the GraphiQL page at its root path and the assets below
// "assets/". It is meant to be mounted at "/" (or at "/prefix/" behind
// http.StripPrefix("/prefix", ...)); asset URLs in the page are relative.
//
// The page runs queries against endpoint (a URL, usually a path such as
// "/graphql") with POST requests. Each example opens as its own tab, the
// first one active. GraphiQL titles a tab after the query's operation name,
// so an anonymous example query is given a name derived from Example.Name;
// each query also starts with a "# Name" comment.
//
// Only GET and HEAD are allowed (405 otherwise); other paths are 404.
func Handler(title, endpoint string, examples []Example) http.Handler {
	if title == "" {
		title = "GraphiQL"
	}
	tabs := exampleTabs(examples)
	tabsJSON, _ := json.Marshal(tabs)
	sum := sha256.Sum256(tabsJSON)

	h := &handler{
		title: title,
		cfg: config{
			Endpoint:        endpoint,
			ExamplesVersion: hex.EncodeToString(sum[:8]),
			Tabs:            tabs,
		},
		connectSrc: connectSources(endpoint),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.page)
	mux.HandleFunc("GET /assets/{name}", h.asset)
	h.mux = mux
	return h
}

type handler struct {
	title      string
	cfg        config
	connectSrc string
	mux        *http.ServeMux
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	h.mux.ServeHTTP(w, r)
}

func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	nonce := rand.Text()
	cfg := h.cfg
	cfg.StyleNonce = nonce
	data := pageData{
		Title:  h.title,
		Config: cfg,
		Styles: []string{assets[graphiqlCS].url(), assets[pageCSS].url()},
		Scripts: []string{
			assets[reactJS].url(),
			assets[reactDOMJS].url(),
			assets[graphiqlJS].url(),
			assets[initJS].url(),
		},
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		http.Error(w, "rendering GraphiQL page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "no-store") // the nonce changes on every request
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", h.csp(nonce))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// csp is the page's Content-Security-Policy. Scripts and stylesheets come
// only from this handler; the single inline style GraphiQL injects (scroll
// locking while a dialog is open) carries the per-request nonce. The fonts
// and a few icons in graphiql.min.css are data: URLs.
func (h *handler) csp(nonce string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'nonce-" + nonce + "'",
		"font-src 'self' data:",
		"img-src 'self' data:",
		"connect-src " + h.connectSrc,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// connectSources allows fetches to the page's own origin and, when endpoint
// is an absolute URL, to the endpoint's origin.
func connectSources(endpoint string) string {
	src := "'self'"
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return src
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
		return src + " " + u.Scheme + "://" + u.Host
	}
	return src
}

func (h *handler) asset(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	if r.URL.Query().Get("v") == a.version {
		// The URL names this exact content: cache it for good.
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	body, etag := a.data, a.etag
	if gz := a.gzipped(); gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			hd.Set("Content-Encoding", "gzip")
			body, etag = gz, strings.TrimSuffix(a.etag, `"`)+`-gzip"`
		}
	}
	hd.Set("ETag", etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header value admits gzip.
func acceptsGzip(v string) bool {
	for part := range strings.SplitSeq(v, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			k, val, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}

// exampleTabs turns the examples into GraphiQL tabs.
func exampleTabs(examples []Example) []tab {
	tabs := make([]tab, 0, len(examples))
	used := make(map[string]bool)
	for i, ex := range examples {
		name := strings.Join(strings.Fields(ex.Name), " ")
		if name == "" {
			name = fmt.Sprintf("Example %d", i+1)
		}
		opName := uniqueName(operationName(name), used)
		tabs = append(tabs, tab{
			Name:      name,
			Query:     tabQuery(name, opName, ex.Query),
			Variables: prettyJSON(ex.Variables),
		})
	}
	return tabs
}

// tabQuery prefixes query with a "# name" comment line and names its
// operation opName if it is anonymous, since GraphiQL titles tabs after the
// operation name (comments are not used for titles).
func tabQuery(name, opName, query string) string {
	query = strings.TrimSpace(query)
	query = nameAnonymousOperation(query, opName)
	comment := "# " + name
	if first, _, _ := strings.Cut(query, "\n"); strings.TrimSpace(first) == comment {
		return query
	}
	return comment + "\n" + query
}

// nameAnonymousOperation gives the document's first operation the name
// opName when that operation is anonymous ("{ ... }" or "query { ... }",
// "query($x: Int) { ... }", ...). Any other document is returned unchanged.
func nameAnonymousOperation(doc, opName string) string {
	i := skipIgnored(doc, 0)
	if i >= len(doc) {
		return doc
	}
	if doc[i] == '{' {
		return doc[:i] + "query " + opName + " " + doc[i:]
	}
	j := i
	for j < len(doc) && isNameChar(doc[j]) {
		j++
	}
	switch doc[i:j] {
	case "query", "mutation", "subscription":
	default:
		return doc
	}
	k := skipIgnored(doc, j)
	if k < len(doc) && strings.IndexByte("{(@", doc[k]) >= 0 {
		return doc[:j] + " " + opName + doc[j:]
	}
	return doc
}

// skipIgnored skips GraphQL's ignored tokens (white space, line terminators,
// commas, comments and a byte order mark) from i on.
func skipIgnored(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ', s[i] == '\t', s[i] == '\n', s[i] == '\r', s[i] == ',':
			i++
		case s[i] == '#':
			for i < len(s) && s[i] != '\n' && s[i] != '\r' {
				i++
			}
		case strings.HasPrefix(s[i:], "\uFEFF"):
			i += len("\uFEFF")
		default:
			return i
		}
	}
	return i
}

func isNameChar(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// operationName turns an example name into a GraphQL name:
// "Top 10 indicators (2024)" → "Top10Indicators2024".
func operationName(name string) string {
	var b strings.Builder
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isNameChar(c) || c == '_' {
			upper = true
			continue
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		upper = false
		b.WriteByte(c)
	}
	s := b.String()
	if s == "" {
		return "Example"
	}
	if '0' <= s[0] && s[0] <= '9' {
		return "Example" + s
	}
	return s
}

// uniqueName returns name, or name with a numeric suffix if it was already
// used, and records the result as used.
func uniqueName(name string, used map[string]bool) string {
	n := name
	for i := 2; used[n]; i++ {
		n = name + strconv.Itoa(i)
	}
	used[n] = true
	return n
}

// prettyJSON indents valid JSON for the variables editor and returns
// anything else trimmed but unchanged.
func prettyJSON(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || !json.Valid([]byte(s)) {
		return s
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(s), "", "  "); err != nil {
		return s
	}
	return buf.String()
}
