package graph

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
	"github.com/vektah/gqlparser/v2/ast"

	"indicators/graph/model"
	"indicators/graph/scalar"
	"indicators/internal/dataset"
)

// PageWriter writes a page of observations (any field whose value is an
// ObservationConnection, or a list of observations) in one pass over its
// rows, where gqlgen would execute each field of each row on its own.
//
// Why: gqlgen gives every field it executes a FieldContext, a context, a
// turn through the field middleware, a marshaler and, for an object, a
// field set and a deferred group with its path: some fifteen allocations a
// field. A page of 100 rows with nested code-list objects is some 3,500
// fields, so a page cost twenty times one cell, almost all of it in that
// machinery (docs/benchmarks.md). The writer covers the fields of an
// observation and of the code-list objects it nests whose resolvers read
// only the row and the catalog, and it calls those same resolvers: what a
// field answers is still decided in one place. A selection with any other
// field (one that reads other rows, such as `previous`, or one with
// arguments the writer does not read), a resolver's error, a null where
// the schema wants a value, @defer, a passed deadline or a value budget the
// page would overrun leave the page to gqlgen, which answers it in full,
// errors and paths included. TestPageWriterAnswersAsGqlgen holds the two to
// the same bytes.
type PageWriter struct{ Resolvers ResolverRoot }

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = PageWriter{}

func (PageWriter) ExtensionName() string                          { return "PageWriter" }
func (PageWriter) Validate(schema graphql.ExecutableSchema) error { return nil }

// InterceptField resolves the field as usual and, when it resolved to a
// page or a list of observations (an indicator's series, a breakdown
// member's cells) the writer covers, answers with its JSON.
func (p PageWriter) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	var write func(w *pageWriter, sel ast.SelectionSet)
	switch v := res.(type) {
	case *model.ObservationConnection:
		if v != nil {
			write = func(w *pageWriter, sel ast.SelectionSet) { w.connection(sel, v) }
		}
	case []dataset.Observation:
		if v != nil {
			write = func(w *pageWriter, sel ast.SelectionSet) {
				w.list(len(v), func(i int) { w.observationObject(sel, &v[i]) })
			}
		}
	}
	// This runs for every field: the deadline is asked only of a page.
	if write == nil || ctx.Err() != nil {
		return res, nil
	}
	w := p.writer(ctx)
	write(w, graphql.GetFieldContext(ctx).Field.Selections)
	page := w.buf
	if w.failed || !reserve(ctx, w.values) {
		recycle(page)
		return res, nil
	}
	return graphql.WriterFunc(func(out io.Writer) {
		if page == nil {
			// Its buffer may hold another page by now.
			panic("graph: a page written twice")
		}
		_, _ = out.Write(page.Bytes())
		recycle(page)
		page = nil
	}), nil
}

// pages are the buffers pages were written in, for the next: a page of
// 100 nested observations is some 100 kB, and allocating (and clearing)
// one for each was 18% of the bytes a nested page allocated.
var pages = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// recycle gives a page's buffer, written out, to the next page; one much
// larger than a page of 100 nested rows is left to the collector.
func recycle(page *bytes.Buffer) {
	if page.Cap() > 1<<20 {
		return
	}
	page.Reset()
	pages.Put(page)
}

func (p PageWriter) writer(ctx context.Context) *pageWriter {
	r := p.Resolvers
	return &pageWriter{
		buf: pages.Get().(*bytes.Buffer),
		ctx: ctx, oc: graphql.GetOperationContext(ctx),
		observation: r.Observation(), indicator: r.Indicator(), agency: r.Agency(), refArea: r.RefArea(),
		unit: r.Unit(), dimension: r.Dimension(), member: r.Member(), coordinate: r.Coordinate(),
		period: r.Period(), source: r.Source(),
	}
}

