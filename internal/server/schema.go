package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// schemaHandler serves GET /graphql/schema.graphql: the schema as the
// server executes it (every graph/*.graphqls together, printed once), for
// code generators and typed clients. Its tag is its bytes' hash, so a client
// caching it asks again cheaply and learns of a new schema on the next
// deploy.
func schemaHandler(schema *ast.Schema) http.Handler {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf).FormatSchema(schema)
	sdl := buf.Bytes()
	sum := sha256.Sum256(sdl)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// SDL has no registered media type; as plain UTF-8 text a browser
		// shows it and every tool reads it, and the file name says what it is.
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="schema.graphql"`)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", tag)
		// ServeContent answers If-None-Match with 304, and HEAD and ranges.
		http.ServeContent(w, r, "schema.graphql", time.Time{}, bytes.NewReader(sdl))
	})
}
