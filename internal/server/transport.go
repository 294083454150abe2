package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"indicators/graph"
	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
)

// Media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// codeBadRequest is extensions.code of a request that is not a GraphQL
// request at all (no query, a body that is not a JSON object, a media type
// the server does not speak, a mutation over GET): the HTTP status says which.
const codeBadRequest = "BAD_REQUEST"

// httpTransport serves GraphQL over HTTP as the GraphQL-over-HTTP spec draft
// (https://graphql.github.io/graphql-over-http/draft/) describes it, where
// gqlgen's GET and POST transports differ from it:
//
//   - The response is application/graphql-response+json when the Accept
//     header prefers it, else application/json (also without Accept, or for
//     */*). An Accept header admitting neither gets 406.
//   - POST bodies must be application/json (415 otherwise, also without a
//     Content-Type or with a charset other than UTF-8) holding one JSON
//     object; a body that is not (invalid JSON, a batch array, trailing data,
//     a query that is not a string) gets 400, a body over the limit 413.
//   - A request without a query gets 400, whatever the Accept header.
//   - A request error (the document does not parse or validate, variables
//     cannot be coerced, unknown operation name, over a limit of graph.Admission)
//     is answered without a data entry, with 400 under
//     application/graphql-response+json and 200 under application/json.
//   - GET executes queries only: a mutation or subscription gets 405 with
//     Allow: POST.
//
// Beyond the spec: a body not received within bodyTimeout gets 408; at most
// slots' worth of requests execute at once and the others queue, or get 503
// with Retry-After once the queue is full or their wait is over; a response
// whose errors say the database is unavailable is a 503 with Retry-After.
//
// A GET answer depends only on the request and the dataset version, so it
// carries validators (ETag, Last-Modified) derived from both, and a request
// whose If-None-Match or If-Modified-Since still holds gets 304 before
// anything is executed.
//
// Each request is charged to its client (rateLimits): a client with its
// most requests in flight, or whose budget does not cover the query's cost,
// gets 429 with Retry-After, and what is charged is in the headers.
type httpTransport struct {
	// version gives the dataset version cheaply (the catalog held in the
	// process); nil makes no response cacheable.
	version func(context.Context) (dataset.Version, error)
	// reads names what the viewer reads, for the validators (store.Reads).
	reads       func(context.Context) string
	bodyTimeout time.Duration
	slots       *slots
	limits      *rateLimits
	// cache answers repeated queries without executing them; nil caches
	// nothing.
	cache *responseCache
}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
		return true
	}
	return false
}

