package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"indicators/internal/dataset"
	"indicators/internal/export"
	"indicators/internal/sdmx"
	"indicators/internal/store"
)

// defaultSDMXMaxObservations bounds a data query's response: the SDMX-ML
// messages group observations into series in memory (the store streams in
// key order, not series order), and a client that wants more narrows its
// key or periods, or reads /export/sdmx.csv, which streams.
const defaultSDMXMaxObservations = 200_000

// errFound stops the read that checks a query has results.
var errFound = errors.New("found")

// sdmxRequest is an SDMX REST request as read: the query (or why it is
// not one) and the representation asked for (or why none can be given).
type sdmxRequest struct {
	query    sdmx.Query
	queryErr error
	rep      sdmx.Representation
	repErr   error
	// lang is the language of the response's single-language labels
	// (SDMX-JSON's name and description fields), negotiated from
	// Accept-Language as GraphQL does; "" when the representation has no
	// such fields: SDMX-ML names every language, SDMX-CSV writes codes only.
	lang string
}

func parseSDMX(r *http.Request) sdmxRequest {
	var req sdmxRequest
	req.query, req.queryErr = sdmx.Parse(r.PathValue("path"), r.URL.Query())
	kind := sdmx.KindData
	if req.queryErr == nil {
		kind = req.query.Kind()
	}
	req.rep, req.repErr = sdmx.Negotiate(r, kind)
	if req.inJSON() {
		req.lang = dataset.NegotiateLanguage(r.Header.Get("Accept-Language"))
	}
	return req
}

// inJSON reports whether errors go out as SDMX-JSON: the client asked for
// SDMX-JSON and could be given it.
func (req sdmxRequest) inJSON() bool { return req.repErr == nil && req.rep.JSON }

// sdmxRefusal writes a refusal of r as an SDMX error message, in JSON when
// r asks for SDMX-JSON.
func sdmxRefusal(r *http.Request) func(http.ResponseWriter, error) {
	req := parseSDMX(r)
	return func(w http.ResponseWriter, err error) {
		e, _ := sdmx.ErrorOf(err)
		sdmx.WriteError(w, e, req.inJSON())
	}
}

// sdmxHandler serves the SDMX REST 2.1 API, and SDMX 3.0's data path,
// under /sdmx/rest/: data and structure queries, negotiated by Accept or the format parameter, with the
// export's validators (ETag, Last-Modified from the latest revision) and
// SDMX error messages.
func sdmxHandler(s *store.Store, log *slog.Logger, maxObservations int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		w.Header().Add("Vary", "Accept")
		w.Header().Add("Vary", "Accept-Language")
		req := parseSDMX(r)
		q, rep := req.query, req.rep
		fail := func(err error) {
			e, internal := sdmx.ErrorOf(err)
			if internal {
				log.ErrorContext(ctx, "SDMX query failed", "path", r.URL.Path, "error", err)
			}
			sdmx.WriteError(w, e, req.inJSON())
		}
		if req.queryErr != nil {
			fail(req.queryErr)
			return
		}
		if req.repErr != nil {
			fail(req.repErr)
			return
		}
		// The language is part of the representation: one language's
		// copy never validates another's.
		representation := rep.MediaType + " " + r.URL.Path + " " + req.lang
		query := r.URL.Query().Encode()
		if done, err := unchanged(w, r, s, representation, query); err != nil || done {
			if err != nil {
				fail(fmt.Errorf("SDMX query: %w", err))
			}
			return
		}
		tw := &trackingWriter{ResponseWriter: w}
		err := s.Snapshot(ctx, func(rd dataset.Reader) error {
			write, err := sdmxResponse(ctx, rd, q, rep, req.lang, maxObservations)
			if err != nil {
				return err
			}
			if err := tagSnapshot(ctx, w, s, rd, representation, query); err != nil {
				return err
			}
			w.Header().Set("Content-Type", rep.MediaType)
			if req.lang != "" {
				w.Header().Set("Content-Language", req.lang)
			}
			return write(tw)
		})
		if err == nil {
			return
		}
		if tw.wrote {
			log.ErrorContext(ctx, "SDMX response failed mid-way", "path", r.URL.Path, "error", err)
			panic(http.ErrAbortHandler)
		}
		fail(err)
	}
}