// pageWriter writes one page. failed is set at the first thing it does not
// cover; what it wrote by then is dropped.
type pageWriter struct {
	ctx    context.Context
	oc     *graphql.OperationContext
	buf    *bytes.Buffer
	values int64 // fields written, as the value budget counts them
	failed bool
	// fields are the fields each selection set collects, per type: every
	// row of a page collects the same, and gqlgen's CollectFields (its own
	// cache keyed by the selections' text) was a sixth of the writer's time.
	fields map[selectionKey][]collectedField
	// written are the code-list objects the page has written, where:
	// rows of a page name the same few indicators, areas and members.
	written map[objectKey]span

	observation ObservationResolver
	indicator   IndicatorResolver
	agency      AgencyResolver
	refArea     RefAreaResolver
	unit        UnitResolver
	dimension   DimensionResolver
	member      MemberResolver
	coordinate  CoordinateResolver
	period      PeriodResolver
	source      SourceResolver
}

// object writes the fields sel collects for an object of the given
// implementors; field writes one field's value and says whether it covers
// the field.
func (w *pageWriter) object(sel ast.SelectionSet, implementors []string, typeName string, field func(f graphql.CollectedField) bool) {
	if w.failed {
		return
	}
	w.buf.WriteByte('{')
	for i, c := range w.collect(sel, implementors, typeName) {
		f := c.CollectedField
		name := c.name
		if i == 0 {
			name = name[1:]
		}
		w.buf.WriteString(name)
		switch {
		case f.IsDeferred():
			w.failed = true
		case f.Name == "__typename":
			w.quoted(typeName)
		default:
			w.values++
			if !field(f) {
				w.failed = true
			}
		}
		if w.failed {
			return
		}
	}
	w.buf.WriteByte('}')
}

// selectionKey names a selection set of the operation by where it lies:
// its first selection and its length.
type selectionKey struct {
	first    *ast.Selection
	n        int
	typeName string
}

// collectedField is a field as an object writes it: name is its key as
// JSON, `,"alias":`, which a GraphQL name writes without an escape.
type collectedField struct {
	graphql.CollectedField
	name string
}

func (w *pageWriter) collect(sel ast.SelectionSet, implementors []string, typeName string) []collectedField {
	if len(sel) == 0 {
		return nil
	}
	k := selectionKey{&sel[0], len(sel), typeName}
	fields, ok := w.fields[k]
	if !ok {
		collected := graphql.CollectFields(w.oc, sel, implementors)
		fields = make([]collectedField, len(collected))
		for i, f := range collected {
			fields[i] = collectedField{f, `,"` + f.Alias + `":`}
		}
		if w.fields == nil {
			w.fields = make(map[selectionKey][]collectedField)
		}
		w.fields[k] = fields
	}
	return fields
}

// objectKey names a code-list object as the page writes it: the selection
// set (which fixes the fields and their arguments; a request's language and
// tier are the page's own) and the object's code, a member's within its
// dimension.
type objectKey struct {
	selectionKey
	dimension, code string
}

// span is what writing an object wrote: w.buf[start:end], counting values.
type span struct {
	start, end int
	values     int64
}

// once writes the object key names the first time the page writes it, and
// then copies what it wrote. Why: a code-list object's fields are read from
// the catalog by its code alone, so each repeat would write the same bytes;
// on a page of 100 observations of one area (peerbench's Q4) the indicator,
// agency, area and coordinate objects were half the writer's time.
func (w *pageWriter) once(sel ast.SelectionSet, dimension, code string, write func()) {
	if len(sel) == 0 || w.failed {
		write()
		return
	}
	k := objectKey{selectionKey{first: &sel[0], n: len(sel)}, dimension, code}
	if s, ok := w.written[k]; ok {
		// The buffer is only ever appended to: the span stays where it
		// was written, and Write reads it before (or, when it grows, from
		// the old array after) the buffer moves.
		w.buf.Write(w.buf.Bytes()[s.start:s.end])
		w.values += s.values
		return
	}
	start, values := w.buf.Len(), w.values
	write()
	if w.failed {
		return
	}
	if w.written == nil {
		w.written = make(map[objectKey]span)
	}
	w.written[k] = span{start, w.buf.Len(), w.values - values}
}

