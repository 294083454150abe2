package export

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"indicators/internal/dataset"
)

const structureSchema = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/2.0.0/sdmx-json-structure-schema.json"

type (
	structArtefact struct {
		ID       string `json:"id"`
		AgencyID string `json:"agencyID"`
		Version  string `json:"version"`
		localised
	}
	// localised is a name and description in the message's language
	// (English unless the request chose another, through in) and by
	// language, every language the label has.
	localised struct {
		Name         string            `json:"name"`
		Names        map[string]string `json:"names,omitempty"`
		Description  string            `json:"description,omitempty"`
		Descriptions map[string]string `json:"descriptions,omitempty"`
	}
	structDataflow struct {
		structArtefact
		Structure string `json:"structure"`
	}
	structRepresentation struct {
		Enumeration string      `json:"enumeration,omitempty"`
		Format      *jsonFormat `json:"format,omitempty"`
	}
	structComponent struct {
		ID                    string                `json:"id"`
		Position              *int                  `json:"position,omitempty"`
		Usage                 string                `json:"usage,omitempty"`
		AttributeRelationship *jsonRelationship     `json:"attributeRelationship,omitempty"`
		ConceptIdentity       string                `json:"conceptIdentity"`
		LocalRepresentation   *structRepresentation `json:"localRepresentation,omitempty"`
	}
	structDSD struct {
		structArtefact
		Components *structComponents `json:"dataStructureComponents,omitempty"`
	}
	structComponents struct {
		DimensionList struct {
			ID            string            `json:"id"`
			Dimensions    []structComponent `json:"dimensions"`
			TimeDimension structComponent   `json:"timeDimension"`
		} `json:"dimensionList"`
		AttributeList struct {
			ID         string            `json:"id"`
			Attributes []structComponent `json:"attributes"`
		} `json:"attributeList"`
		MeasureList struct {
			ID       string            `json:"id"`
			Measures []structComponent `json:"measures"`
		} `json:"measureList"`
	}
	structItem struct {
		ID string `json:"id"`
		localised
	}
	structConceptScheme struct {
		structArtefact
		IsPartial bool         `json:"isPartial,omitempty"`
		Concepts  []structItem `json:"concepts,omitempty"`
	}
	structCodelist struct {
		structArtefact
		IsPartial bool         `json:"isPartial,omitempty"`
		Codes     []structItem `json:"codes,omitempty"`
	}
)

func artefact(id, name, description string) structArtefact {
	return structArtefact{ID: id, AgencyID: AgencyID, Version: DataflowVersion, localised: inEnglish(name, description)}
}

func inEnglish(name, description string) localised {
	return labelsOf(code{Name: name, Description: description})
}

// labelsOf is a code's name and description in every language it has: the
// data file's translations and, for a country, CLDR's names.
func labelsOf(k code) localised {
	l := localised{Name: k.Name, Names: byLanguage(dataset.AllLabels(k.Name, k.Names, k.Area))}
	if k.Description != "" {
		l.Description, l.Descriptions = k.Description, byLanguage(dataset.AllLabels(k.Description, k.Descriptions, dataset.StandardCodes{}))
	}
	return l
}

// in is l with its name and description in lang where l has them, as
// SDMX-JSON's single-language fields are the best-match language's; the
// names maps still list every language.
func (l localised) in(lang string) localised {
	if n, ok := l.Names[lang]; ok {
		l.Name = n
	}
	if d, ok := l.Descriptions[lang]; ok {
		l.Description = d
	}
	return l
}

func (a structArtefact) in(lang string) structArtefact {
	a.localised = a.localised.in(lang)
	return a
}

func (i structItem) in(lang string) structItem {
	i.localised = i.localised.in(lang)
	return i
}

func byLanguage(labels []dataset.Localized) map[string]string {
	m := make(map[string]string, len(labels))
	for _, l := range labels {
		m[l.Language] = l.Text
	}
	return m
}

// languages are the keys of a names map, English first, for writers that
// keep an order.
func languages(names map[string]string) []string {
	return slices.SortedFunc(maps.Keys(names), func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "en":
			return -1
		case b == "en":
			return 1
		}
		return cmp.Compare(a, b)
	})
}

func item(k code) structItem {
	return structItem{ID: k.ID, localised: labelsOf(k)}
}

// Artefact classes of the structure messages, as SDMX REST names the
// resources.
const (
	ClassDataflow      = "dataflow"
	ClassDataStructure = "datastructure"
	ClassConceptScheme = "conceptscheme"
	ClassCodelist      = "codelist"
)

