package export

import (
	"encoding"
	"io"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"indicators/internal/dataset"
)

// The export parameters are GraphQL's ObservationFilter: one parameter per
// field of dataset.Filter (which gqlgen binds that input to), named as
// GraphQL names it (the Go field name with a lower-case first letter) and
// decoded by the field's type. A field added to dataset.Filter and to the
// schema is therefore an export parameter and a CLI flag with no further
// change; TestExportParamsAreGraphQLFilter (internal/server) fails when the
// two drift apart or when a field's type has no decoding here (give such a
// type an UnmarshalText, or a case in decoderFor).
//
// Values are written as in GraphQL: codes as they are, enum values in
// GraphQL's spelling (PROTECTION, MORE_THAN), integers in decimal. A list is
// given by repeating the parameter, by separating values with ListSeparator,
// or both; an empty value is the empty list, as `[]` is in GraphQL
// (exactlyBy= selects totals over every dimension).

// ListSeparator separates the values of a list within one parameter value:
// indicators=victims_identified,persons_charged.
const ListSeparator = ","

// maxValueBytes bounds each value: no code comes near it, and a longer value
// would only travel into messages and headers.
const maxValueBytes = 256

// notParams are Filter fields that are not the client's to set.
var notParams = map[string]bool{
	// Exports always read current cells.
	"Current": true,
}

// Param is one query parameter of every export (and a flag of
// `indicators export`).
type Param struct {
	// Name is the ObservationFilter field's name in GraphQL, or the name of an
	// option of the export itself.
	Name string
	// Help says what a value looks like, for flag help.
	Help string
	// List is true when the parameter takes many values.
	List bool
	set  func(q *Query, values []string) error
}

// Query is what an export's query parameters ask for.
type Query struct {
	// Filter selects the observations.
	Filter dataset.Filter
	// BOM starts a CSV export with a UTF-8 byte-order mark, which Excel
	// needs to read UTF-8 (TÃ¼rkiye otherwise).
	BOM bool
	// Lang is the language of the labels of an export that writes them in
	// one (Format.Labels), negotiated among the offered ones; "" when the
	// query names none, for English and the file's usual columns.
	Lang string
}

// Params are every export's parameters: the filter's fields in its order,
// then the export's own options.
var Params = append(filterParams(), Param{
	Name: "bom",
	Help: "true: start a CSV export with a UTF-8 byte-order mark, for Excel",
	set: func(q *Query, values []string) error {
		if len(values) != 1 {
			return dataset.Errorf(dataset.ErrBadInput, "bom: given %d times; give it once", len(values))
		}
		b, err := strconv.ParseBool(values[0])
		if err != nil {
			return dataset.Errorf(dataset.ErrBadInput, "bom: %q is neither true nor false", values[0])
		}
		q.BOM = b
		return nil
	},
}, Param{
	Name: "lang",
	Help: "az, en or ru: the language of the labels (a BCP 47 tag; English when the label has no translation)",
	set: func(q *Query, values []string) error {
		if len(values) != 1 {
			return dataset.Errorf(dataset.ErrBadInput, "lang: given %d times; give it once", len(values))
		}
		// An unoffered language is English, as indicator_name_lang says.
		lang, _, err := dataset.LanguageArgument(values[0])
		q.Lang = lang
		return err
	},
})

// LegacyAliases are the parameter names of the first exports, before they
// spoke GraphQL's vocabulary; partners' URLs still use them, so they stay
// accepted (with the lower-case enum spellings of the time). Each stands for
// the parameters it maps to: period=2024 is periodFrom=2024&periodTo=2024.
var LegacyAliases = map[string][]string{
	"indicator":   {"indicators"},
	"theme":       {"themes"},
	"agency":      {"agencies"},
	"area":        {"refAreas"},
	"release":     {"releases"},
	"status":      {"statuses"},
	"qualifier":   {"qualifiers"},
	"period":      {"periodFrom", "periodTo"},
	"period_from": {"periodFrom"},
	"period_to":   {"periodTo"},
	"member":      {"members"},
	"total":       {"totalOver"},
	"by":          {"brokenDownBy"},
}

var paramsByName = func() map[string]Param {
	m := make(map[string]Param, len(Params))
	for _, p := range Params {
		m[p.Name] = p
	}
	for alias, names := range LegacyAliases {
		for _, n := range names {
			if _, ok := m[n]; !ok {
				panic("export: legacy alias " + alias + " names no parameter " + n)
			}
		}
	}
	return m
}()

