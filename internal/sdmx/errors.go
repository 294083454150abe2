package sdmx

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"

	"indicators/internal/dataset"
)

// Error is an SDMX REST error: one of the standard SDMX error codes (SDMX
// 2.1 web services guidelines, section 5.8) and the HTTP status it maps
// to, with a message for the client.
type Error struct {
	Code    int
	Status  int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("SDMX %d: %s", e.Code, e.Message) }

// The standard codes this service answers with.
const (
	codeNoResults      = 100
	codeUnauthorized   = 110
	codeTooLarge       = 130
	codeSyntax         = 140
	codeInternal       = 500
	codeNotImplemented = 501
	codeUnavailable    = 503
	// SDMX 2.1 has no code for an unacceptable media type; SDMX REST 2.0
	// answers 406 and this service numbers the message after it, in the
	// custom range the guidelines leave to services.
	codeNotAcceptable = 1406
	// Nor for a client over its rate limit: numbered after HTTP's 429.
	codeRateLimited = 1429
)

// titles are the standard titles of the codes.
var titles = map[int]string{
	codeNoResults:      "No results found",
	codeUnauthorized:   "Unauthorized",
	codeTooLarge:       "Response too large due to client request",
	codeSyntax:         "Syntax error",
	codeInternal:       "Internal Server error",
	codeNotImplemented: "Not implemented",
	codeUnavailable:    "Service unavailable",
	codeNotAcceptable:  "Not acceptable",
	codeRateLimited:    "Too many requests",
}

func newError(code, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

func syntax(format string, args ...any) error {
	return newError(codeSyntax, http.StatusBadRequest, format, args...)
}

// NotImplemented is the error of a query the specification allows and this
// service does not answer.
func NotImplemented(format string, args ...any) error {
	return newError(codeNotImplemented, http.StatusNotImplemented, format, args...)
}

// NoResults is the error of a query that matches nothing: SDMX answers an
// empty result with 404 NoResultsFound, not with an empty message.
func NoResults(format string, args ...any) error {
	return newError(codeNoResults, http.StatusNotFound, format, args...)
}

// TooLarge is the error of a query whose response would exceed the
// service's limit.
func TooLarge(format string, args ...any) error {
	return newError(codeTooLarge, http.StatusRequestEntityTooLarge, format, args...)
}

// ErrorOf turns any error into an SDMX error: an *Error as it is, a coded
// dataset error by its code (a code the dataset lacks is a query with no
// results, as an SDMX key naming no series is), anything else internal —
// its text stays in the log. It also says whether the fault is the
// service's.
func ErrorOf(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, e.Status >= 500
	}
	msg := dataset.MessageOf(err)
	switch dataset.CodeOf(err) {
	case dataset.ErrBadInput:
		return newError(codeSyntax, http.StatusBadRequest, "%s", msg), false
	case dataset.ErrNotFound, dataset.ErrUnknownCode:
		return newError(codeNoResults, http.StatusNotFound, "%s", msg), false
	case dataset.ErrTooLarge:
		return newError(codeTooLarge, http.StatusRequestEntityTooLarge, "%s", msg), false
	case dataset.ErrNotAcceptable:
		return newError(codeNotAcceptable, http.StatusNotAcceptable, "%s", msg), false
	case dataset.ErrRateLimited:
		return newError(codeRateLimited, http.StatusTooManyRequests, "%s", msg), false
	case dataset.ErrUnauthenticated:
		return newError(codeUnauthorized, http.StatusUnauthorized, "%s", msg), false
	case dataset.ErrUnavailable:
		return newError(codeUnavailable, http.StatusServiceUnavailable, "%s", msg), true
	}
	return newError(codeInternal, http.StatusInternalServerError, "internal error"), true
}

// WriteError writes e as an SDMX-ML 2.1 error message, or as SDMX-JSON's
// errors array when the client negotiated an SDMX-JSON message.
func WriteError(w http.ResponseWriter, e *Error, asJSON bool) {
	h := w.Header()
	for _, k := range []string{"Content-Length", "Content-Disposition", "ETag", "Last-Modified"} {
		h.Del(k)
	}
	if asJSON {
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(e.Status)
		writeJSONError(w, e)
		return
	}
	h.Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(e.Status)
	writeXMLError(w, e)
}

// writeXMLError writes the SDMX-ML 2.1 message:Error: the code, the
// standard title and the message.
func writeXMLError(w io.Writer, e *Error) {
	type text struct {
		Lang  string `xml:"xml:lang,attr"`
		Value string `xml:",chardata"`
	}
	msg := struct {
		XMLName xml.Name `xml:"message:Error"`
		Message string   `xml:"xmlns:message,attr"`
		Common  string   `xml:"xmlns:common,attr"`
		Entry   struct {
			Code  int    `xml:"code,attr"`
			Texts []text `xml:"common:Text"`
		} `xml:"message:ErrorMessage"`
	}{Message: "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message", Common: "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"}
	msg.Entry.Code = e.Code
	msg.Entry.Texts = []text{{"en", titles[e.Code]}, {"en", e.Message}}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	_ = enc.Encode(msg) // the status is out: a failed write has no one to tell
	io.WriteString(w, "\n")
}

// writeJSONError writes an SDMX-JSON 2.0 message holding only its errors.
func writeJSONError(w io.Writer, e *Error) {
	type status struct {
		Code   int    `json:"code"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	_ = json.NewEncoder(w).Encode(struct {
		Errors []status `json:"errors"`
	}{[]status{{Code: e.Code, Title: titles[e.Code], Detail: e.Message}}})
}
