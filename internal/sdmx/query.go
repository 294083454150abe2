// Package sdmx reads SDMX REST 2.1 queries (the SDMX Technical Working
// Group's sdmx-rest specification, v1.5.0): the paths of data and structure
// queries and their parameters, the media type a client accepts, and the
// SDMX error messages a failed query answers with. The messages themselves
// are internal/export's; the HTTP wiring is internal/server's. Data queries
// of SDMX 3.0's path (sdmx-rest v2.0.0), data/{context}/{agencyID}/
// {resourceID}/{version}/{key} with c[DIM] filters, are read into the same
// DataQuery (data3.go).
package sdmx

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/export"
)

// Resources of the SDMX REST 2.1 API. The structure resources this service
// holds artefacts of are queried; the others answer 501, as the
// specification asks of a service that does not implement a resource.
var (
	structureResources = []string{export.ClassDataflow, export.ClassDataStructure, export.ClassCodelist, export.ClassConceptScheme}
	otherResources     = []string{"metadatastructure", "categoryscheme", "hierarchicalcodelist", "organisationscheme",
		"agencyscheme", "dataproviderscheme", "dataconsumerscheme", "organisationunitscheme", "reportingtaxonomy",
		"process", "categorisation", "contentconstraint", "attachmentconstraint", "actualconstraint", "allowedconstraint",
		"structureset", "provisionagreement", "metadataflow", "structure", "metadata"}
)

// Query is a parsed SDMX REST query: a data query or a structure query.
type Query struct {
	// Resource is "data" or one of the structure resources.
	Resource string
	Data     DataQuery
	Struct   StructureQuery
	// Schema is a schema query's dimension at the observation level.
	Schema string
	Avail  AvailabilityQuery
}

// AvailabilityQuery is availableconstraint/{flowRef}/{key}/{providerRef}/{componentID}:
// what data exists for a partial key (its key and periods are Data's).
type AvailabilityQuery struct {
	// Exact is mode=exact: the codes of the data the key selects; else
	// (mode=available, the default) the codes each dimension may take
	// given the key's other parts.
	Exact bool
	// Component is the one dimension to describe, or "all".
	Component  string
	References string
}

// Kinds of query, each with its own representations.
const (
	KindData = iota
	KindStructure
	KindSchema
	KindAvailability
	// KindData3 is a data query of the SDMX 3.0 path, whose default
	// representation is SDMX-JSON 2.0.
	KindData3
)

// Kind is the query's kind.
func (q Query) Kind() int {
	switch q.Resource {
	case "data":
		if q.Data.SDMX3 {
			return KindData3
		}
		return KindData
	case "schema":
		return KindSchema
	case "availableconstraint":
		return KindAvailability
	}
	return KindStructure
}

// DataQuery is data/{flowRef}/{key}/{providerRef} and its parameters.
type DataQuery struct {
	// Key is one list of codes per key dimension, empty for any; nil when
	// the key is "all" (or left out). An SDMX 3.0 key may be shorter (the
	// dimensions it leaves out are any): see KeyFor.
	Key [][]string
	// SDMX3 marks a query of the SDMX 3.0 path, whose key may be partial
	// and whose c[DIM] filters are Components.
	SDMX3 bool
	// Components are the c[DIM] filters on key dimensions, per dimension
	// id. They are checked against the DSD, resolved against its code
	// lists and combined with Key, by KeyFor.
	Components map[string]Condition
	// History is includeHistory=true: every version of the selected data,
	// one or two data sets per revision that changed it, not only the
	// current one.
	History bool
	// Filter holds the periods and the first/last N observations.
	Filter  dataset.Filter
	Options export.DataOptions
}

// StructureQuery is {resource}/{agencyID}/{resourceID}/{version} and its
// parameters.
type StructureQuery struct {
	Agencies, IDs, Versions []string // "all" matches any
	// Items are an item query's item ids ({itemID}, + for several), for
	// the item schemes (code lists, the concept scheme); nil for all.
	Items      []string
	References string
	Detail     string
}