// ArtefactRef names one maintainable artefact of the dataflow's structure.
type ArtefactRef struct{ Class, ID string }

// StructureDetail is how fully a structure message describes an artefact.
type StructureDetail int

// Structure details; the zero value leaves the artefact out.
const (
	Omit StructureDetail = iota
	// Stub: identification and name only (SDMX REST allstubs/referencestubs).
	Stub
	// CompleteStub: a stub with its description.
	CompleteStub
	Full
)

// Artefacts lists the artefacts the structure describes, each with the
// artefacts it refers to (its children), in message order: dataflow, data
// structure, concept scheme, code lists.
func Artefacts(cl *dataset.CodeLists, releases []dataset.Release) map[ArtefactRef][]ArtefactRef {
	d := newDSD(cl, releases)
	dsdChildren := []ArtefactRef{{ClassConceptScheme, conceptSchemeID}}
	for _, c := range d.codelists() {
		dsdChildren = append(dsdChildren, ArtefactRef{ClassCodelist, c.Codelist})
	}
	out := map[ArtefactRef][]ArtefactRef{
		{ClassDataflow, DataflowID}:           {{ClassDataStructure, DSDID}},
		{ClassDataStructure, DSDID}:           dsdChildren,
		{ClassConceptScheme, conceptSchemeID}: nil,
	}
	for _, c := range dsdChildren[1:] {
		out[c] = nil
	}
	return out
}

// codelists are the coded components, one per code list, in DSD order.
func (d dsd) codelists() []component {
	var out []component
	seen := map[string]bool{}
	for _, c := range slices.Concat(d.Dimensions, d.Attributes) {
		if c.Codelist != "" && !seen[c.Codelist] {
			seen[c.Codelist] = true
			out = append(out, c)
		}
	}
	return out
}

// Items are the item ids of each item scheme, in message order: the
// concept scheme's concepts and each code list's codes (what an SDMX REST
// item query picks from).
func Items(cl *dataset.CodeLists, releases []dataset.Release) map[ArtefactRef][]string {
	d := newDSD(cl, releases)
	out := map[ArtefactRef][]string{}
	cs := ArtefactRef{ClassConceptScheme, conceptSchemeID}
	for _, c := range d.concepts() {
		out[cs] = append(out[cs], c.ID)
	}
	for _, c := range d.codelists() {
		a := ArtefactRef{ClassCodelist, c.Codelist}
		out[a] = []string{}
		for _, k := range c.Codes {
			out[a] = append(out[a], k.ID)
		}
	}
	return out
}

// AllStructures selects every artefact in full: the structure.json export.
func AllStructures(cl *dataset.CodeLists, releases []dataset.Release) map[ArtefactRef]StructureDetail {
	sel := map[ArtefactRef]StructureDetail{}
	for a := range Artefacts(cl, releases) {
		sel[a] = Full
	}
	return sel
}

// concepts are the concept scheme's concepts: every component and the
// measure.
func (d dsd) concepts() []structItem {
	var out []structItem
	for _, c := range d.Dimensions {
		out = append(out, item(c.concept()))
	}
	out = append(out, item(code{ID: "OBS_VALUE", Name: "Observation value", Description: obsValueDescription}))
	for _, c := range d.Attributes {
		out = append(out, item(c.concept()))
	}
	return out
}

// concept is the component's concept: its id and its labels.
func (c component) concept() code {
	return code{ID: c.ID, Name: c.Name, Description: c.Description, Names: c.Names, Descriptions: c.Descriptions}
}

const (
	obsValueDescription = "The figure, exactly as the report states it (or as derived from a stated change)."
	dataflowDescription = "Figures of the national reports on combating trafficking in persons of the Republic of Azerbaijan, each with the sentence of the report that states it."
)

func writeStructure(ctx context.Context, w io.Writer, in Input) error {
	return WriteStructureJSON(ctx, w, in, AllStructures(in.CodeLists, in.Releases))
}

// stubbed trims an artefact's identification to what its detail keeps.
func stubbed(a structArtefact, detail StructureDetail) structArtefact {
	if detail == Stub {
		a.Description, a.Descriptions = "", nil
	}
	return a
}

// WriteStructureJSON writes an SDMX-JSON 2.0 structure message with the
// selected artefacts. Code lists carry every code (not only the used ones):
// an SDMX tool validates data against them.
func WriteStructureJSON(_ context.Context, w io.Writer, in Input, sel map[ArtefactRef]StructureDetail) error {
	return writeStructureJSON(w, in, sel, nil)
}

