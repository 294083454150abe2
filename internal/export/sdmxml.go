package export

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"indicators/internal/dataset"
)

// SDMX-ML 2.1 namespaces (sdmx-twg/sdmx-ml-v2_1 schemas).
const (
	nsMessage  = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
	nsCommon   = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
	nsGeneric  = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
	nsSpecific = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
	nsStruct   = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// AllDimensions is the dimensionAtObservation of a flat data set: every
// observation carries its whole key.
const AllDimensions = "AllDimensions"

// DataDetail is how much of each observation a data message carries (the
// SDMX REST detail parameter).
type DataDetail string

// Data details.
const (
	DetailFull           DataDetail = "full"
	DetailDataOnly       DataDetail = "dataonly"       // no attributes
	DetailSeriesKeysOnly DataDetail = "serieskeysonly" // series keys, no observations
	DetailNoData         DataDetail = "nodata"         // series with their attributes, no observations
)

// DataOptions shape an SDMX data message.
type DataOptions struct {
	// DimensionAtObservation is TIME_PERIOD (series over time, the SDMX
	// REST default), another dimension id, or AllDimensions.
	DimensionAtObservation string
	Detail                 DataDetail
}

func (o DataOptions) withDefaults() DataOptions {
	if o.DimensionAtObservation == "" {
		o.DimensionAtObservation = timeDimension
	}
	if o.Detail == "" {
		o.Detail = DetailFull
	}
	return o
}

// xmlWriter writes escaped XML text; the data messages are written by hand
// rather than through encoding/xml's encoder so that an observation streams
// out as soon as its series is complete, with no reflection per row.
type xmlWriter struct{ *bufio.Writer }

func (w xmlWriter) attr(name, value string) {
	w.WriteString(" " + name + `="`)
	xml.EscapeText(w, []byte(value))
	w.WriteString(`"`)
}

func (w xmlWriter) text(s string) { xml.EscapeText(w, []byte(s)) }

// header writes an SDMX-ML 2.1 message header. structure is the
// message:Structure element's content (data messages), or "".
func (w xmlWriter) header(in Input, structure func()) {
	w.WriteString("<message:Header><message:ID>")
	w.text(messageID(in))
	w.WriteString("</message:ID><message:Test>false</message:Test><message:Prepared>")
	w.text(in.Prepared.UTC().Format(time.RFC3339))
	w.WriteString("</message:Prepared><message:Sender")
	w.attr("id", AgencyID)
	w.WriteString(`><common:Name xml:lang="en">`)
	w.text(AgencyName)
	w.WriteString("</common:Name></message:Sender>")
	if structure != nil {
		structure()
	}
	w.WriteString("</message:Header>")
}

// messageID names the dataset state, like the ETag: same data, same id.
func messageID(in Input) string {
	return DataflowID + "-" + in.Prepared.UTC().Format("20060102T150405Z")
}

// structureID is the id a data message's header gives the structure its
// data sets refer to.
const structureID = AgencyID + "_" + DSDID

func (w xmlWriter) dsdRef() {
	w.WriteString("<Ref")
	w.attr("agencyID", AgencyID)
	w.attr("id", DSDID)
	w.attr("version", DataflowVersion)
	w.WriteString("/>")
}

// series is the observations of one series key, in the order read.
type series struct {
	key []string // the series key: every dimension but the observation one
	obs []sdmxObservation
}

// groupSeries reads the selected observations into series: every dimension
// but obsDim keys the series (AllDimensions: one series holding every
// observation). The store streams in key order, which is not series order,
// so a message holds its series in memory: as many as the response has
// observations, which a REST query bounds by its key.
func groupSeries(ctx context.Context, in Input, d dsd, obsDim int) ([]*series, error) {
	var obs []sdmxObservation
	err := in.Each(ctx, func(o dataset.Observation) error {
		obs = append(obs, d.observation(o))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read observations: %w", err)
	}
	return toSeries(obs, obsDim), nil
}

// toSeries groups observations into series, in the order of their first
// observations.
func toSeries(obs []sdmxObservation, obsDim int) []*series {
	var out []*series
	byKey := map[string]*series{}
	for _, so := range obs {
		var key []string
		if obsDim >= 0 {
			key = slices.Delete(slices.Clone(so.Key), obsDim, obsDim+1)
		}
		k := strings.Join(key, "\x1f")
		s, ok := byKey[k]
		if !ok {
			s = &series{key: key}
			byKey[k] = s
			out = append(out, s)
		}
		s.obs = append(s.obs, so)
	}
	return out
}

// obsDimension is the position of the observation dimension in the key, -1
// for AllDimensions.
func (d dsd) obsDimension(id string) (int, error) {
	if id == AllDimensions {
		return -1, nil
	}
	for i, c := range d.Dimensions {
		if c.ID == id {
			return i, nil
		}
	}
	return 0, dataset.Errorf(dataset.ErrBadInput, "dimensionAtObservation: %q is neither a dimension of %s nor %s", id, DSDID, AllDimensions)
}

// seriesDims are the ids of the series key's dimensions.
func (d dsd) seriesDims(obsDim int) []component {
	if obsDim < 0 {
		return nil
	}
	return slices.Delete(slices.Clone(d.Dimensions), obsDim, obsDim+1)
}

// WriteGenericData writes an SDMX-ML 2.1 GenericData message.
func WriteGenericData(ctx context.Context, w io.Writer, in Input, opts DataOptions) error {
	return writeDataML(ctx, w, in, opts, false)
}

// WriteStructureSpecificData writes an SDMX-ML 2.1 StructureSpecificData
// message: components as XML attributes, typed by the schema
// WriteStructureSpecificSchema derives from the DSD.
func WriteStructureSpecificData(ctx context.Context, w io.Writer, in Input, opts DataOptions) error {
	return writeDataML(ctx, w, in, opts, true)
}

func writeDataML(ctx context.Context, out io.Writer, in Input, opts DataOptions, specific bool) error {
	return writeDataMessage(ctx, out, in, opts, specific, func(d dsd, obsDim int) ([]dataSetML, error) {
		all, err := groupSeries(ctx, in, d, obsDim)
		return []dataSetML{{series: all}}, err
	})
}

// dataSetML is one data set of a data message: its series and, in a
// message of versions, what it does (SDMX's action) from when on.
type dataSetML struct {
	series    []*series
	action    string    // "" for none
	validFrom time.Time // zero for none
}

// writeDataMessage writes a GenericData or StructureSpecificData message
// holding the data sets read, in their order, their series keyed by every
// dimension but obsDim (opts' dimension at observation).
func writeDataMessage(ctx context.Context, out io.Writer, in Input, opts DataOptions, specific bool,
	read func(d dsd, obsDim int) ([]dataSetML, error)) error {
	opts = opts.withDefaults()
	d := newDSD(in.CodeLists, in.Releases)
	obsDim, err := d.obsDimension(opts.DimensionAtObservation)
	if err != nil {
		return err
	}
	sets, err := read(d, obsDim)
	if err != nil {
		return err
	}
	seriesDims := d.seriesDims(obsDim)
	w := xmlWriter{bufio.NewWriter(out)}
	w.WriteString(xml.Header)
	root := "message:GenericData"
	if specific {
		root = "message:StructureSpecificData"
	}
	w.WriteString("<" + root)
	w.attr("xmlns:message", nsMessage)
	w.attr("xmlns:common", nsCommon)
	ns := structureSpecificNamespace(opts.DimensionAtObservation)
	if specific {
		w.attr("xmlns:ss", nsSpecific)
		w.attr("xmlns:xsi", nsXSI)
		w.attr("xmlns:ns1", ns)
	} else {
		w.attr("xmlns:generic", nsGeneric)
	}
	w.WriteString(">")
	w.header(in, func() {
		w.WriteString("<message:Structure")
		w.attr("structureID", structureID)
		if specific {
			w.attr("namespace", ns)
		}
		w.attr("dimensionAtObservation", opts.DimensionAtObservation)
		w.WriteString("><common:Structure>")
		w.dsdRef()
		w.WriteString("</common:Structure></message:Structure>")
	})
	withObs := opts.Detail == DetailFull || opts.Detail == DetailDataOnly
	withAttrs := opts.Detail == DetailFull
	for _, set := range sets {
		w.WriteString("<message:DataSet")
		// The structure-specific schema qualifies the data set's own
		// attributes; the generic one does not.
		prefix := ""
		if specific {
			prefix = "ss:"
			w.attr("ss:structureRef", structureID)
			w.attr("ss:dataScope", "DataStructure")
			w.attr("xsi:type", "ns1:DataSetType")
		} else {
			w.attr("structureRef", structureID)
		}
		if set.action != "" {
			w.attr(prefix+"action", set.action)
		}
		if !set.validFrom.IsZero() {
			w.attr(prefix+"validFromDate", set.validFrom.UTC().Format(time.RFC3339))
		}
		w.WriteString(">")
		for _, s := range set.series {
			if obsDim >= 0 {
				if specific {
					w.WriteString("<Series")
					for i, c := range seriesDims {
						w.attr(c.ID, s.key[i])
					}
				} else {
					w.WriteString("<generic:Series><generic:SeriesKey>")
					for i, c := range seriesDims {
						w.genericValue(c.ID, s.key[i])
					}
					w.WriteString("</generic:SeriesKey>")
				}
				if !withObs {
					if specific {
						w.WriteString("/>")
					} else {
						w.WriteString("</generic:Series>")
					}
					continue
				}
				if specific {
					w.WriteString(">")
				}
			}
			for _, o := range s.obs {
				if specific {
					w.specificObs(d, o, obsDim, withAttrs)
				} else {
					w.genericObs(d, o, obsDim, withAttrs)
				}
			}
			if obsDim >= 0 {
				if specific {
					w.WriteString("</Series>")
				} else {
					w.WriteString("</generic:Series>")
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		w.WriteString("</message:DataSet>")
	}
	w.WriteString("</" + root + ">\n")
	return w.Flush()
}

func (w xmlWriter) genericValue(id, value string) {
	w.WriteString("<generic:Value")
	w.attr("id", id)
	w.attr("value", value)
	w.WriteString("/>")
}

func (w xmlWriter) genericObs(d dsd, o sdmxObservation, obsDim int, withAttrs bool) {
	w.WriteString("<generic:Obs>")
	if obsDim < 0 {
		w.WriteString("<generic:ObsKey>")
		for i, c := range d.Dimensions {
			w.genericValue(c.ID, o.Key[i])
		}
		w.WriteString("</generic:ObsKey>")
	} else {
		w.WriteString("<generic:ObsDimension")
		w.attr("value", o.Key[obsDim])
		w.WriteString("/>")
	}
	if o.Value != nil {
		w.WriteString("<generic:ObsValue")
		w.attr("value", o.obsValue())
		w.WriteString("/>")
	}
	if withAttrs {
		w.WriteString("<generic:Attributes>")
		for i, c := range d.Attributes {
			if o.Attrs[i] != "" {
				w.genericValue(c.ID, o.Attrs[i])
			}
		}
		w.WriteString("</generic:Attributes>")
	}
	w.WriteString("</generic:Obs>")
}

func (w xmlWriter) specificObs(d dsd, o sdmxObservation, obsDim int, withAttrs bool) {
	w.WriteString("<Obs")
	for i, c := range d.Dimensions {
		if obsDim < 0 || i == obsDim {
			w.attr(c.ID, o.Key[i])
		}
	}
	if o.Value != nil {
		w.attr("OBS_VALUE", o.obsValue())
	}
	if withAttrs {
		for i, c := range d.Attributes {
			if o.Attrs[i] != "" {
				w.attr(c.ID, o.Attrs[i])
			}
		}
	}
	w.WriteString("/>")
}

// structureSpecificNamespace is the namespace of the schema SDMX derives
// from the DSD for one observation dimension (SDMX 2.1 section 6, the
// structure-specific schema's target namespace).
func structureSpecificNamespace(dimAtObs string) string {
	level := "ObsLevelDim:" + dimAtObs
	return dsdURN + ":" + level
}

// WriteStructureSpecificSchema writes the XML schema SDMX derives from the
// DSD for structure-specific data with the given observation dimension: the
// abstract data set, series and observation types of the official schemas
// restricted to this DSD's components, each coded component typed by its
// code list. Structure-specific messages declare their data set of this
// type; it is what lets a validator check their codes.
func WriteStructureSpecificSchema(_ context.Context, out io.Writer, in Input, dimAtObs string) error {
	d := newDSD(in.CodeLists, in.Releases)
	obsDim, err := d.obsDimension(dimAtObs)
	if err != nil {
		return err
	}
	w := xmlWriter{bufio.NewWriter(out)}
	ns := structureSpecificNamespace(dimAtObs)
	w.WriteString(xml.Header + "<xs:schema")
	w.attr("xmlns:xs", "http://www.w3.org/2001/XMLSchema")
	w.attr("xmlns", ns)
	w.attr("targetNamespace", ns)
	w.attr("xmlns:common", nsCommon)
	w.attr("xmlns:dsd", nsSpecific)
	w.WriteString(` elementFormDefault="unqualified" attributeFormDefault="unqualified">`)
	w.WriteString(`<xs:import namespace="` + nsCommon + `" schemaLocation="SDMXCommon.xsd"/>`)
	w.WriteString(`<xs:import namespace="` + nsSpecific + `" schemaLocation="SDMXDataStructureSpecific.xsd"/>`)
	// One simple type per code list.
	seen := map[string]bool{}
	for _, c := range slices.Concat(d.Dimensions, d.Attributes) {
		if c.Codelist == "" || seen[c.Codelist] {
			continue
		}
		seen[c.Codelist] = true
		w.WriteString("<xs:simpleType")
		w.attr("name", c.Codelist+"Type")
		w.WriteString(`><xs:restriction base="xs:string">`)
		for _, k := range c.Codes {
			w.WriteString("<xs:enumeration")
			w.attr("value", k.ID)
			w.WriteString("/>")
		}
		w.WriteString("</xs:restriction></xs:simpleType>")
	}
	attribute := func(c component, required bool) {
		w.WriteString("<xs:attribute")
		w.attr("name", c.ID)
		switch {
		case c.ID == timeDimension:
			w.attr("type", "common:ObservationalTimePeriodType")
		case c.Codelist != "":
			w.attr("type", c.Codelist+"Type")
		default:
			w.attr("type", "xs:string")
		}
		use := "optional"
		if required {
			use = "required"
		}
		w.attr("use", use)
		w.WriteString("/>")
	}
	const annotations = `<xs:element ref="common:Annotations" minOccurs="0"/>`

	w.WriteString(`<xs:complexType name="DataSetType"><xs:complexContent><xs:restriction base="dsd:DataSetType"><xs:sequence>` + annotations +
		`<xs:element name="DataProvider" type="common:DataProviderReferenceType" minOccurs="0"/>`)
	if obsDim < 0 {
		w.WriteString(`<xs:element name="Obs" type="ObsType" maxOccurs="unbounded"/>`)
	} else {
		w.WriteString(`<xs:element name="Series" type="SeriesType" maxOccurs="unbounded"/>`)
	}
	w.WriteString(`</xs:sequence></xs:restriction></xs:complexContent></xs:complexType>`)

	if obsDim >= 0 {
		w.WriteString(`<xs:complexType name="SeriesType"><xs:complexContent><xs:restriction base="dsd:SeriesType"><xs:sequence>` + annotations +
			`<xs:element name="Obs" type="ObsType" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>`)
		for _, c := range d.seriesDims(obsDim) {
			if c.ID == timeDimension {
				continue // declared below, with the base's own
			}
			attribute(c, true)
		}
		if obsDim != len(d.Dimensions)-1 {
			attribute(d.Dimensions[len(d.Dimensions)-1], true)
		} else {
			w.WriteString(`<xs:attribute name="TIME_PERIOD" use="prohibited"/>`)
		}
		w.WriteString(`<xs:attribute name="REPORTING_YEAR_START_DAY" use="prohibited"/></xs:restriction></xs:complexContent></xs:complexType>`)
	}

	w.WriteString(`<xs:complexType name="ObsType"><xs:complexContent><xs:restriction base="dsd:ObsType"><xs:sequence>` + annotations + `</xs:sequence>`)
	for i, c := range d.Dimensions {
		if obsDim < 0 || i == obsDim {
			attribute(c, true)
		}
	}
	if obsDim >= 0 && obsDim != len(d.Dimensions)-1 {
		w.WriteString(`<xs:attribute name="TIME_PERIOD" use="prohibited"/>`)
	}
	w.WriteString(`<xs:attribute name="type" use="prohibited"/><xs:attribute name="REPORTING_YEAR_START_DAY" use="prohibited"/>`)
	w.WriteString(`<xs:attribute name="OBS_VALUE" type="xs:decimal" use="optional"/>`)
	for _, c := range d.Attributes {
		attribute(c, false)
	}
	w.WriteString(`</xs:restriction></xs:complexContent></xs:complexType></xs:schema>` + "\n")
	return w.Flush()
}
