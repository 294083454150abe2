package server

import (
	"log/slog"
	"net/http"

	"indicators/internal/dataset"
)

// errorStatus is the HTTP status of each error code outside GraphQL.
// Anything else, an uncoded error above all, is a 500.
var errorStatus = map[dataset.ErrorCode]int{
	dataset.ErrBadInput:        http.StatusBadRequest,
	dataset.ErrNotFound:        http.StatusNotFound,
	dataset.ErrUnknownCode:     http.StatusBadRequest,
	dataset.ErrNotAcceptable:   http.StatusNotAcceptable,
	dataset.ErrTooLarge:        http.StatusRequestEntityTooLarge,
	dataset.ErrRateLimited:     http.StatusTooManyRequests,
	dataset.ErrUnauthenticated: http.StatusUnauthorized,
	dataset.ErrUnavailable:     http.StatusServiceUnavailable,
	// Both pass: the client retries after Retry-After.
	dataset.ErrDatabaseUnavailable: http.StatusServiceUnavailable,
	dataset.ErrTimeout:             http.StatusServiceUnavailable,
	dataset.ErrInternal:            http.StatusInternalServerError,
	// A computation the request asks for that cannot be answered as asked:
	// the client narrows or splits it.
	dataset.ErrTooManyObservations: http.StatusBadRequest,
	dataset.ErrIncompatibleUnits:   http.StatusBadRequest,
	dataset.ErrDoubleCounting:      http.StatusBadRequest,
}

func statusOf(code dataset.ErrorCode) int {
	if s, ok := errorStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// writeError answers a request outside GraphQL with err: the status its code
// says and {"errors":[{"message":…,"extensions":{"code":…}}]}, the shape a
// GraphQL client already reads. The client sees only the coded message;
// the whole chain goes to the log when the fault is the service's.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := dataset.CodeOf(err)
	status := statusOf(code)
	switch {
	case code == dataset.ErrInternal:
		log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "error", err)
	case status >= http.StatusInternalServerError:
		log.WarnContext(r.Context(), "request failed", "path", r.URL.Path, "code", code, "error", err)
	}
	// The error replaces whatever representation the handler had begun to
	// describe: no tag or file name belongs to it.
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Disposition")
	h.Del("ETag")
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", retryAfter)
	}
	writeErrorBody(w, mediaJSON, status, string(code), dataset.MessageOf(err))
}

// errorBody is the one error shape of every HTTP endpoint.
type errorBody struct {
	Errors []errorEntry `json:"errors"`
}

type errorEntry struct {
	Message    string          `json:"message"`
	Extensions errorExtensions `json:"extensions"`
}

type errorExtensions struct {
	Code string `json:"code"`
}

// writeErrorBody writes one error in the shape of errorBody. writeError picks
// status and code from a dataset error; the GraphQL transport passes its own
// for requests that are not GraphQL requests.
func writeErrorBody(w http.ResponseWriter, contentType string, status int, code, message string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	writeJSON(w, errorBody{Errors: []errorEntry{{Message: message, Extensions: errorExtensions{Code: code}}}})
}