// writeStructureJSON writes the structure message with the selected
// artefacts and the data constraints given.
func writeStructureJSON(w io.Writer, in Input, sel map[ArtefactRef]StructureDetail, constraints []jsonConstraint) error {
	d := newDSD(in.CodeLists, in.Releases)
	lang := in.Lang
	c := &structComponents{}
	c.DimensionList.ID, c.AttributeList.ID, c.MeasureList.ID = "DimensionDescriptor", "AttributeDescriptor", "MeasureDescriptor"
	represent := func(comp component) *structRepresentation {
		if comp.Codelist == "" {
			return &structRepresentation{Format: &jsonFormat{DataType: "String"}}
		}
		return &structRepresentation{Enumeration: codelistURN(comp.Codelist)}
	}
	for i, comp := range d.Dimensions {
		if comp.ID == timeDimension {
			c.DimensionList.TimeDimension = structComponent{ID: comp.ID, ConceptIdentity: conceptURN(comp.ID),
				LocalRepresentation: &structRepresentation{Format: &jsonFormat{DataType: "ObservationalTimePeriod"}}}
			continue
		}
		pos := i
		c.DimensionList.Dimensions = append(c.DimensionList.Dimensions, structComponent{ID: comp.ID, Position: &pos,
			ConceptIdentity: conceptURN(comp.ID), LocalRepresentation: represent(comp)})
	}
	c.MeasureList.Measures = []structComponent{{ID: "OBS_VALUE", Usage: "mandatory", ConceptIdentity: conceptURN("OBS_VALUE"),
		LocalRepresentation: &structRepresentation{Format: &jsonFormat{DataType: "Decimal"}}}}
	for _, comp := range d.Attributes {
		usage := "optional"
		if comp.Mandatory {
			usage = "mandatory"
		}
		c.AttributeList.Attributes = append(c.AttributeList.Attributes, structComponent{ID: comp.ID, Usage: usage,
			AttributeRelationship: &jsonRelationship{}, ConceptIdentity: conceptURN(comp.ID), LocalRepresentation: represent(comp)})
	}

	msg := struct {
		Meta jsonMeta `json:"meta"`
		Data struct {
			Dataflows      []structDataflow      `json:"dataflows,omitempty"`
			DataStructures []structDSD           `json:"dataStructures,omitempty"`
			ConceptSchemes []structConceptScheme `json:"conceptSchemes,omitempty"`
			Codelists      []structCodelist      `json:"codelists,omitempty"`
			Constraints    []jsonConstraint      `json:"dataConstraints,omitempty"`
		} `json:"data"`
	}{Meta: messageMeta(in, structureSchema)}
	msg.Data.Constraints = constraints
	if detail := sel[ArtefactRef{ClassDataflow, DataflowID}]; detail != Omit {
		msg.Data.Dataflows = []structDataflow{{structArtefact: stubbed(artefact(DataflowID, DataflowName, dataflowDescription).in(lang), detail), Structure: dsdURN}}
	}
	if detail := sel[ArtefactRef{ClassDataStructure, DSDID}]; detail != Omit {
		out := structDSD{structArtefact: stubbed(artefact(DSDID, DataflowName+" (data structure)", "").in(lang), detail)}
		if detail == Full {
			out.Components = c
		}
		msg.Data.DataStructures = []structDSD{out}
	}
	if a := (ArtefactRef{ClassConceptScheme, conceptSchemeID}); sel[a] != Omit {
		detail := sel[a]
		_, partial := in.Items[a]
		cs := structConceptScheme{structArtefact: stubbed(artefact(conceptSchemeID, DataflowName+" concepts", "").in(lang), detail), IsPartial: partial}
		if detail == Full {
			for _, concept := range d.concepts() {
				if in.keeps(a, concept.ID) {
					cs.Concepts = append(cs.Concepts, concept.in(lang))
				}
			}
		}
		msg.Data.ConceptSchemes = []structConceptScheme{cs}
	}
	for _, comp := range d.codelists() {
		a := ArtefactRef{ClassCodelist, comp.Codelist}
		detail := sel[a]
		if detail == Omit {
			continue
		}
		_, partial := in.Items[a]
		cl := structCodelist{structArtefact: stubbed(artefact(comp.Codelist, comp.Name, "").in(lang), detail), IsPartial: partial}
		if detail == Full {
			for _, k := range comp.Codes {
				if in.keeps(a, k.ID) {
					cl.Codes = append(cl.Codes, item(k).in(lang))
				}
			}
		}
		msg.Data.Codelists = append(msg.Data.Codelists, cl)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(msg); err != nil {
		return fmt.Errorf("encode structure message: %w", err)
	}
	return nil
}