// requestError is a response without data: the request never reached
// execution. graphql.Response would write "data": null.
type requestError struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	h := w.Header()
	h.Add("Vary", "Accept")
	// Labels are served in the language Accept-Language prefers among those
	// offered; the response says which (extensions.language).
	h.Add("Vary", "Accept-Language")
	ctx, lang := dataset.WithLanguage(r.Context(), dataset.NegotiateLanguage(r.Header.Get("Accept-Language")))

	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		reject(w, mediaJSON, http.StatusNotAcceptable,
			"the Accept header admits neither "+mediaGraphQLResponse+" nor "+mediaJSON)
		return
	}
	h.Set("Content-Type", media+"; charset=utf-8")

	// A client over its requests in flight is refused before its body is
	// read: a slow client holds no more connections than its share.
	info := infoOf(ctx)
	client := t.limits.client(r)
	releaseClient, err := t.limits.limiter.Acquire(client)
	if err != nil {
		t.limits.refused(w, r, err, jsonRefusal(media+"; charset=utf-8"))
		return
	}
	defer releaseClient()

	arrived, status, msg := t.readRequest(w, r)
	if status != 0 {
		if status == http.StatusRequestTimeout {
			w.Header().Set("Connection", "close")
		}
		reject(w, media, status, msg)
		return
	}

	isGET := r.Method != http.MethodPost
	var version *dataset.Version
	tag := ""
	// Without the version the request is served, uncached: it reads the
	// same catalog and reports the failure itself.
	readVersion := func() {
		if v, err := t.version(ctx); err == nil {
			version = &v
		}
	}
	if t.version != nil && (isGET || t.cache != nil) {
		// Before a slot is taken: a 304, or an answer from the cache,
		// executes nothing.
		readVersion()
	}
	if isGET && version != nil {
		v := *version
		tag = etag(t.reads(ctx), v.String(), "graphql "+media+" "+lang.Language, r.URL.RawQuery)
		if notModified(r, tag, v) {
			h.Del("Content-Type")
			setCaching(ctx, w, tag, v)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}

	// A request that arrived before as it is now is answered from the
	// cache before it is decoded, charged what its operation cost then.
	raw, rawOK := t.cache.rawKey(ctx, r.Method, arrived, version)
	if rawOK {
		if a, body, ok := t.cache.lookup(raw); ok {
			info.operation = a.operation
			if _, ok := t.charge(w, r, client, media, info, a.points); ok {
				t.answerCached(ctx, w, info, isGET, tag, version, body)
			}
			return
		}
	}
	params, status, msg := decodeParams(r, arrived)
	if status != 0 {
		reject(w, media, status, msg)
		return
	}
	params.Headers = r.Header
	// A request registering a persisted query (its text and its hash)
	// must reach the persisted-query cache each time: it is no alias.
	rawOK = rawOK && (params.Query == "" || params.Extensions["persistedQuery"] == nil)

	release, err := t.slots.acquire(ctx)
	if err != nil {
		info.outcome, info.code = outcomeUnavailable, string(dataset.CodeOf(err))
		retryLater(w, media, err)
		return
	}
	defer release()

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if opCtx != nil && opCtx.Operation != nil {
		// Known once the document validates, even when a limit refuses it.
		info.operation = opCtx.Operation.Name
	}
	if len(errs) > 0 {
		// Refused before it ran: it spends nothing.
		info.outcome, info.code = outcomeRefused, firstCode(errs)
		setRateLimitHeaders(h, t.limits.limiter.Peek(client))
		if isGET && notQuery(params.Query, params.OperationName) {
			rejectNotQuery(w, media)
			return
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		if media == mediaGraphQLResponse {
			w.WriteHeader(http.StatusBadRequest)
		} else {
			w.WriteHeader(http.StatusOK)
		}
		writeJSON(w, requestError{Errors: resp.Errors, Extensions: resp.Extensions})
		return
	}
	if isGET && opCtx.Operation.Operation != ast.Query {
		rejectNotQuery(w, media)
		return
	}

	// The cost admission computed is charged before anything runs.
	cost, _ := graph.CostOf(graphql.WithOperationContext(ctx, opCtx))
	charged, ok := t.charge(w, r, client, media, info, cost.Points)
	if !ok {
		return
	}
	ctx = ratelimit.WithStatus(ctx, charged)

	key, cacheable := t.cache.key(ctx, opCtx, version)
	if cacheable {
		if body, ok := t.cache.get(key); ok {
			t.answerCached(ctx, w, info, isGET, tag, version, body)
			return
		}
		info.cache = cacheMiss
	}

	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen executes nothing once the request's deadline has passed
		// (while the request was parsed and validated, say).
		err := context.Cause(ctx)
		info.outcome, info.code = outcomeUnavailable, string(dataset.CodeOf(err))
		retryLater(w, media, err)
		return
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["language"] = languageExtension{Served: lang.Language, FellBack: lang.FellBack()}
	switch {
	case isGET && version != nil && len(resp.Errors) == 0:
		setCaching(ctx, w, tag, *version)
	case isGET:
		// An error may be passing (a timeout, the database away): keep it
		// out of caches.
		h.Set("Cache-Control", "no-store")
	}
	status = http.StatusOK
	info.outcome = outcomeOK
	if len(resp.Errors) > 0 {
		info.outcome, info.code = outcomeError, firstCode(resp.Errors)
	}
	if databaseUnavailable(resp) {
		w.Header().Set("Retry-After", retryAfter)
		status = http.StatusServiceUnavailable
		info.outcome, info.code = outcomeUnavailable, string(dataset.ErrDatabaseUnavailable)
	}
	body := responseBody(resp)
	if cacheable && status == http.StatusOK && len(resp.Errors) == 0 {
		t.cache.put(key, raw, rawOK, alias{operation: info.operation, points: cost.Points}, body)
	}
	writeBody(w, status, body)
}

// writeBody answers status with body, its length stated: a body larger than
// net/http's buffer is otherwise sent chunked, a write more for every
// answer (a page of 100 nested rows is some 85 kB).
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// charge charges client points for a request, writing the rate-limit
// headers, or answers the refusal; ok is false when it refused.
func (t httpTransport) charge(w http.ResponseWriter, r *http.Request, client ratelimit.Client, media string, info *requestInfo, points int) (charged ratelimit.Status, ok bool) {
	charged, err := t.limits.limiter.Charge(client, points)
	if err != nil {
		t.limits.refused(w, r, err, jsonRefusal(media+"; charset=utf-8"))
		return charged, false
	}
	info.cost = charged.Cost
	setRateLimitHeaders(w.Header(), charged)
	return charged, true
}

// answerCached answers with a body from the response cache.
func (t httpTransport) answerCached(ctx context.Context, w http.ResponseWriter, info *requestInfo, isGET bool, tag string, version *dataset.Version, body []byte) {
	info.outcome, info.cache = outcomeOK, cacheHit
	if isGET {
		setCaching(ctx, w, tag, *version)
	}
	writeBody(w, http.StatusOK, body)
}

// languageExtension is a response's extensions.language: the language its
// labels were served in, and those served in English for want of a
// translation (none when the language served is English).
type languageExtension struct {
	Served   string   `json:"served"`
	FellBack []string `json:"fellBack"`
}

// retryAfter is when a client may try again after a 503, in seconds:
// longer than a busy moment or a database restart usually lasts.
const retryAfter = "5"

// retryLater answers err, a request the service could not take on now,
// with 503 and Retry-After.
func retryLater(w http.ResponseWriter, media string, err error) {
	w.Header().Set("Retry-After", retryAfter)
	writeErrorBody(w, media+"; charset=utf-8", http.StatusServiceUnavailable, string(dataset.CodeOf(err)), dataset.MessageOf(err))
}

// firstCode is the code of a response's first error (the log line's and
// the refusals metric's reason).
func firstCode(errs gqlerror.List) string {
	for _, e := range errs {
		if c, ok := e.Extensions["code"].(string); ok {
			return c
		}
	}
	if len(errs) > 0 {
		return string(dataset.ErrInternal)
	}
	return ""
}

func databaseUnavailable(resp *graphql.Response) bool {
	for _, e := range resp.Errors {
		if e.Extensions["code"] == string(dataset.ErrDatabaseUnavailable) {
			return true
		}
	}
	return false
}

// readRequest reads the GraphQL request as it arrived: the URL's query
// (GET) or the body (POST). A non-zero status means it cannot be a GraphQL
// request. The body must arrive within bodyTimeout: a client sending a byte
// a second holds no connection for longer.
func (t httpTransport) readRequest(w http.ResponseWriter, r *http.Request) (arrived []byte, status int, msg string) {
	if r.Method == http.MethodPost {
		if status, msg := checkContentType(r.Header.Get("Content-Type")); status != 0 {
			return nil, status, msg
		}
		rc := http.NewResponseController(w)
		// Not every ResponseWriter supports deadlines (httptest's recorder).
		_ = rc.SetReadDeadline(time.Now().Add(t.bodyTimeout))
		body, err := io.ReadAll(r.Body)
		_ = rc.SetReadDeadline(time.Time{})
		if err != nil {
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				return nil, http.StatusRequestEntityTooLarge,
					"the request body is larger than " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes"
			case errors.Is(err, os.ErrDeadlineExceeded):
				return nil, http.StatusRequestTimeout,
					"the request body did not arrive within " + t.bodyTimeout.String()
			}
			return nil, http.StatusBadRequest, "could not read the request body"
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, http.StatusBadRequest, `the request body is empty: send a JSON object such as {"query": "{ releases { code } }"}`
		}
		return body, 0, ""
	}
	return []byte(r.URL.RawQuery), 0, ""
}