var (
	// idPattern is SDMX's IDType; version allows the 2.1 wildcards.
	idPattern = regexp.MustCompile(`^[A-Za-z0-9_@$\-]+$`)
	// nestedIDPattern is SDMX's NestedIDType, an item's id in a hierarchy
	// (A.1.1); this service's items are flat.
	nestedIDPattern = regexp.MustCompile(`^[A-Za-z0-9_@$\-]+(\.[A-Za-z0-9_@$\-]+)*$`)
	versionPattern  = regexp.MustCompile(`^([0-9]+(\.[0-9]+)*|all|latest|\*)$`)
	// periodPattern is the SDMX REST period of startPeriod/endPeriod: a year,
	// optionally with a sub-annual part (2024, 2024-06, 2024-06-30, 2024-Q2,
	// 2024-S1, 2024-M06, 2024-W26, 2024-D180, 2024-A1).
	periodPattern = regexp.MustCompile(`^(\d{4})(-(\d{2}(-\d{2})?|[ASQTMWD]\d{1,3}))?$`)
)

// Parse reads the path below /sdmx/rest/ and the query parameters. Its
// errors are coded: BAD_USER_INPUT for a query the specification does not
// allow (SDMX 140), NotImplemented for what it allows and this service does
// not do (SDMX 501).
func Parse(path string, params url.Values) (Query, error) {
	parts := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(parts) == 0 || parts[0] == "" {
		return Query{}, syntax("no resource: the paths are data/{flowRef}/{key}/{providerRef} and {resource}/{agencyID}/{resourceID}/{version}")
	}
	resource := parts[0]
	switch {
	case resource == "data":
		q, err := parseData(parts[1:], params)
		return Query{Resource: resource, Data: q}, err
	case slices.Contains(structureResources, resource):
		q, err := parseStructure(resource, parts[1:], params)
		return Query{Resource: resource, Struct: q}, err
	case resource == "availableconstraint":
		q, err := parseAvailability(parts[1:], params)
		return Query{Resource: resource, Data: q.data, Avail: q.avail}, err
	case resource == "schema":
		dim, err := parseSchema(parts[1:], params)
		return Query{Resource: resource, Schema: dim}, err
	case slices.Contains(otherResources, resource):
		return Query{}, NotImplemented("the %s resource is not implemented; the resources are data, %s", resource, strings.Join(structureResources, ", "))
	}
	return Query{}, syntax("%q is not an SDMX REST resource", resource)
}