func (w *pageWriter) connection(sel ast.SelectionSet, c *model.ObservationConnection) {
	w.object(sel, observationConnectionImplementors, "ObservationConnection", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "edges":
			w.list(len(c.Edges), func(i int) {
				e := &c.Edges[i]
				w.object(f.Selections, observationEdgeImplementors, "ObservationEdge", func(f graphql.CollectedField) bool {
					switch f.Name {
					case "cursor":
						w.quoted(e.Cursor)
					case "node":
						w.observationObject(f.Selections, e.Node)
					default:
						return false
					}
					return true
				})
			})
		case "nodes":
			w.list(len(c.Nodes), func(i int) { w.observationObject(f.Selections, &c.Nodes[i]) })
		case "pageInfo":
			info := c.PageInfo
			w.object(f.Selections, pageInfoImplementors, "PageInfo", func(f graphql.CollectedField) bool {
				switch f.Name {
				case "hasNextPage":
					w.boolean(info.HasNextPage)
				case "hasPreviousPage":
					w.boolean(info.HasPreviousPage)
				case "startCursor":
					w.optionalStr(info.StartCursor, nil)
				case "endCursor":
					w.optionalStr(info.EndCursor, nil)
				default:
					return false
				}
				return true
			})
		case "totalCount":
			graphql.MarshalInt(c.TotalCount).MarshalGQL(w.buf)
		default:
			return false
		}
		return true
	})
}

func (w *pageWriter) observationObject(sel ast.SelectionSet, o *dataset.Observation) {
	ctx, r := w.ctx, w.observation
	w.object(sel, observationImplementors, "Observation", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "id":
			w.id(r.ID(ctx, o))
		case "indicator":
			w.once(f.Selections, "", o.Indicator, func() {
				if v, err := r.Indicator(ctx, o); w.present(v != nil, err) {
					w.indicatorObject(f.Selections, v)
				}
			})
		case "refArea":
			w.once(f.Selections, "", o.RefArea, func() {
				if v, err := r.RefArea(ctx, o); w.present(v != nil, err) {
					w.refAreaObject(f.Selections, v)
				}
			})
		case "period":
			w.periodObject(f.Selections, &o.Period)
		case "value":
			w.optionalDecimal(r.Value(ctx, o))
		case "statedChange":
			w.optionalDecimal(r.StatedChange(ctx, o))
		case "unit":
			w.once(f.Selections, "", o.Unit, func() {
				if v, err := r.Unit(ctx, o); w.present(v != nil, err) {
					w.unitObject(f.Selections, v)
				}
			})
		case "qualifier":
			w.enum(marshalNQualifier2indicatorsᚋinternalᚋdatasetᚐQualifier[o.Qualifier])
		case "status":
			w.enum(marshalNObservationStatus2indicatorsᚋinternalᚋdatasetᚐStatus[o.Status])
		case "agency":
			w.once(f.Selections, "", o.Agency, func() {
				if v, err := r.Agency(ctx, o); w.present(v != nil, err) {
					w.agencyObject(f.Selections, v)
				}
			})
		case "coordinates":
			w.list(len(o.Coordinates), func(i int) {
				c := &o.Coordinates[i]
				w.once(f.Selections, c.Dimension, c.Member, func() { w.coordinateObject(f.Selections, c) })
			})
		case "source":
			if v, err := r.Source(ctx, o); w.present(v != nil, err) {
				w.sourceObject(f.Selections, v)
			}
		case "note":
			w.optionalStr(r.Note(ctx, o))
		case "restricted":
			w.boolean(o.Restricted)
		default:
			return false
		}
		return true
	})
}

func (w *pageWriter) indicatorObject(sel ast.SelectionSet, v *dataset.Indicator) {
	ctx, r := w.ctx, w.indicator
	w.object(sel, indicatorImplementors, "Indicator", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "description":
			w.text(r.Description(ctx, v, w.lang(f)))
		case "unit":
			if u, err := r.Unit(ctx, v); w.present(u != nil, err) {
				w.unitObject(f.Selections, u)
			}
		case "theme":
			w.enum(marshalNTheme2indicatorsᚋinternalᚋdatasetᚐTheme[v.Theme])
		case "restricted":
			w.boolean(v.Restricted)
		default:
			return namedField(w, r, v, v.Code, f)
		}
		return true
	})
}

