package sdmx

import (
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Representation is one message format a query can answer in.
type Representation struct {
	// MediaType is what the response's Content-Type says.
	MediaType string
	// Format is this service's name for it, the value of the format
	// parameter that asks for it without an Accept header.
	Format string
	// Type and Version are the media type as a client names it; Version ""
	// for a generic type (application/xml), which takes the default.
	Type, Version string
	JSON          bool
}

// The representations of each kind of query, the default first (SDMX REST
// 2.1: SDMX-ML Generic Data for data, SDMX-ML Structure for structures).
var (
	genericData  = Representation{"application/vnd.sdmx.genericdata+xml; version=2.1; charset=utf-8", "genericdata", "application/vnd.sdmx.genericdata+xml", "2.1", false}
	specificData = Representation{"application/vnd.sdmx.structurespecificdata+xml; version=2.1; charset=utf-8", "structurespecificdata", "application/vnd.sdmx.structurespecificdata+xml", "2.1", false}
	jsonData     = Representation{"application/vnd.sdmx.data+json; version=2.0.0; charset=utf-8", "jsondata", "application/vnd.sdmx.data+json", "2.0.0", true}
	csvData1     = Representation{"application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8", "csvfile", "application/vnd.sdmx.data+csv", "1.0.0", false}
	csvData2     = Representation{"application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", "csv2", "application/vnd.sdmx.data+csv", "2.0.0", false}
	mlStructure  = Representation{"application/vnd.sdmx.structure+xml; version=2.1; charset=utf-8", "structure", "application/vnd.sdmx.structure+xml", "2.1", false}
	jsonStruct   = Representation{"application/vnd.sdmx.structure+json; version=2.0.0; charset=utf-8", "jsonstructure", "application/vnd.sdmx.structure+json", "2.0.0", true}
	xmlSchema    = Representation{"application/vnd.sdmx.schema+xml; version=2.1; charset=utf-8", "schema", "application/vnd.sdmx.schema+xml", "2.1", false}

	dataRepresentations = []Representation{genericData, specificData, jsonData, csvData2, csvData1}
	// The SDMX 3.0 data path offers the same, SDMX-JSON 2.0 its default
	// (sdmx-rest v2.0.0); its SDMX-ML 3.0 is not written.
	data3Representations     = []Representation{jsonData, csvData2, genericData, specificData, csvData1}
	structureRepresentations = []Representation{mlStructure, jsonStruct}
	schemaRepresentations    = []Representation{xmlSchema}
	// Availability is an actual content constraint in SDMX-ML 2.1, a data
	// constraint (SDMX 3.0's shape) in SDMX-JSON 2.0.
	availabilityRepresentations = []Representation{mlStructure, jsonStruct}
)

// Representation kinds, for the caller's switch.
func (r Representation) IsGenericData() bool  { return r == genericData }
func (r Representation) IsSpecificData() bool { return r == specificData }

// CSVVersion is 1 or 2 for SDMX-CSV, 0 for the other formats.
func (r Representation) CSVVersion() int {
	switch r {
	case csvData1:
		return 1
	case csvData2:
		return 2
	}
	return 0
}

// generic maps the generic media types a client may send to the
// representation they stand for; the wildcards and XML take the default.
var generic = map[string]func(reps []Representation) (Representation, bool){
	"*/*":             first,
	"application/*":   first,
	"application/xml": firstXML,
	"text/xml":        firstXML,
	"application/json": func(reps []Representation) (Representation, bool) {
		return find(reps, func(r Representation) bool { return r.JSON })
	},
	"text/csv": func(reps []Representation) (Representation, bool) {
		return find(reps, func(r Representation) bool { return r == csvData1 })
	},
}

func first(reps []Representation) (Representation, bool) { return reps[0], true }

func firstXML(reps []Representation) (Representation, bool) {
	return find(reps, func(r Representation) bool { return strings.HasSuffix(r.Type, "+xml") })
}

func find(reps []Representation, ok func(Representation) bool) (Representation, bool) {
	i := slices.IndexFunc(reps, ok)
	if i < 0 {
		return Representation{}, false
	}
	return reps[i], true
}

// Negotiate picks the representation of a query: the format parameter when
// given, else the most preferred acceptable type of the Accept header (the
// default when there is none). Nothing acceptable is a 406.
func Negotiate(r *http.Request, kind int) (Representation, error) {
	reps := structureRepresentations
	switch kind {
	case KindData:
		reps = dataRepresentations
	case KindData3:
		reps = data3Representations
	case KindSchema:
		reps = schemaRepresentations
	case KindAvailability:
		reps = availabilityRepresentations
	}
	if f := r.URL.Query().Get("format"); f != "" {
		if rep, ok := find(reps, func(r Representation) bool { return r.Format == f }); ok {
			return rep, nil
		}
		return Representation{}, notAcceptable(reps, "format %q is not offered", f)
	}
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if strings.TrimSpace(accept) == "" {
		return reps[0], nil
	}
	type choice struct {
		rep Representation
		q   float64
	}
	var best *choice
	for _, item := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(item))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		rep, ok := match(reps, mt, params)
		if !ok || q <= 0 {
			continue
		}
		if best == nil || q > best.q {
			best = &choice{rep, q}
		}
	}
	if best == nil {
		if kind == KindData3 && strings.Contains(accept, "application/vnd.sdmx.data+xml") {
			return Representation{}, notAcceptable(reps, "SDMX-ML 3.0 data (%s) is not written", accept)
		}
		return Representation{}, notAcceptable(reps, "none of the types in Accept (%s) is offered", accept)
	}
	return best.rep, nil
}

// match finds the representation a media range names. An SDMX type without
// a version takes its newest version; parameters other than version and q
// must be the defaults (SDMX-CSV's labels=id, timeFormat=original), since
// no other variant is written.
func match(reps []Representation, mt string, params map[string]string) (Representation, bool) {
	if pick, ok := generic[mt]; ok {
		return pick(reps)
	}
	for k, v := range params {
		switch {
		case k == "q" || k == "version" || k == "charset" && strings.EqualFold(v, "utf-8"):
		case k == "labels" && v == "id", k == "timeFormat" && v == "original":
		default:
			return Representation{}, false
		}
	}
	version := normVersion(params["version"])
	var found []Representation
	for _, r := range reps {
		if r.Type == mt && (version == "" || normVersion(r.Version) == version) {
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		return Representation{}, false
	}
	// Representations of one type are listed newest first.
	return found[0], true
}

// normVersion drops trailing zero parts, so that 2.0 names 2.0.0.
func normVersion(v string) string {
	for strings.HasSuffix(v, ".0") {
		v = strings.TrimSuffix(v, ".0")
	}
	return v
}

func notAcceptable(reps []Representation, format string, args ...any) error {
	var offered []string
	for _, r := range reps {
		offered = append(offered, r.Type+";version="+r.Version+" (format="+r.Format+")")
	}
	return newError(codeNotAcceptable, http.StatusNotAcceptable, format+"; this query is offered as "+strings.Join(offered, ", "), args...)
}