// checkParams refuses a parameter the query does not take, so that a
// misspelt one never silently returns everything. format is this service's
// own (the media type for a browser, which cannot set Accept).
func checkParams(params url.Values, allowed ...string) error {
	for k := range params {
		if k != "format" && !slices.Contains(allowed, k) {
			return syntax("%q is not a parameter of this query; the parameters are %s and format", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func parseData(parts []string, params url.Values) (DataQuery, error) {
	if len(parts) == 0 || slices.Contains(dataContexts, parts[0]) {
		return parseData3(parts, params)
	}
	if len(parts) > 3 {
		return DataQuery{}, syntax("a data query is data/{flowRef}/{key}/{providerRef}")
	}
	if err := checkParams(params, "startPeriod", "endPeriod", "updatedAfter", "firstNObservations", "lastNObservations",
		"dimensionAtObservation", "detail", "includeHistory"); err != nil {
		return DataQuery{}, err
	}
	q, err := parseSelection(parts, params)
	if err != nil {
		return q, err
	}
	if err := parseDataParams(&q, params); err != nil {
		return q, err
	}
	switch d := export.DataDetail(params.Get("detail")); d {
	case "", export.DetailFull, export.DetailDataOnly, export.DetailSeriesKeysOnly, export.DetailNoData:
		q.Options.Detail = d
	default:
		return q, syntax("detail: %q is none of full, dataonly, serieskeysonly, nodata", d)
	}
	return q, q.Filter.Validate()
}

// parseDataParams reads the parameters SDMX REST 2.1 and 3.0 data queries
// share: the first/last N observations, includeHistory and
// dimensionAtObservation. The periods and updatedAfter are read before.
func parseDataParams(q *DataQuery, params url.Values) error {
	var err error
	if q.Filter.FirstN, err = count(params, "firstNObservations"); err != nil {
		return err
	}
	if q.Filter.LastN, err = count(params, "lastNObservations"); err != nil {
		return err
	}
	switch h := params.Get("includeHistory"); h {
	case "", "false":
	case "true":
		// A version of the first or last N observations, or of what
		// changed after a time, is not a dissemination of the data: the
		// window moving, or the cut, is no revision.
		if q.Filter.FirstN != nil || q.Filter.LastN != nil || q.Filter.UpdatedAfter != nil {
			return NotImplemented("includeHistory=true with firstNObservations, lastNObservations or updatedAfter is not implemented: ask for the versions of a key and periods")
		}
		q.History = true
	default:
		return syntax("includeHistory: %q is neither true nor false", h)
	}
	q.Options.DimensionAtObservation = params.Get("dimensionAtObservation")
	if d := q.Options.DimensionAtObservation; d != "" && d != export.AllDimensions && !idPattern.MatchString(d) {
		return syntax("dimensionAtObservation: %q is not a dimension id", d)
	}
	return nil
}

// parseSelection reads what data and availability queries share: the flow,
// the key, the provider and the periods.
func parseSelection(parts []string, params url.Values) (DataQuery, error) {
	var q DataQuery
	if len(parts) == 0 {
		return q, syntax("no flowRef: the query is data/{flowRef}/{key}/{providerRef}")
	}
	if err := checkFlow(parts[0]); err != nil {
		return q, err
	}
	if len(parts) > 1 && parts[1] != "all" && parts[1] != "" {
		for _, part := range strings.Split(parts[1], ".") {
			var codes []string
			if part != "" {
				codes = strings.Split(part, "+")
			}
			for _, c := range codes {
				if !idPattern.MatchString(c) {
					return q, syntax("key: %q is not a code", c)
				}
			}
			q.Key = append(q.Key, codes)
		}
	}
	if len(parts) > 2 {
		if err := checkProvider(parts[2]); err != nil {
			return q, err
		}
	}
	var err error
	if q.Filter.PeriodFrom, err = year(params, "startPeriod"); err != nil {
		return q, err
	}
	if q.Filter.PeriodTo, err = year(params, "endPeriod"); err != nil {
		return q, err
	}
	q.Filter.UpdatedAfter, err = updatedAfter(params)
	return q, err
}

// updatedAfter reads SDMX's updatedAfter, an xs:dateTime (a date alone is
// its midnight, UTC): the observations a revision after it wrote. A removal
// is not an observation, so it is not listed; GraphQL's changes(since:) is
// the complete feed.
func updatedAfter(params url.Values) (*dataset.Vintage, error) {
	v := params.Get("updatedAfter")
	if v == "" {
		return nil, nil
	}
	// The + of a UTC offset arrives as a space from a client that did not
	// escape it (2024-03-01T12:00:00+04:00).
	v = strings.Replace(v, " ", "+", 1)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return &dataset.Vintage{Time: &t}, nil
		}
	}
	return nil, syntax("updatedAfter: %q is not an xs:dateTime (2024-03-01T12:00:00Z) or a date", v)
}

type availability struct {
	data  DataQuery
	avail AvailabilityQuery
}

func parseAvailability(parts []string, params url.Values) (availability, error) {
	var q availability
	if len(parts) > 4 {
		return q, syntax("an availability query is availableconstraint/{flowRef}/{key}/{providerRef}/{componentID}")
	}
	if err := checkParams(params, "startPeriod", "endPeriod", "updatedAfter", "mode", "references"); err != nil {
		return q, err
	}
	var err error
	if q.data, err = parseSelection(parts[:min(len(parts), 3)], params); err != nil {
		return q, err
	}
	q.avail.Component = "all"
	if len(parts) == 4 && parts[3] != "" {
		if q.avail.Component = parts[3]; q.avail.Component != "all" && !idPattern.MatchString(q.avail.Component) {
			return q, syntax("componentID: %q is not an id", q.avail.Component)
		}
	}
	switch params.Get("mode") {
	case "", "available":
	case "exact":
		q.avail.Exact = true
	default:
		return q, syntax("mode: %q is neither exact nor available", params.Get("mode"))
	}
	q.avail.References = params.Get("references")
	switch q.avail.References {
	case "", "none", "all", export.ClassDataflow, export.ClassDataStructure, export.ClassConceptScheme, export.ClassCodelist:
	case "dataproviderscheme":
		return q, NotImplemented("this service has no data provider scheme")
	default:
		return q, syntax("references: %q is none of none, all, datastructure, conceptscheme, codelist, dataproviderscheme, dataflow", q.avail.References)
	}
	return q, q.data.Filter.Validate()
}

// checkFlow accepts the flow references that name this service's dataflow:
// ID, AGENCY,ID or AGENCY,ID,VERSION, with all/latest for the parts a
// client leaves open. Another flow is a query with no results.
func checkFlow(ref string) error {
	parts := strings.Split(ref, ",")
	if len(parts) > 3 {
		return syntax("flowRef %q is not ID, AGENCY,ID or AGENCY,ID,VERSION", ref)
	}
	agency, id, version := "all", parts[0], "latest"
	if len(parts) > 1 {
		agency, id = parts[0], parts[1]
	}
	if len(parts) > 2 {
		version = parts[2]
	}
	for _, p := range []string{agency, id} {
		if !idPattern.MatchString(p) {
			return syntax("flowRef: %q is not an id", p)
		}
	}
	if !versionPattern.MatchString(version) {
		return syntax("flowRef: %q is not a version", version)
	}
	if (agency != "all" && agency != export.AgencyID) || id != export.DataflowID ||
		(version != "latest" && version != "all" && version != "*" && version != export.DataflowVersion) {
		return NoResults("no dataflow %s; this service holds %s", ref, export.DataflowRef())
	}
	return nil
}

// checkProvider accepts all and the one data provider, the maintenance
// agency (AGENCY or AGENCY,PROVIDER).
func checkProvider(ref string) error {
	if ref == "all" || ref == "" {
		return nil
	}
	for _, p := range strings.Split(ref, "+") {
		if !idPattern.MatchString(strings.ReplaceAll(p, ",", "")) {
			return syntax("providerRef: %q is not a provider reference", p)
		}
		if agency, _, _ := strings.Cut(p, ","); agency == export.AgencyID {
			return nil
		}
	}
	return NoResults("no data from provider %s; the data are %s's", ref, export.AgencyID)
}

// year reads startPeriod or endPeriod as the year it falls in: the dataset
// holds years and spans of years, so a sub-annual period selects its year.
func year(params url.Values, name string) (int, error) {
	v := params.Get(name)
	if v == "" {
		return 0, nil
	}
	m := periodPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, syntax("%s: %q is not an SDMX period (2024, 2024-06, 2024-Q2, …)", name, v)
	}
	y, _ := strconv.Atoi(m[1])
	return y, nil
}

func count(params url.Values, name string) (*int, error) {
	v := params.Get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return nil, syntax("%s: %q is not a positive whole number", name, v)
	}
	return &n, nil
}