func (w *pageWriter) agencyObject(sel ast.SelectionSet, v *dataset.Agency) {
	ctx, r := w.ctx, w.agency
	w.object(sel, agencyImplementors, "Agency", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "shortName":
			w.optionalStr(r.ShortName(ctx, v, w.lang(f)))
		case "kind":
			w.enum(marshalNAgencyKind2indicatorsᚋinternalᚋdatasetᚐAgencyKind[v.Kind])
		default:
			return namedField(w, r, v, v.Code, f)
		}
		return true
	})
}

func (w *pageWriter) refAreaObject(sel ast.SelectionSet, v *dataset.RefArea) {
	w.object(sel, refAreaImplementors, "RefArea", func(f graphql.CollectedField) bool {
		return placeField(w, w.refArea, v, v.Code, f)
	})
}

// namedResolver is what the resolvers of every code list's objects share:
// a global id and a name in the request's language.
type namedResolver[T any] interface {
	ID(ctx context.Context, obj *T) (string, error)
	Name(ctx context.Context, obj *T, lang *string) (string, error)
}

// namedField writes a code-list object's id, code or name.
func namedField[T any](w *pageWriter, r namedResolver[T], v *T, code string, f graphql.CollectedField) bool {
	switch f.Name {
	case "id":
		w.id(r.ID(w.ctx, v))
	case "code":
		w.quoted(code)
	case "name":
		w.text(r.Name(w.ctx, v, w.lang(f)))
	default:
		return false
	}
	return true
}

// placeResolver is what a reference area's and a member's resolvers share
// besides: a member may be a country, with the area's codes.
type placeResolver[T any] interface {
	namedResolver[T]
	Iso2(ctx context.Context, obj *T) (*string, error)
	Iso3(ctx context.Context, obj *T) (*string, error)
	M49(ctx context.Context, obj *T) (*string, error)
}

// placeField writes one of the fields placeResolver resolves, or the code.
func placeField[T any](w *pageWriter, r placeResolver[T], v *T, code string, f graphql.CollectedField) bool {
	switch f.Name {
	case "iso2":
		w.optionalStr(r.Iso2(w.ctx, v))
	case "iso3":
		w.optionalStr(r.Iso3(w.ctx, v))
	case "m49":
		w.optionalStr(r.M49(w.ctx, v))
	default:
		return namedField(w, r, v, code, f)
	}
	return true
}

func (w *pageWriter) unitObject(sel ast.SelectionSet, v *dataset.Unit) {
	w.object(sel, unitImplementors, "Unit", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "code":
			w.quoted(v.Code)
		case "name":
			w.text(w.unit.Name(w.ctx, v, w.lang(f)))
		default:
			return false
		}
		return true
	})
}

func (w *pageWriter) coordinateObject(sel ast.SelectionSet, v *dataset.Coordinate) {
	ctx := w.ctx
	w.object(sel, coordinateImplementors, "Coordinate", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "dimension":
			if d, err := w.coordinate.Dimension(ctx, v); w.present(d != nil, err) {
				w.dimensionObject(f.Selections, d)
			}
		case "member":
			if m, err := w.coordinate.Member(ctx, v); w.present(m != nil, err) {
				w.memberObject(f.Selections, m)
			}
		default:
			return false
		}
		return true
	})
}

func (w *pageWriter) dimensionObject(sel ast.SelectionSet, v *dataset.Dimension) {
	w.object(sel, dimensionImplementors, "Dimension", func(f graphql.CollectedField) bool {
		if f.Name == "description" {
			w.optionalStr(w.dimension.Description(w.ctx, v, w.lang(f)))
			return true
		}
		return namedField(w, w.dimension, v, v.Code, f)
	})
}

func (w *pageWriter) memberObject(sel ast.SelectionSet, v *dataset.Member) {
	w.object(sel, memberImplementors, "Member", func(f graphql.CollectedField) bool {
		if f.Name == "description" {
			w.optionalStr(w.member.Description(w.ctx, v, w.lang(f)))
			return true
		}
		return placeField(w, w.member, v, v.Code, f)
	})
}

