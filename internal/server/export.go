package server

import (
	"log/slog"
	"net/http"
	"strings"

	"indicators/internal/export"
	"indicators/internal/store"
)

// exportHandler serves GET /export/{name} with the filters as query
// parameters.
func exportHandler(s *store.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := export.Formats[r.PathValue("name")]
		if !ok {
			http.Error(w, "unknown export format; one of: "+joinNames(), http.StatusNotFound)
			return
		}
		filter, err := export.ParseFilter(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
		tw := &trackingWriter{ResponseWriter: w}
		if err := export.Write(r.Context(), s, f, filter, tw); err != nil {
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

type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(p)
}

func joinNames() string { return strings.Join(export.FormatNames(), ", ") }