// sdmxWrite is a response ready to be written: everything that could fail
// as a client's mistake or an empty result has been checked.
type sdmxWrite func(io.Writer) error

// sdmxResponse resolves a query over one snapshot, its single-language
// labels in lang.
func sdmxResponse(ctx context.Context, rd dataset.Reader, q sdmx.Query, rep sdmx.Representation, lang string, maxObservations int) (sdmxWrite, error) {
	switch q.Kind() {
	case sdmx.KindSchema:
		in, err := export.NewInput(ctx, rd, dataset.Filter{})
		if err != nil {
			return nil, err
		}
		return func(w io.Writer) error { return export.WriteStructureSpecificSchema(ctx, w, in, q.Schema) }, nil
	case sdmx.KindStructure:
		in, err := export.NewInput(ctx, rd, dataset.Filter{})
		if err != nil {
			return nil, err
		}
		sel, err := q.Struct.Select(q.Resource, export.Artefacts(in.CodeLists, in.Releases))
		if err != nil {
			return nil, err
		}
		if in.Items, err = q.Struct.Partial(q.Resource, sel, export.Items(in.CodeLists, in.Releases)); err != nil {
			return nil, err
		}
		in.Lang = lang
		return func(w io.Writer) error {
			if rep.JSON {
				return export.WriteStructureJSON(ctx, w, in, sel)
			}
			return export.WriteStructureML(ctx, w, in, sel)
		}, nil
	}

	if q.Kind() == sdmx.KindAvailability {
		return availabilityResponse(ctx, rd, q, rep, lang, maxObservations)
	}
	in, keys, err := keyedInput(ctx, rd, q, true)
	if err != nil {
		return nil, err
	}
	in.Lang = lang
	if keys != nil {
		query := in.Query
		in.Query = func(ctx context.Context, f dataset.Filter, fn func(dataset.Observation) error) error {
			return query(ctx, f, func(o dataset.Observation) error {
				if !keys.Match(o) {
					return nil
				}
				return fn(o)
			})
		}
	}
	opts := q.Data.Options
	if v := rep.CSVVersion(); v != 0 || rep.JSON {
		if opts.Detail == export.DetailSeriesKeysOnly || opts.Detail == export.DetailNoData {
			return nil, sdmx.NotImplemented("series without observations (detail=%s, or SDMX 3.0's measures=none) are written in the SDMX-ML formats only", opts.Detail)
		}
	}
	if q.Data.History {
		return historyResponse(ctx, rd, in, opts, rep, maxObservations)
	}
	if err := checkSize(ctx, rd, maxObservations, in.Filter); err != nil {
		return nil, err
	}
	if err := in.Each(ctx, func(dataset.Observation) error { return errFound }); err == nil {
		return nil, sdmx.NoResults("no observation matches the query")
	} else if !errors.Is(err, errFound) {
		return nil, err
	}
	return func(w io.Writer) error {
		switch {
		case rep.IsGenericData():
			return export.WriteGenericData(ctx, w, in, opts)
		case rep.IsSpecificData():
			return export.WriteStructureSpecificData(ctx, w, in, opts)
		case rep.JSON:
			return export.WriteSDMXJSON(ctx, w, in, opts)
		default:
			return export.WriteSDMXCSV(ctx, w, in, rep.CSVVersion(), opts)
		}
	}, nil
}

// checkSize refuses a query that reads more than maxObservations (413)
// through its filters, together.
func checkSize(ctx context.Context, rd dataset.Reader, maxObservations int, filters ...dataset.Filter) error {
	total := 0
	for _, f := range filters {
		f.Current = true
		page, err := rd.Observations(ctx, f, dataset.PageRequest{Order: dataset.OrderByKey, First: 1, Count: true})
		if err != nil {
			return err
		}
		total += page.TotalCount
	}
	if total > maxObservations {
		return sdmx.TooLarge("the query selects %d observations, more than the %d a response holds: narrow the key or the periods, or read /export/sdmx.csv",
			total, maxObservations)
	}
	return nil
}

