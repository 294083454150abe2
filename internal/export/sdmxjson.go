package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"indicators/internal/dataset"
)

const dataSchema = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json"

// Field names as the SDMX-JSON 2.0.0 data and structure message schemas
// (sdmx-twg/sdmx-json) spell them.
type (
	jsonMeta struct {
		Schema           string    `json:"schema"`
		ID               string    `json:"id"`
		Test             bool      `json:"test"`
		Prepared         string    `json:"prepared"`
		ContentLanguages []string  `json:"contentLanguages"`
		Name             string    `json:"name,omitempty"`
		Sender           jsonParty `json:"sender"`
	}
	jsonParty struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	jsonLink struct {
		Rel string `json:"rel"`
		URN string `json:"urn"`
	}
	jsonValue struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name,omitempty"`
		// Names are the name in every language it has (only a translated or
		// CLDR-named code has more than English).
		Names       map[string]string `json:"names,omitempty"`
		Description string            `json:"description,omitempty"`
		Value       string            `json:"value,omitempty"` // a non-coded value: TIME_PERIOD's
		Start       string            `json:"start,omitempty"`
		End         string            `json:"end,omitempty"`
	}
	jsonComponent struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		// Names are the name in every language it has, as a value's.
		Names        map[string]string `json:"names,omitempty"`
		Description  string            `json:"description,omitempty"`
		KeyPosition  *int              `json:"keyPosition,omitempty"`
		Roles        []string          `json:"roles,omitempty"`
		Relationship *jsonRelationship `json:"relationship,omitempty"`
		Format       *jsonFormat       `json:"format,omitempty"`
		Values       []jsonValue       `json:"values,omitempty"`
	}
	jsonRelationship struct {
		Observation struct{} `json:"observation"`
	}
	jsonFormat struct {
		DataType string `json:"dataType"`
	}
	jsonComponents struct {
		DataSet     []jsonComponent `json:"dataSet"`
		Series      []jsonComponent `json:"series"`
		Observation []jsonComponent `json:"observation"`
	}
	jsonMeasures struct {
		Observation []jsonComponent `json:"observation"`
	}
	jsonStructure struct {
		Links       []jsonLink     `json:"links"`
		Name        string         `json:"name"`
		Dimensions  jsonComponents `json:"dimensions"`
		Measures    jsonMeasures   `json:"measures"`
		Attributes  jsonComponents `json:"attributes"`
		DataSetRefs []int          `json:"dataSets"`
	}
)

func messageMeta(in Input, schema string) jsonMeta {
	return jsonMeta{
		Schema: schema,
		// The id names the dataset state, like the ETag: same data, same id.
		ID:               DataflowID + "-" + in.Prepared.UTC().Format("20060102T150405Z"),
		Prepared:         in.Prepared.UTC().Format(time.RFC3339),
		ContentLanguages: contentLanguages(in),
		Name:             DataflowName,
		Sender:           jsonParty{ID: AgencyID, Name: AgencyName},
	}
}

// contentLanguages are the languages of the message, the one of its name
// and description fields first (SDMX-JSON 2.0: the first is the message's
// default language): the language asked for when any label has it, else
// English; the names maps carry the others.
func contentLanguages(in Input) []string {
	langs := in.CodeLists.Languages()
	if i := slices.Index(langs, in.Lang); i > 0 {
		langs = slices.Concat([]string{in.Lang}, langs[:i], langs[i+1:])
	}
	return langs
}

// timeValue is a TIME_PERIOD value with the calendar span SDMX-JSON lets a
// time value carry.
func timeValue(p dataset.Period) jsonValue {
	return jsonValue{Value: sdmxPeriod(p),
		Start: fmt.Sprintf("%d-01-01T00:00:00Z", p.Start), End: fmt.Sprintf("%d-12-31T23:59:59Z", p.End)}
}

// usedValues are the values of each component the selected observations use;
// SDMX-JSON lists only those and refers to them by index.
type usedValues struct {
	dims    []map[string]bool // by dimension position; TIME_PERIOD's unused
	periods map[dataset.Period]bool
	attrs   []map[string]bool // coded attributes only
}