// parseSchema reads schema/{context}/{agencyID}/{resourceID}/{version}: the
// XML schema of structure-specific data of the dataflow or its DSD, for
// one dimension at the observation level (TIME_PERIOD by default).
func parseSchema(parts []string, params url.Values) (string, error) {
	if len(parts) < 3 || len(parts) > 4 {
		return "", syntax("a schema query is schema/{context}/{agencyID}/{resourceID}/{version}")
	}
	if err := checkParams(params, "dimensionAtObservation", "explicitMeasure"); err != nil {
		return "", err
	}
	if e := params.Get("explicitMeasure"); e != "" && e != "false" {
		return "", NotImplemented("explicitMeasure is not implemented: the data structure has one measure")
	}
	version := "latest"
	if len(parts) == 4 {
		version = parts[3]
	}
	switch parts[0] {
	case export.ClassDataStructure, export.ClassDataflow:
	case "metadatastructure", "metadataflow", "provisionagreement":
		return "", NotImplemented("schemas of a %s are not implemented", parts[0])
	default:
		return "", syntax("schema context %q is none of datastructure, dataflow, metadatastructure, metadataflow, provisionagreement", parts[0])
	}
	q := StructureQuery{Agencies: []string{parts[1]}, IDs: []string{parts[2]}, Versions: []string{version}}
	if _, err := q.Select(parts[0], map[export.ArtefactRef][]export.ArtefactRef{
		{Class: export.ClassDataflow, ID: export.DataflowID}: nil, {Class: export.ClassDataStructure, ID: export.DSDID}: nil}); err != nil {
		return "", err
	}
	dim := params.Get("dimensionAtObservation")
	if dim == "" {
		dim = "TIME_PERIOD"
	}
	return dim, nil
}