// historyResponse answers includeHistory=true: the selection's versions,
// one or two data sets per revision that changed it, in SDMX-ML 2.1 or
// SDMX-JSON 2.0, whose data sets carry an action and a validity (SDMX-CSV's
// rows have an action but no validity). Its size is that of the selection
// as of every revision, each of which it reads.
func historyResponse(ctx context.Context, rd dataset.Reader, in export.Input, opts export.DataOptions, rep sdmx.Representation, maxObservations int) (sdmxWrite, error) {
	if rep.CSVVersion() != 0 {
		return nil, sdmx.NotImplemented("includeHistory=true is written in SDMX-ML 2.1 and SDMX-JSON 2.0, whose data sets carry a validity; SDMX-CSV has none")
	}
	revisions, err := rd.Revisions(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkSize(ctx, rd, maxObservations, export.HistoryFilters(in.Filter, revisions)...); err != nil {
		return nil, err
	}
	h, err := export.ReadHistory(ctx, in, revisions)
	if err != nil {
		return nil, err
	}
	if h.Empty() {
		return nil, sdmx.NoResults("no observation matches the query in any revision")
	}
	return func(w io.Writer) error {
		switch {
		case rep.IsGenericData():
			return export.WriteGenericDataHistory(ctx, w, in, opts, h)
		case rep.IsSpecificData():
			return export.WriteStructureSpecificDataHistory(ctx, w, in, opts, h)
		}
		return export.WriteSDMXJSONHistory(ctx, w, in, opts, h)
	}, nil
}

// availabilityResponse answers availableconstraint: the codes the data
// has for a partial key, as an actual content constraint. mode=exact reads
// what the key selects; mode=available relaxes each key part in turn, so it
// reads everything in the periods.
func availabilityResponse(ctx context.Context, rd dataset.Reader, q sdmx.Query, rep sdmx.Representation, lang string, maxObservations int) (sdmxWrite, error) {
	in, _, err := keyedInput(ctx, rd, q, q.Avail.Exact)
	if err != nil {
		return nil, err
	}
	in.Lang = lang
	if err := checkSize(ctx, rd, maxObservations, in.Filter); err != nil {
		return nil, err
	}
	a, err := export.Available(ctx, in, q.Data.Key, q.Avail.Exact, q.Avail.Component)
	if err != nil {
		return nil, err
	}
	if a.Observations == 0 {
		return nil, sdmx.NoResults("no observation matches the query")
	}
	sel, err := q.Avail.Structures(export.Artefacts(in.CodeLists, in.Releases))
	if err != nil {
		return nil, err
	}
	withTime := q.Avail.Component == "all" || q.Avail.Component == "TIME_PERIOD"
	return func(w io.Writer) error {
		if rep.JSON {
			return export.WriteAvailabilityJSON(ctx, w, in, a, withTime, sel)
		}
		return export.WriteAvailabilityML(ctx, w, in, a, withTime, sel)
	}, nil
}

// keyedInput reads the input of a data or availability query: its periods
// and, with narrow, the coarse filter of its key, whose codes the dataset
// must have (UNKNOWN_CODE, answered as no results). The key's length is
// checked against the DSD either way; keys is nil for the key "all".
func keyedInput(ctx context.Context, rd dataset.Reader, q sdmx.Query, narrow bool) (export.Input, *export.KeySelection, error) {
	in, err := export.NewInput(ctx, rd, q.Data.Filter)
	if err != nil {
		return in, nil, err
	}
	key, err := q.Data.KeyFor(export.KeyDimensions(in.CodeLists, in.Releases), export.KeyCodes(in.CodeLists, in.Releases),
		export.AttributesAndMeasure(in.CodeLists, in.Releases))
	if err != nil || key == nil {
		return in, nil, err
	}
	keys, err := export.NewKeySelection(in.CodeLists, in.Releases, key)
	if err != nil {
		return in, nil, err
	}
	if narrow {
		in.Filter = keys.Filter(in.Filter)
		if err := dataset.NewCatalog(in.CodeLists, in.Releases, nil).CheckCodes(in.Filter); err != nil {
			return in, nil, err
		}
	}
	return in, &keys, nil
}
