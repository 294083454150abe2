package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/store"
)

// exportHandler serves GET /export/{name} with the filters as query
// parameters. Partners poll these URLs: the ETag names the dataset version,
// the format and the filters, so an unchanged export is a 304 with no body
// and no observation read.
func exportHandler(s *store.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		name := r.PathValue("name")
		f, ok := export.Lookup(name)
		if !ok {
			writeError(w, r, log, dataset.Errorf(dataset.ErrNotFound, "no export format %q; the formats are %s", name, joinNames()))
			return
		}
		q, err := export.ParseQuery(f, r.URL.Query())
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		query := r.URL.Query().Encode()
		if done, err := unchanged(w, r, s, f.Name, query); err != nil || done {
			if err != nil {
				writeError(w, r, log, fmt.Errorf("export %s: %w", f.Name, err))
			}
			return
		}
		tw := &trackingWriter{ResponseWriter: w}
		err = s.Snapshot(ctx, func(rd dataset.Reader) error {
			if err := tagSnapshot(ctx, w, s, rd, f.Name, query); err != nil {
				return err
			}
			in, err := export.NewInput(ctx, rd, q.Filter)
			if err != nil {
				return err
			}
			in.Lang = q.Lang
			w.Header().Set("Content-Type", f.ContentType)
			w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": export.FileName(f, in)}))
			return f.Write(ctx, q.Writer(tw), in)
		})
		if err == nil {
			return
		}
		if tw.wrote {
			if errors.Is(r.Context().Err(), context.Canceled) {
				// The client went away mid-download: nothing failed here.
				log.InfoContext(ctx, "export ended by the client", "format", f.Name)
			} else {
				log.ErrorContext(ctx, "export failed", "format", f.Name, "error", err)
			}
			// Rows are out with a 200 already: abort the connection so the
			// client sees a broken transfer, not a complete-looking file.
			panic(http.ErrAbortHandler)
		}
		writeError(w, r, log, fmt.Errorf("export %s: %w", f.Name, err))
	}
}

// unchanged answers 304 when the request's preconditions name the current
// state of this representation. A poll is answered from the API's pool, one
// small row, so it never queues behind downloads for the export share.
func unchanged(w http.ResponseWriter, r *http.Request, s *store.Store, representation, query string) (bool, error) {
	version, err := s.DatasetVersion(r.Context())
	if err != nil {
		return false, err
	}
	tag := etag(s.Reads(r.Context()), version.String(), representation, query)
	if !notModified(r, tag, version) {
		return false, nil
	}
	setCaching(r.Context(), w, tag, version)
	w.WriteHeader(http.StatusNotModified)
	return true, nil
}

// tagSnapshot sets the validators of a response read from rd: they come
// from the snapshot too, so they name exactly the data sent even when a load
// committed since the poll's check.
func tagSnapshot(ctx context.Context, w http.ResponseWriter, s *store.Store, rd dataset.Reader, representation, query string) error {
	version, err := rd.DatasetVersion(ctx)
	if err != nil {
		return err
	}
	setCaching(ctx, w, etag(s.Reads(ctx), version.String(), representation, query), version)
	return nil
}

// exportRefusal writes a refusal of an export as JSON.
func exportRefusal(*http.Request) func(http.ResponseWriter, error) { return jsonRefusal(mediaJSON) }

// setCaching sets the validators of a response that depends only on the
// dataset version, the request and the viewer's tier. Data that changes
// only when a load commits: caches may keep it but must ask again each time
// ("no-cache"), which the ETag makes cheap. A partner's response holds
// restricted cells: only the partner's own cache may keep it ("private").
func setCaching(ctx context.Context, w http.ResponseWriter, tag string, v dataset.Version) {
	scope := "public"
	if dataset.ViewerOf(ctx).SeesRestricted() {
		scope = "private"
	}
	w.Header().Set("Cache-Control", scope+", no-cache")
	w.Header().Set("ETag", tag)
	if !v.UpdatedAt.IsZero() {
		w.Header().Set("Last-Modified", v.UpdatedAt.UTC().Format(http.TimeFormat))
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

// etag is a strong validator: the same dataset, format, filters, build and
// what the viewer reads (store.Reads: the tier, and the suppression) give
// the same bytes (exports carry no clock time); the tiers read different
// cells, so one's tag never validates the other's copy, nor does a copy
// read before small-cell protection was switched on validate one after.
func etag(reads, version, format, query string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n%s", version, format, query, buildRevision, reads)
	return `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`
}

// notModified evaluates a GET's preconditions against a response's
// validators as RFC 9110 orders them: If-None-Match when present, else
// If-Modified-Since (whole seconds, as HTTP dates are).
func notModified(r *http.Request, tag string, v dataset.Version) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return matches(inm, tag)
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !v.UpdatedAt.IsZero() && !v.UpdatedAt.Truncate(time.Second).After(ims)
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
