package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"

	"indicators/internal/export"
	"indicators/internal/store"
)

// exportHandler serves GET /export/{name} with the filters as query
// parameters. Partners poll these URLs: the ETag names the dataset version,
// the format and the filters, so an unchanged export is a 304 with no body
// and no observation read.
func exportHandler(s *store.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := export.Lookup(r.PathValue("name"))
		if !ok {
			http.Error(w, "unknown export format; one of: "+joinNames(), http.StatusNotFound)
			return
		}
		filter, err := export.ParseFilter(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// The version is read before the data: a load in between gives the
		// newer data the older tag, which only costs the client one more
		// download at its next poll, never a stale 304.
		version, err := s.DatasetVersion(r.Context())
		if err != nil {
			log.ErrorContext(r.Context(), "export failed", "format", f.Name, "error", err)
			http.Error(w, "export failed", http.StatusInternalServerError)
			return
		}
		tag := etag(version, f.Name, r.URL.Query().Encode())
		// no-cache: caches may keep the file but must ask again each time,
		// which the ETag makes cheap.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", tag)
		if matches(r.Header.Get("If-None-Match"), tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		in, err := export.NewInput(r.Context(), s, filter)
		if err != nil {
			log.ErrorContext(r.Context(), "export failed", "format", f.Name, "error", err)
			http.Error(w, "export failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": export.FileName(f, in)}))
		tw := &trackingWriter{ResponseWriter: w}
		if err := f.Write(r.Context(), tw, in); err != nil {
			log.ErrorContext(r.Context(), "export failed", "format", f.Name, "error", err)
			if tw.wrote {
				// Rows are out with a 200 already: abort the connection so the
				// client sees a broken transfer, not a complete-looking file.
				panic(http.ErrAbortHandler)
			}
			http.Error(w, "export failed", http.StatusInternalServerError)
		}
	}
}

// buildRevision is the commit the binary was built from, when Go recorded
// one: a new build may write a format differently, so it is part of the tag.
var buildRevision = func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
			rev += " " + s.Value
		}
	}
	return rev
}()

// etag is a strong validator: the same dataset, format, filters and build
// give the same bytes (exports carry no clock time).
func etag(version, format, query string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s", version, format, query, buildRevision)
	return `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`
}

// matches applies If-None-Match: a list of tags or "*", compared weakly as
// RFC 9110 requires for this header.
func matches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(p)
}

func joinNames() string { return strings.Join(export.FormatNames(), ", ") }