// writeSDMXJSON reads the observations twice: once for the values the
// structure lists, once to write them as indexes. Memory stays bounded by
// the code lists, not the number of observations. Both passes read the
// export's one snapshot, so they meet the same observations.
func writeSDMXJSON(ctx context.Context, w io.Writer, in Input) error {
	return WriteSDMXJSON(ctx, w, in, DataOptions{})
}

// WriteSDMXJSON writes an SDMX-JSON 2.0 data message, its observations at
// the data set level with their whole key (AllDimensions, whatever
// opts.DimensionAtObservation says: the message describes its own layout).
// DetailDataOnly leaves the attributes out.
func WriteSDMXJSON(ctx context.Context, w io.Writer, in Input, opts DataOptions) error {
	return writeJSONData(ctx, w, in, opts, []jsonDataSet{{action: "Information", each: in.Each}})
}

// jsonDataSet is one data set of an SDMX-JSON data message: what it does
// (SDMX's action), from when on (zero for no validFrom), and its
// observations, read by each.
type jsonDataSet struct {
	action    string
	validFrom time.Time
	each      func(ctx context.Context, fn func(dataset.Observation) error) error
}

// writeJSONData writes the data message of the data sets, in their order;
// the structure lists the values all of them use.
func writeJSONData(ctx context.Context, w io.Writer, in Input, opts DataOptions, sets []jsonDataSet) error {
	opts = opts.withDefaults()
	d := newDSD(in.CodeLists, in.Releases)
	if opts.Detail == DetailDataOnly {
		d.Attributes = nil
	}
	used := usedValues{periods: map[dataset.Period]bool{}}
	for range d.Dimensions {
		used.dims = append(used.dims, map[string]bool{})
	}
	for range d.Attributes {
		used.attrs = append(used.attrs, map[string]bool{})
	}
	for _, set := range sets {
		err := set.each(ctx, func(o dataset.Observation) error {
			so := d.observation(o)
			so.Attrs = so.Attrs[:len(d.Attributes)]
			for i, k := range so.Key {
				used.dims[i][k] = true
			}
			used.periods[o.Period] = true
			for i, a := range so.Attrs {
				used.attrs[i][a] = true
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read observations: %w", err)
		}
	}

	structure, dimIndex, attrIndex := d.jsonStructure(used, in.Lang)
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(struct {
		Meta jsonMeta `json:"meta"`
	}{messageMeta(in, dataSchema)})
	if err != nil {
		return fmt.Errorf("encode meta: %w", err)
	}
	st, err := json.Marshal(structure)
	if err != nil {
		return fmt.Errorf("encode structure: %w", err)
	}
	links, err := json.Marshal([]jsonLink{{Rel: "dataflow", URN: dataflowURN}})
	if err != nil {
		return fmt.Errorf("encode links: %w", err)
	}
	fmt.Fprintf(bw, "%s,\"data\":{\"structures\":[%s],\n\"dataSets\":[", head[:len(head)-1], st)
	for n, set := range sets {
		if n > 0 {
			bw.WriteString(",\n")
		}
		validFrom := ""
		if !set.validFrom.IsZero() {
			validFrom = fmt.Sprintf(",\"validFrom\":%q", set.validFrom.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(bw, "{\"structure\":0,\"action\":%q%s,\"links\":%s,\"observations\":{", set.action, validFrom, links)
		first := true
		err = set.each(ctx, func(o dataset.Observation) error {
			so := d.observation(o)
			so.Attrs = so.Attrs[:len(d.Attributes)]
			idx := make([]string, len(so.Key))
			for i, k := range so.Key {
				n, ok := dimIndex[i][k]
				if !ok {
					return unlisted(o, k)
				}
				idx[i] = strconv.Itoa(n)
			}
			cells := []any{nil} // a suppressed cell's value is null
			if so.Value != nil {
				cells[0] = json.RawMessage(dataset.FormatValue(*so.Value))
			}
			for i, a := range so.Attrs {
				switch {
				case attrIndex[i] != nil:
					n, ok := attrIndex[i][a]
					if !ok {
						return unlisted(o, a)
					}
					cells = append(cells, n)
				case a == "":
					cells = append(cells, nil)
				default:
					cells = append(cells, a)
				}
			}
			b, err := json.Marshal(cells)
			if err != nil {
				return fmt.Errorf("encode observation %s: %w", o.Key(), err)
			}
			if !first {
				bw.WriteString(",")
			}
			first = false
			fmt.Fprintf(bw, "\n%q:%s", strings.Join(idx, ":"), b)
			return nil
		})
		if err != nil {
			return fmt.Errorf("write observations: %w", err)
		}
		bw.WriteString("\n}}")
	}
	bw.WriteString("]}}\n")
	return bw.Flush()
}

// unlisted reports a value of o that the structure does not list: not a load
// between the passes (they share a snapshot) but a code outside its code
// list, which an index would silently misstate.
func unlisted(o dataset.Observation, value string) error {
	return fmt.Errorf("observation %s: value %q is not in the structure's code lists", o.Key(), value)
}

// jsonStructure describes the used values and returns, per dimension and per
// coded attribute, the index of each value in its values array. Codes are
// named in lang where they have it.
func (d dsd) jsonStructure(used usedValues, lang string) (jsonStructure, []map[string]int, []map[string]int) {
	s := jsonStructure{
		Links: []jsonLink{{Rel: "dataflow", URN: dataflowURN}, {Rel: "structure", URN: dsdURN}},
		Name:  DataflowName, DataSetRefs: []int{0},
		Measures: jsonMeasures{Observation: []jsonComponent{{ID: "OBS_VALUE", Name: "Observation value",
			Roles: []string{"PRIMARY"}, Format: &jsonFormat{DataType: "Decimal"}}}},
	}
	dimIndex := make([]map[string]int, len(d.Dimensions))
	for i, c := range d.Dimensions {
		pos := i
		jc := named(c, lang)
		jc.KeyPosition = &pos
		dimIndex[i] = map[string]int{}
		if c.ID == timeDimension {
			jc.Roles = []string{timeDimension}
			periods := make([]dataset.Period, 0, len(used.periods))
			for p := range used.periods {
				periods = append(periods, p)
			}
			slices.SortFunc(periods, func(a, b dataset.Period) int {
				if a.Start != b.Start {
					return a.Start - b.Start
				}
				return a.End - b.End
			})
			for _, p := range periods {
				dimIndex[i][sdmxPeriod(p)] = len(jc.Values)
				jc.Values = append(jc.Values, timeValue(p))
			}
		} else {
			if c.ID == "REF_AREA" {
				jc.Roles = []string{"REF_AREA"}
			}
			jc.Values = usedCodes(c, used.dims[i], dimIndex[i], lang)
		}
		s.Dimensions.Observation = append(s.Dimensions.Observation, jc)
	}
	attrIndex := make([]map[string]int, len(d.Attributes))
	for i, c := range d.Attributes {
		jc := named(c, lang)
		jc.Relationship = &jsonRelationship{}
		if c.Codelist == "" {
			jc.Format = &jsonFormat{DataType: "String"}
		} else {
			attrIndex[i] = map[string]int{}
			jc.Values = usedCodes(c, used.attrs[i], attrIndex[i], lang)
		}
		s.Attributes.Observation = append(s.Attributes.Observation, jc)
	}
	s.Dimensions.DataSet, s.Dimensions.Series = []jsonComponent{}, []jsonComponent{}
	s.Attributes.DataSet, s.Attributes.Series = []jsonComponent{}, []jsonComponent{}
	return s, dimIndex, attrIndex
}

// named is c's id, name and description in lang where c has them, and its
// names map when it has more than English.
func named(c component, lang string) jsonComponent {
	l := labelsOf(c.concept()).inMessage(lang)
	return jsonComponent{ID: c.ID, Name: l.Name, Names: l.Names, Description: l.Description}
}

// inMessage is l as a data message writes it: name and description in lang
// where l has them, and the names map only when it has more than English,
// so a data message grows only by the translations.
func (l localised) inMessage(lang string) localised {
	l = l.in(lang)
	if len(l.Names) < 2 {
		l.Names = nil
	}
	return l
}

// usedCodes lists the codes of c that are used, in code list order, named
// in lang where they have it (see inMessage), and records each one's index.
func usedCodes(c component, used map[string]bool, index map[string]int, lang string) []jsonValue {
	var values []jsonValue
	for _, k := range c.Codes {
		if used[k.ID] {
			index[k.ID] = len(values)
			l := labelsOf(k).inMessage(lang)
			values = append(values, jsonValue{ID: k.ID, Name: l.Name, Names: l.Names, Description: l.Description})
		}
	}
	return values
}