func parseStructure(resource string, parts []string, params url.Values) (StructureQuery, error) {
	q := StructureQuery{Agencies: []string{"all"}, IDs: []string{"all"}, Versions: []string{"latest"}}
	if len(parts) > 4 {
		return q, syntax("a structure query is {resource}/{agencyID}/{resourceID}/{version}/{itemID}")
	}
	if len(parts) == 4 && parts[3] != "all" && parts[3] != "" {
		if !slices.Contains(itemSchemes, resource) {
			return q, syntax("%s/%s: a %s is no item scheme, so it takes no itemID", resource, strings.Join(parts, "/"), resource)
		}
		q.Items = strings.Split(parts[3], "+")
		for _, item := range q.Items {
			if !nestedIDPattern.MatchString(item) {
				return q, syntax("itemID: %q is not an item id", item)
			}
		}
	}
	for i, target := range []*[]string{&q.Agencies, &q.IDs, &q.Versions} {
		if i >= len(parts) || parts[i] == "" {
			continue
		}
		*target = strings.Split(parts[i], "+")
		for _, v := range *target {
			pattern := idPattern
			if i == 2 {
				pattern = versionPattern
			}
			if !pattern.MatchString(v) {
				return q, syntax("%q is not an %s", v, []string{"agency id", "resource id", "version"}[i])
			}
		}
	}
	if err := checkParams(params, "references", "detail"); err != nil {
		return q, err
	}
	q.References = params.Get("references")
	switch q.References {
	case "", "none", "parents", "parentsandsiblings", "children", "descendants", "all":
	default:
		if !slices.Contains(structureResources, q.References) && !slices.Contains(otherResources, q.References) {
			return q, syntax("references: %q is none of none, parents, parentsandsiblings, children, descendants, all or a resource", q.References)
		}
	}
	q.Detail = params.Get("detail")
	switch q.Detail {
	case "", "full", "allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs", "referencepartial":
	default:
		return q, syntax("detail: %q is none of full, allstubs, referencestubs, allcompletestubs, referencecompletestubs, referencepartial", q.Detail)
	}
	return q, nil
}

// itemSchemes are the structure resources whose artefacts hold items an
// item query picks.
var itemSchemes = []string{export.ClassCodelist, export.ClassConceptScheme}

// Partial resolves an item query over a selection of resource's artefacts,
// whose items are items: the items each scheme of the query's class keeps,
// in the scheme's order (nil for a query of whole schemes). A scheme
// holding none of them leaves the selection; none left is a query with no
// results.
func (q StructureQuery) Partial(resource string, sel map[export.ArtefactRef]export.StructureDetail, items map[export.ArtefactRef][]string) (map[export.ArtefactRef][]string, error) {
	if q.Items == nil {
		return nil, nil
	}
	kept := map[export.ArtefactRef][]string{}
	for a := range sel {
		if a.Class != resource {
			continue
		}
		for _, id := range items[a] {
			if slices.Contains(q.Items, id) {
				kept[a] = append(kept[a], id)
			}
		}
		if len(kept[a]) == 0 {
			delete(sel, a)
		}
	}
	if len(kept) == 0 {
		return nil, NoResults("no item %s in %s %s/%s/%s", strings.Join(q.Items, "+"), resource,
			strings.Join(q.Agencies, "+"), strings.Join(q.IDs, "+"), strings.Join(q.Versions, "+"))
	}
	return kept, nil
}