// decodeParams decodes the request readRequest read. A non-zero status
// means it is not a GraphQL request.
func decodeParams(r *http.Request, arrived []byte) (params *graphql.RawParams, status int, msg string) {
	params = &graphql.RawParams{}
	params.ReadTime.Start = graphql.Now()
	if r.Method == http.MethodPost {
		if err := decodeJSON(string(arrived), params); err != nil {
			return nil, http.StatusBadRequest, "the request body is not a GraphQL request (a JSON object with a string query, optional string operationName, object variables and object extensions): " + jsonProblem(err)
		}
	} else {
		q, err := url.ParseQuery(string(arrived))
		if err != nil {
			return nil, http.StatusBadRequest, "the URL query string is malformed: " + err.Error()
		}
		params.Query = q.Get("query")
		params.OperationName = q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := decodeJSON(v, &params.Variables); err != nil {
				return nil, http.StatusBadRequest, "the variables parameter is not a JSON object: " + jsonProblem(err)
			}
		}
		if v := q.Get("extensions"); v != "" {
			if err := decodeJSON(v, &params.Extensions); err != nil {
				return nil, http.StatusBadRequest, "the extensions parameter is not a JSON object: " + jsonProblem(err)
			}
		}
	}
	// A persisted query's hash stands for its document (persistedQueries).
	if strings.TrimSpace(params.Query) == "" && params.Extensions["persistedQuery"] == nil {
		return nil, http.StatusBadRequest, "the request has no query: send the GraphQL document in the query parameter"
	}
	params.ReadTime.End = graphql.Now()
	return params, 0, ""
}

// checkContentType accepts application/json in UTF-8 (stated or not).
func checkContentType(v string) (status int, msg string) {
	if v == "" {
		return http.StatusUnsupportedMediaType, "the request has no Content-Type: POST a JSON body as " + mediaJSON
	}
	mt, p, err := mime.ParseMediaType(v)
	if err != nil || mt != mediaJSON {
		return http.StatusUnsupportedMediaType, "unsupported Content-Type " + strconv.Quote(v) + ": POST a JSON body as " + mediaJSON
	}
	if cs, ok := p["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return http.StatusUnsupportedMediaType, "unsupported charset " + strconv.Quote(cs) + ": send UTF-8"
	}
	return 0, ""
}