func (w *pageWriter) periodObject(sel ast.SelectionSet, v *dataset.Period) {
	w.object(sel, periodImplementors, "Period", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "start":
			graphql.MarshalInt(v.Start).MarshalGQL(w.buf)
		case "end":
			graphql.MarshalInt(v.End).MarshalGQL(w.buf)
		case "label":
			w.text(w.period.Label(w.ctx, v))
		default:
			return false
		}
		return true
	})
}

func (w *pageWriter) sourceObject(sel ast.SelectionSet, v *dataset.Observation) {
	ctx, r := w.ctx, w.source
	w.object(sel, sourceImplementors, "Source", func(f graphql.CollectedField) bool {
		switch f.Name {
		case "section":
			w.text(r.Section(ctx, v))
		case "quote":
			w.optionalStr(r.Quote(ctx, v))
		case "dataFileLine":
			line, err := r.DataFileLine(ctx, v)
			switch {
			case !w.present(true, err):
			case line == nil:
				w.buf.WriteString("null")
			default:
				graphql.MarshalInt(*line).MarshalGQL(w.buf)
			}
		default:
			return false
		}
		return true
	})
}

func (w *pageWriter) list(n int, element func(i int)) {
	w.buf.WriteByte('[')
	for i := 0; i < n && !w.failed; i++ {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		start := w.buf.Len()
		element(i)
		if i == 0 {
			// Room for the rest, as large as the first: the buffer grows
			// once, not doubling (and copying) its way up to a page.
			w.buf.Grow((n - 1) * (w.buf.Len() - start + 1))
		}
	}
	w.buf.WriteByte(']')
}

// present says whether a resolver gave what the field may answer: no
// error, and a value where the schema wants one (gqlgen would answer an
// error there).
func (w *pageWriter) present(ok bool, err error) bool {
	if err != nil || !ok {
		w.failed = true
	}
	return !w.failed
}

// lang is a name's lang argument, as gqlgen would pass it.
func (w *pageWriter) lang(f graphql.CollectedField) *string {
	if len(f.Arguments) == 0 {
		return nil
	}
	switch v := f.ArgumentMap(w.oc.Variables)["lang"].(type) {
	case nil:
		return nil
	case string:
		return &v
	default:
		w.failed = true
		return nil
	}
}

// quoted writes s as a JSON string, the bytes gqlgen's MarshalString
// writes: most strings need no escape, and are written whole rather than
// through its rune-by-rune loop (13% of the CPU of a page of 100).
func (w *pageWriter) quoted(s string) {
	for i := 0; i < len(s); i++ {
		// The bytes MarshalString escapes; those of a multi-byte UTF-8
		// sequence are all 0x80 or above.
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			graphql.MarshalString(s).MarshalGQL(w.buf)
			return
		}
	}
	w.buf.WriteByte('"')
	w.buf.WriteString(s)
	w.buf.WriteByte('"')
}

func (w *pageWriter) text(s string, err error) {
	if w.present(true, err) {
		w.quoted(s)
	}
}

func (w *pageWriter) id(s string, err error) {
	if w.present(true, err) {
		graphql.MarshalID(s).MarshalGQL(w.buf)
	}
}

// enum writes an enum value's name; "" is a value gqlgen's map lacks.
func (w *pageWriter) enum(name string) {
	if w.present(name != "", nil) {
		w.quoted(name)
	}
}

func (w *pageWriter) boolean(b bool) { graphql.MarshalBoolean(b).MarshalGQL(w.buf) }

func (w *pageWriter) optionalStr(s *string, err error) {
	switch {
	case !w.present(true, err):
	case s == nil:
		w.buf.WriteString("null")
	default:
		w.quoted(*s)
	}
}

func (w *pageWriter) optionalDecimal(d *decimal.Decimal, err error) {
	switch {
	case !w.present(true, err):
	case d == nil:
		w.buf.WriteString("null")
	default:
		scalar.MarshalDecimal(*d).MarshalGQL(w.buf)
	}
}
