package export

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
)

// WriteStructureML writes an SDMX-ML 2.1 Structure message with the selected
// artefacts, in the order the schema's Structures element wants them:
// dataflows, code lists, concepts, data structures.
func WriteStructureML(_ context.Context, out io.Writer, in Input, sel map[ArtefactRef]StructureDetail) error {
	return writeStructureML(out, in, sel, nil)
}

// writeStructureML writes the structure message; constraints, when not
// nil, writes its Constraints element, the last the message holds.
func writeStructureML(out io.Writer, in Input, sel map[ArtefactRef]StructureDetail, constraints func(xmlWriter)) error {
	d := newDSD(in.CodeLists, in.Releases)
	w := xmlWriter{bufio.NewWriter(out)}
	w.WriteString(xml.Header + "<message:Structure")
	w.attr("xmlns:message", nsMessage)
	w.attr("xmlns:common", nsCommon)
	w.attr("xmlns:structure", nsStruct)
	w.WriteString(">")
	w.header(in, nil)
	w.WriteString("<message:Structures>")

	if detail := sel[ArtefactRef{ClassDataflow, DataflowID}]; detail != Omit {
		w.WriteString("<structure:Dataflows>")
		w.maintainable("structure:Dataflow", "datastructure.Dataflow", DataflowID, DataflowName, dataflowDescription, detail, false)
		if detail == Full {
			w.WriteString("<structure:Structure>")
			w.ref(DSDID, "", "datastructure", "DataStructure")
			w.WriteString("</structure:Structure>")
		}
		w.WriteString("</structure:Dataflow></structure:Dataflows>")
	}

	var lists []component
	for _, c := range d.codelists() {
		if sel[ArtefactRef{ClassCodelist, c.Codelist}] != Omit {
			lists = append(lists, c)
		}
	}
	if len(lists) > 0 {
		w.WriteString("<structure:Codelists>")
		for _, c := range lists {
			a := ArtefactRef{ClassCodelist, c.Codelist}
			detail := sel[a]
			_, partial := in.Items[a]
			w.maintainable("structure:Codelist", "codelist.Codelist", c.Codelist, c.Name, "", detail, partial)
			if detail == Full {
				for _, k := range c.Codes {
					if in.keeps(a, k.ID) {
						w.item("structure:Code", ref(c.Codelist), "codelist.Code", k.ID, labelsOf(k))
					}
				}
			}
			w.WriteString("</structure:Codelist>")
		}
		w.WriteString("</structure:Codelists>")
	}

	if a := (ArtefactRef{ClassConceptScheme, conceptSchemeID}); sel[a] != Omit {
		detail := sel[a]
		_, partial := in.Items[a]
		w.WriteString("<structure:Concepts>")
		w.maintainable("structure:ConceptScheme", "conceptscheme.ConceptScheme", conceptSchemeID, DataflowName+" concepts", "", detail, partial)
		if detail == Full {
			for _, c := range d.concepts() {
				if in.keeps(a, c.ID) {
					w.item("structure:Concept", ref(conceptSchemeID), "conceptscheme.Concept", c.ID, c.localised)
				}
			}
		}
		w.WriteString("</structure:ConceptScheme></structure:Concepts>")
	}

	if detail := sel[ArtefactRef{ClassDataStructure, DSDID}]; detail != Omit {
		w.WriteString("<structure:DataStructures>")
		w.maintainable("structure:DataStructure", "datastructure.DataStructure", DSDID, DataflowName+" (data structure)", "", detail, false)
		if detail == Full {
			w.dsdComponents(d)
		}
		w.WriteString("</structure:DataStructure></structure:DataStructures>")
	}
	if constraints != nil {
		constraints(w)
	}
	w.WriteString("</message:Structures></message:Structure>\n")
	return w.Flush()
}

// maintainable opens a maintainable artefact's element and writes its name
// and, unless a stub, its description; the caller writes the content and
// closes the element. partial marks an item scheme written in part.
func (w xmlWriter) maintainable(elem, class, id, name, description string, detail StructureDetail, partial bool) {
	w.WriteString("<" + elem)
	w.attr("id", id)
	w.attr("urn", urn(class, id))
	w.attr("agencyID", AgencyID)
	w.attr("version", DataflowVersion)
	if partial {
		w.attr("isPartial", "true")
	}
	w.WriteString(">")
	w.names(inEnglish(name, description), detail)
}

