package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

const structureSchema = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/2.0.0/sdmx-json-structure-schema.json"

type (
	structArtefact struct {
		ID          string `json:"id"`
		AgencyID    string `json:"agencyID"`
		Version     string `json:"version"`
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
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
		Components struct {
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
		} `json:"dataStructureComponents"`
	}
	structItem struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
	}
	structConceptScheme struct {
		structArtefact
		Concepts []structItem `json:"concepts"`
	}
	structCodelist struct {
		structArtefact
		Codes []structItem `json:"codes"`
	}
)

func artefact(id, name, description string) structArtefact {
	return structArtefact{ID: id, AgencyID: AgencyID, Version: DataflowVersion, Name: name, Description: description}
}

// writeStructure writes the DSD the data formats follow, with every code of
// every code list (not only the used ones): an SDMX tool validates data
// against it.
func writeStructure(_ context.Context, w io.Writer, in Input) error {
	d := newDSD(in.CodeLists, in.Releases)
	var dsdOut structDSD
	dsdOut.structArtefact = artefact(dsdID, DataflowName+" (data structure)", "")
	c := &dsdOut.Components
	c.DimensionList.ID, c.AttributeList.ID, c.MeasureList.ID = "DimensionDescriptor", "AttributeDescriptor", "MeasureDescriptor"
	concepts := []structItem{}
	var codelists []structCodelist
	represent := func(comp component) *structRepresentation {
		if comp.Codelist == "" {
			return &structRepresentation{Format: &jsonFormat{DataType: "String"}}
		}
		cl := structCodelist{structArtefact: artefact(comp.Codelist, comp.Name, "")}
		for _, k := range comp.Codes {
			cl.Codes = append(cl.Codes, structItem(k))
		}
		codelists = append(codelists, cl)
		return &structRepresentation{Enumeration: codelistURN(comp.Codelist)}
	}
	for i, comp := range d.Dimensions {
		concepts = append(concepts, structItem{ID: comp.ID, Name: comp.Name, Description: comp.Description})
		if comp.ID == timeDimension {
			c.DimensionList.TimeDimension = structComponent{ID: comp.ID, ConceptIdentity: conceptURN(comp.ID),
				LocalRepresentation: &structRepresentation{Format: &jsonFormat{DataType: "ObservationalTimePeriod"}}}
			continue
		}
		pos := i
		c.DimensionList.Dimensions = append(c.DimensionList.Dimensions, structComponent{ID: comp.ID, Position: &pos,
			ConceptIdentity: conceptURN(comp.ID), LocalRepresentation: represent(comp)})
	}
	concepts = append(concepts, structItem{ID: "OBS_VALUE", Name: "Observation value", Description: "The figure, exactly as the report states it (or as derived from a stated change)."})
	c.MeasureList.Measures = []structComponent{{ID: "OBS_VALUE", Usage: "mandatory", ConceptIdentity: conceptURN("OBS_VALUE"),
		LocalRepresentation: &structRepresentation{Format: &jsonFormat{DataType: "Decimal"}}}}
	for _, comp := range d.Attributes {
		concepts = append(concepts, structItem{ID: comp.ID, Name: comp.Name, Description: comp.Description})
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
			Dataflows      []structDataflow      `json:"dataflows"`
			DataStructures []structDSD           `json:"dataStructures"`
			ConceptSchemes []structConceptScheme `json:"conceptSchemes"`
			Codelists      []structCodelist      `json:"codelists"`
		} `json:"data"`
	}{Meta: messageMeta(in, structureSchema)}
	msg.Data.Dataflows = []structDataflow{{
		structArtefact: artefact(DataflowID, DataflowName,
			"Figures of the national reports on combating trafficking in persons of the Republic of Azerbaijan, each with the sentence of the report that states it."),
		Structure: dsdURN,
	}}
	msg.Data.DataStructures = []structDSD{dsdOut}
	msg.Data.ConceptSchemes = []structConceptScheme{{structArtefact: artefact(conceptSchemeID, DataflowName+" concepts", ""), Concepts: concepts}}
	msg.Data.Codelists = codelists
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(msg); err != nil {
		return fmt.Errorf("encode structure message: %w", err)
	}
	return nil
}