var errTrailingData = errors.New("unexpected data after the JSON value")

// decodeJSON decodes exactly one JSON value, keeping numbers as json.Number
// as gqlgen's own transports do.
func decodeJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailingData
	}
	return nil
}

// jsonProblem says what is wrong with a JSON value in the client's terms:
// encoding/json's messages name the Go types it decodes into.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return "invalid JSON at byte " + strconv.FormatInt(syntax.Offset, 10)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return "the field " + strconv.Quote(typ.Field) + " may not be " + article(typ.Value)
		}
		return "it is " + article(typ.Value) + ", not an object"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the JSON ends early"
	case errors.Is(err, errTrailingData):
		return err.Error()
	}
	return "invalid JSON"
}

func article(jsonType string) string {
	switch jsonType {
	case "array", "object":
		return "an " + jsonType
	case "":
		return "a value"
	}
	return "a " + jsonType
}

// notQuery reports whether the operation a GET request selects is a mutation
// or subscription. The document is parsed again only on this error path.
func notQuery(query, operationName string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	op := doc.Operations.ForName(operationName)
	return op != nil && op.Operation != ast.Query
}

func rejectNotQuery(w http.ResponseWriter, media string) {
	w.Header().Set("Allow", "POST")
	reject(w, media, http.StatusMethodNotAllowed, "GET requests execute queries only: send mutations and subscriptions with POST")
}

func reject(w http.ResponseWriter, media string, status int, msg string) {
	writeErrorBody(w, media+"; charset=utf-8", status, codeBadRequest, msg)
}

func writeJSON(w io.Writer, v any) { w.Write(marshalJSON(v)) }

// responseBody is json.Marshal(resp) without re-reading the data: Marshal
// validates and compacts a json.RawMessage byte by byte, a tenth of the CPU
// of a page of 100 observations. gqlgen writes the data compact and valid,
// so it goes in as it is, HTML-escaped as Marshal escapes it (the same
// bytes). A response of an incremental delivery (label, path, hasNext),
// which this transport does not send, is marshalled whole.
func responseBody(resp *graphql.Response) []byte {
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		return marshalJSON(resp)
	}
	var b bytes.Buffer
	b.Grow(len(resp.Data) + 256)
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		b.WriteString(`"errors":`)
		b.Write(marshalJSON(resp.Errors))
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	if resp.Data == nil {
		b.WriteString("null")
	} else {
		writeHTMLEscaped(&b, resp.Data)
	}
	if len(resp.Extensions) > 0 {
		b.WriteString(`,"extensions":`)
		b.Write(marshalJSON(resp.Extensions))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// writeHTMLEscaped writes data as json.HTMLEscape does. Most responses
// hold none of what it escapes (<, >, &, U+2028, U+2029; the last two begin
// with the byte 0xE2), so those bytes are looked for first with IndexByte,
// a fraction of what escaping's byte-by-byte copy costs.
func writeHTMLEscaped(b *bytes.Buffer, data []byte) {
	for _, c := range []byte{'<', '>', '&', 0xE2} {
		if bytes.IndexByte(data, c) >= 0 {
			json.HTMLEscape(b, data)
			return
		}
	}
	b.Write(data)
}

func marshalJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// A response that does not marshal is a bug; the handler's recover
		// turns the panic into a 500, as gqlgen's transports do.
		panic(err)
	}
	return b
}

// negotiate picks the response media type from an Accept header: the
// acceptable one with the higher q; on a tie
// application/graphql-response+json when named explicitly, else
// application/json, the spec's default (no header, */*, application/*).
// ok is false when the header admits neither.
func negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	gr, js := acceptQ{}, acceptQ{}
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		gr.offer(mt, mediaGraphQLResponse, q)
		js.offer(mt, mediaJSON, q)
	}
	switch {
	case gr.q <= 0 && js.q <= 0:
		return "", false
	case gr.q > js.q, gr.q == js.q && gr.specificity == exactRange:
		return mediaGraphQLResponse, true
	default:
		return mediaJSON, true
	}
}

// Specificity of the media range that matched a media type: the most
// specific one decides its q (RFC 9110, section 12.5.1).
const (
	noRange = iota
	anyRange
	subtypeRange
	exactRange
)

type acceptQ struct {
	q           float64
	specificity int
}

func (a *acceptQ) offer(mediaRange, media string, q float64) {
	typ, _, _ := strings.Cut(media, "/")
	s := noRange
	switch mediaRange {
	case media:
		s = exactRange
	case typ + "/*":
		s = subtypeRange
	case "*/*":
		s = anyRange
	}
	if s > a.specificity || s == a.specificity && s != noRange && q > a.q {
		a.q, a.specificity = q, s
	}
}