// ParamNames lists the parameter names, for messages.
func ParamNames() []string {
	names := make([]string, len(Params))
	for i, p := range Params {
		names[i] = p.Name
	}
	return names
}

// ParseQuery reads the query parameters of an export in format f. Unknown parameters are
// refused with the list of valid ones, so a misspelt filter never silently
// returns everything. Every error is coded BAD_USER_INPUT with a message for
// the client.
func ParseQuery(f Format, values url.Values) (Query, error) {
	var q Query
	byParam := map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		names, ok := LegacyAliases[k]
		if !ok {
			if _, known := paramsByName[k]; !known {
				return q, unknownParam(k)
			}
			names = []string{k}
		}
		for _, v := range values[k] {
			if len(v) > maxValueBytes {
				return q, dataset.Errorf(dataset.ErrBadInput, "%s: a value of %d bytes; values are at most %d", names[0], len(v), maxValueBytes)
			}
		}
		for _, n := range names {
			byParam[n] = append(byParam[n], values[k]...)
		}
	}
	for _, p := range Params {
		if vs, ok := byParam[p.Name]; ok {
			if err := p.set(&q, vs); err != nil {
				return q, err
			}
		}
	}
	if len(q.Filter.Members) > 0 {
		q.Filter.Members = joinMembers(q.Filter.Members)
	}
	if q.BOM && !f.CSV() {
		return q, dataset.Errorf(dataset.ErrBadInput, "bom: %s is not a CSV export; only CSV exports take a byte-order mark", f.Name)
	}
	if q.Lang != "" && !f.Labels {
		return q, dataset.Errorf(dataset.ErrBadInput, "lang: %s writes no labels in one language (SDMX structures carry every language)", f.Name)
	}
	return q, q.Filter.Validate()
}

// BOM is the UTF-8 byte-order mark.
const BOM = "\uFEFF"

// Writer is w, starting with the byte-order mark when q asks for one. The
// mark goes out with the export's first bytes, so an export that fails
// before writing anything has written nothing.
func (q Query) Writer(w io.Writer) io.Writer {
	if !q.BOM {
		return w
	}
	return &bomWriter{w: w}
}

type bomWriter struct {
	w     io.Writer
	wrote bool
}

func (b *bomWriter) Write(p []byte) (int, error) {
	if !b.wrote && len(p) > 0 {
		b.wrote = true
		if _, err := io.WriteString(b.w, BOM); err != nil {
			return 0, err
		}
	}
	return b.w.Write(p)
}

func unknownParam(k string) error {
	shown := k
	if len(shown) > 64 {
		shown = shown[:64] + "…"
	}
	return dataset.Errorf(dataset.ErrBadInput, "unknown parameter %q; the parameters are %s",
		strings.ToValidUTF8(shown, "\uFFFD"), strings.Join(ParamNames(), ", "))
}

func filterParams() []Param {
	t := reflect.TypeFor[dataset.Filter]()
	var ps []Param
	for i := range t.NumField() {
		field := t.Field(i)
		if notParams[field.Name] || !field.IsExported() {
			continue
		}
		name := graphQLName(field.Name)
		dec, help, ok := decoderFor(name, field.Type)
		if !ok {
			// Caught by the tests: the parameter is missing, so it is not in
			// GraphQL's set of names either.
			continue
		}
		ps = append(ps, Param{
			Name: name,
			Help: help,
			List: field.Type.Kind() == reflect.Slice,
			set: func(q *Query, values []string) error {
				return dec(reflect.ValueOf(&q.Filter).Elem().Field(i), values)
			},
		})
	}
	return ps
}

// graphQLName is the name gqlgen binds to a Go field: PeriodFrom is
// periodFrom.
func graphQLName(goName string) string {
	r, n := utf8.DecodeRuneInString(goName)
	return string(unicode.ToLower(r)) + goName[n:]
}

// decoder sets a field from a parameter's values.
type decoder func(field reflect.Value, values []string) error

// valueDecoder reads one value of a type.
type valueDecoder func(s string) (reflect.Value, error)

var memberFilterType = reflect.TypeFor[dataset.MemberFilter]()