// Structures are the structures an availability query's references
// parameter asks to come with the constraint: none, all (the dataflow and
// everything it refers to), or every artefact of one class.
func (q AvailabilityQuery) Structures(artefacts map[export.ArtefactRef][]export.ArtefactRef) (map[export.ArtefactRef]export.StructureDetail, error) {
	all := StructureQuery{Agencies: []string{"all"}, IDs: []string{"all"}, Versions: []string{"latest"}}
	switch q.References {
	case "", "none":
		return nil, nil
	case "all":
		all.References = "descendants"
		return all.Select(export.ClassDataflow, artefacts)
	}
	return all.Select(q.References, artefacts)
}

// Select resolves a structure query over the artefacts: those it names and
// those its references parameter adds, each with the detail its detail
// parameter gives. An empty selection is a query with no results.
func (q StructureQuery) Select(resource string, artefacts map[export.ArtefactRef][]export.ArtefactRef) (map[export.ArtefactRef]export.StructureDetail, error) {
	matches := func(list []string, v string) bool {
		return slices.Contains(list, "all") || slices.Contains(list, "*") || slices.Contains(list, v)
	}
	version := slices.ContainsFunc(q.Versions, func(v string) bool { return v == "latest" || v == "all" || v == "*" || v == export.DataflowVersion })
	parents := map[export.ArtefactRef][]export.ArtefactRef{}
	for a, children := range artefacts {
		for _, c := range children {
			parents[c] = append(parents[c], a)
		}
	}
	matched, referenced := map[export.ArtefactRef]bool{}, map[export.ArtefactRef]bool{}
	for a := range artefacts {
		if a.Class == resource && matches(q.Agencies, export.AgencyID) && matches(q.IDs, a.ID) && version {
			matched[a] = true
		}
	}
	if len(matched) == 0 {
		return nil, NoResults("no %s %s/%s/%s", resource, strings.Join(q.Agencies, "+"), strings.Join(q.IDs, "+"), strings.Join(q.Versions, "+"))
	}
	var walk func(a export.ArtefactRef, next map[export.ArtefactRef][]export.ArtefactRef, deep bool)
	walk = func(a export.ArtefactRef, next map[export.ArtefactRef][]export.ArtefactRef, deep bool) {
		for _, b := range next[a] {
			if !referenced[b] {
				referenced[b] = true
				if deep {
					walk(b, next, deep)
				}
			}
		}
	}
	for a := range matched {
		switch q.References {
		case "parents":
			walk(a, parents, false)
		case "parentsandsiblings":
			walk(a, parents, false)
			for p := range referenced {
				walk(p, artefacts, false)
			}
		case "children":
			walk(a, artefacts, false)
		case "descendants":
			walk(a, artefacts, true)
		case "all":
			walk(a, parents, false)
			for p := range referenced {
				walk(p, artefacts, false)
			}
			walk(a, artefacts, true)
		case "", "none":
		default:
			// A resource type: the artefacts of that type among parents and
			// descendants.
			walk(a, parents, true)
			walk(a, artefacts, true)
			for r := range referenced {
				if r.Class != q.References {
					delete(referenced, r)
				}
			}
		}
	}
	// referencepartial cuts the referenced item schemes to the items the
	// artefact uses: the concept scheme holds the DSD's concepts only, and
	// the dataflow has no content constraint to cut the code lists to, so
	// every referenced scheme is written whole, as in full.
	own, refs := export.Full, export.Full
	switch q.Detail {
	case "allstubs":
		own, refs = export.Stub, export.Stub
	case "referencestubs":
		refs = export.Stub
	case "allcompletestubs":
		own, refs = export.CompleteStub, export.CompleteStub
	case "referencecompletestubs":
		refs = export.CompleteStub
	}
	sel := map[export.ArtefactRef]export.StructureDetail{}
	for r := range referenced {
		sel[r] = refs
	}
	for a := range matched {
		sel[a] = own
	}
	return sel, nil
}