// names writes a name in every language it has, English first, and so its
// description unless the artefact is a stub.
func (w xmlWriter) names(l localised, detail StructureDetail) {
	w.localised("common:Name", l.Names)
	if detail != Stub {
		w.localised("common:Description", l.Descriptions)
	}
}

func (w xmlWriter) localised(elem string, texts map[string]string) {
	for _, lang := range languages(texts) {
		w.WriteString("<" + elem)
		w.attr("xml:lang", lang)
		w.WriteString(">")
		w.text(texts[lang])
		w.WriteString("</" + elem + ">")
	}
}

// item writes a code or a concept of the scheme parent (AGENCY:ID(VERSION)).
func (w xmlWriter) item(elem, parent, class, id string, l localised) {
	w.WriteString("<" + elem)
	w.attr("id", id)
	w.attr("urn", "urn:sdmx:org.sdmx.infomodel."+class+"="+parent+"."+id)
	w.WriteString(">")
	w.names(l, Full)
	w.WriteString("</" + elem + ">")
}

// ref writes an SDMX-ML 2.1 reference to an artefact of this agency and
// version: a maintainable one when parent is "", else an item of the
// maintainable parent.
func (w xmlWriter) ref(id, parent, pkg, class string) {
	w.WriteString("<Ref")
	w.attr("id", id)
	if parent != "" {
		w.attr("maintainableParentID", parent)
		w.attr("maintainableParentVersion", DataflowVersion)
	}
	w.attr("agencyID", AgencyID)
	if parent == "" {
		w.attr("version", DataflowVersion)
	}
	w.attr("package", pkg)
	w.attr("class", class)
	w.WriteString("/>")
}

func (w xmlWriter) conceptIdentity(id string) {
	w.WriteString("<structure:ConceptIdentity>")
	w.ref(id, conceptSchemeID, "conceptscheme", "Concept")
	w.WriteString("</structure:ConceptIdentity>")
}

func (w xmlWriter) representation(c component, textType string) {
	w.WriteString("<structure:LocalRepresentation>")
	if c.Codelist != "" {
		w.WriteString("<structure:Enumeration>")
		w.ref(c.Codelist, "", "codelist", "Codelist")
		w.WriteString("</structure:Enumeration>")
	} else {
		w.WriteString(`<structure:TextFormat textType="` + textType + `"/>`)
	}
	w.WriteString("</structure:LocalRepresentation>")
}

func (w xmlWriter) dsdComponents(d dsd) {
	w.WriteString(`<structure:DataStructureComponents><structure:DimensionList id="DimensionDescriptor">`)
	for i, c := range d.Dimensions {
		elem := "structure:Dimension"
		if c.ID == timeDimension {
			elem = "structure:TimeDimension"
		}
		w.WriteString("<" + elem)
		w.attr("id", c.ID)
		w.attr("position", fmt.Sprint(i+1))
		w.WriteString(">")
		w.conceptIdentity(c.ID)
		w.representation(c, "ObservationalTimePeriod")
		w.WriteString("</" + elem + ">")
	}
	w.WriteString(`</structure:DimensionList><structure:AttributeList id="AttributeDescriptor">`)
	for _, c := range d.Attributes {
		status := "Conditional"
		if c.Mandatory {
			status = "Mandatory"
		}
		w.WriteString("<structure:Attribute")
		w.attr("id", c.ID)
		w.attr("assignmentStatus", status)
		w.WriteString(">")
		w.conceptIdentity(c.ID)
		w.representation(c, "String")
		w.WriteString(`<structure:AttributeRelationship><structure:PrimaryMeasure><Ref id="OBS_VALUE"/></structure:PrimaryMeasure></structure:AttributeRelationship></structure:Attribute>`)
	}
	w.WriteString(`</structure:AttributeList><structure:MeasureList id="MeasureDescriptor"><structure:PrimaryMeasure id="OBS_VALUE">`)
	w.conceptIdentity("OBS_VALUE")
	w.WriteString(`<structure:LocalRepresentation><structure:TextFormat textType="Decimal"/></structure:LocalRepresentation>`)
	w.WriteString(`</structure:PrimaryMeasure></structure:MeasureList></structure:DataStructureComponents>`)
}