// decoderFor is how a field of type t is read from parameter name.
func decoderFor(name string, t reflect.Type) (dec decoder, help string, ok bool) {
	if t.Kind() == reflect.Slice && t.Elem() != reflect.TypeFor[byte]() {
		one, help, ok := valueDecoderFor(name, t.Elem())
		if !ok {
			return nil, "", false
		}
		return func(field reflect.Value, values []string) error {
			// Not nil even when empty: [] means something to exactlyBy.
			list := reflect.MakeSlice(t, 0, len(values))
			for _, v := range values {
				if v == "" {
					continue
				}
				for item := range strings.SplitSeq(v, ListSeparator) {
					if item == "" {
						return dataset.Errorf(dataset.ErrBadInput, "%s: %q has an empty item", name, v)
					}
					x, err := one(item)
					if err != nil {
						return err
					}
					list = reflect.Append(list, x)
				}
			}
			if !field.IsNil() {
				list = reflect.AppendSlice(field, list)
			}
			field.Set(list)
			return nil
		}, help + "; several: separated by " + ListSeparator + " or repeated", true
	}
	one, help, ok := valueDecoderFor(name, t)
	if !ok {
		return nil, "", false
	}
	return func(field reflect.Value, values []string) error {
		if len(values) != 1 {
			return dataset.Errorf(dataset.ErrBadInput, "%s: given %d times; it takes one value", name, len(values))
		}
		x, err := one(values[0])
		if err != nil {
			return err
		}
		field.Set(x)
		return nil
	}, help, true
}

func valueDecoderFor(name string, t reflect.Type) (valueDecoder, string, bool) {
	if t.Kind() == reflect.Pointer {
		// An optional value (*time.Time): absent is nil.
		elem, help, ok := valueDecoderFor(name, t.Elem())
		return func(s string) (reflect.Value, error) {
			v, err := elem(s)
			if err != nil {
				return v, err
			}
			p := reflect.New(t.Elem())
			p.Elem().Set(v)
			return p, nil
		}, help, ok
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
		return func(s string) (reflect.Value, error) {
			p := reflect.New(t)
			if err := p.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
				return p, dataset.Errorf(dataset.ErrBadInput, "%s: %q: %v", name, s, err)
			}
			return p.Elem(), nil
		}, "a " + t.Name(), true
	}
	switch {
	case t == memberFilterType:
		return func(s string) (reflect.Value, error) {
			dim, mem, ok := strings.Cut(s, "=")
			if !ok || dim == "" || mem == "" {
				return reflect.Value{}, dataset.Errorf(dataset.ErrBadInput, "%s: %q is not DIMENSION=MEMBER", name, s)
			}
			return reflect.ValueOf(dataset.MemberFilter{Dimension: dim, Members: []string{mem}}), nil
		}, "DIMENSION=MEMBER (members of one dimension OR together, dimensions AND)", true
	case t.Kind() == reflect.String && t.Name() == "string":
		return func(s string) (reflect.Value, error) {
			return reflect.ValueOf(s).Convert(t), nil
		}, "a code", true
	case t.Kind() == reflect.String:
		// A named string type is an enum: GraphQL writes its values in upper
		// case (dataset.Theme "protection" is PROTECTION); the first exports'
		// lower-case spelling is still read. Filter.Validate checks that the
		// value is one of the type's.
		return func(s string) (reflect.Value, error) {
			if s != strings.ToUpper(s) && s != strings.ToLower(s) {
				return reflect.Value{}, dataset.Errorf(dataset.ErrBadInput, "%s: %q: write enum values as GraphQL does, in upper case (%s)", name, s, strings.ToUpper(s))
			}
			return reflect.ValueOf(strings.ToLower(s)).Convert(t), nil
		}, "a " + strings.ToUpper(t.Name()) + " value as GraphQL writes it", true
	case t.Kind() == reflect.Int:
		return func(s string) (reflect.Value, error) {
			n, err := strconv.Atoi(s)
			if err != nil {
				return reflect.Value{}, dataset.Errorf(dataset.ErrBadInput, "%s: %q is not an integer", name, s)
			}
			return reflect.ValueOf(n).Convert(t), nil
		}, "an integer", true
	}
	return nil, "", false
}

// joinMembers merges the members of one dimension given in separate values
// (members=SEX=F&members=SEX=M): they OR together, as one MemberSelection
// with both does in GraphQL.
func joinMembers(ms []dataset.MemberFilter) []dataset.MemberFilter {
	var out []dataset.MemberFilter
	at := map[string]int{}
	for _, m := range ms {
		if i, seen := at[m.Dimension]; seen {
			out[i].Members = append(out[i].Members, m.Members...)
			continue
		}
		at[m.Dimension] = len(out)
		out = append(out, m)
	}
	return out
}
