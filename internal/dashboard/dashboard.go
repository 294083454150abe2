// Package dashboard serves /dashboard: the report's charts rebuilt from the
// public GraphQL API, as the working example a frontend developer copies.
//
// The page, its script, its stylesheet and the vendored Chart.js are
// embedded in the binary (nothing comes from a CDN); the page reads nothing
// but the GraphQL endpoint, with the queries it shows next to each chart.
// assets/README.md names the vendored file, its version and licence.
package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"time"

	"indicators/internal/graphiql"
)

//go:embed assets/*.html assets/*.js assets/*.css assets/LICENSE.*.txt
var embedded embed.FS

// Handler serves the page at "/dashboard" and its files under
// "/dashboard/assets/". Mount it at both paths of the server's mux.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Referrer-Policy", "no-referrer")
		serve(w, r, "index.html")
	})
	mux.HandleFunc("GET /dashboard/assets/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if name == "index.html" {
			http.NotFound(w, r)
			return
		}
		serve(w, r, name)
	})
	return mux
}

// csp is the page's Content-Security-Policy. Scripts, stylesheets and
// fetches come only from this origin and nothing inline runs: the page has
// no inline script, style or style attribute (Chart.js sizes its canvas
// through the CSSOM, which CSP does not govern). The one data: URL is the
// empty favicon, which spares a request for /favicon.ico. No frames, forms
// or plugins.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// file is one embedded file, ready to serve.
type file struct {
	data []byte
	etag string // strong ETag, quoted: a hash of data
}

// files are hashed once per process, not on every request.
var files = loadFiles()

func loadFiles() map[string]file {
	entries, err := fs.ReadDir(embedded, "assets")
	if err != nil {
		panic(err)
	}
	m := make(map[string]file, len(entries))
	for _, e := range entries {
		data, err := fs.ReadFile(embedded, "assets/"+e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		m[e.Name()] = file{data: data, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	}
	return m
}

// serve writes one embedded file with a content-hash ETag, so that a
// browser revalidates cheaply after a new binary changes the file.
func serve(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", f.etag)
	w.Header().Set("Content-Type", graphiql.ContentType(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
}
