package export

import (
	"context"
	"fmt"
	"io"
	"slices"

	"indicators/internal/dataset"
)

// Availability is what data exists for a partial key: per dimension, the
// codes the matching observations have, and the span of their periods (an
// SDMX actual content constraint).
type Availability struct {
	// Values holds, by dimension id in DSD order (TIME_PERIOD excluded),
	// the codes in code list order.
	Values       map[string][]string
	First, Last  int // years; 0 when nothing matches
	Observations int
}

// Available reads the selected observations' codes. With exact, every
// dimension lists the codes of the observations the whole key selects; else
// (SDMX mode=available) each dimension lists the codes the key allows given
// the key's other parts only, so a client learns what it may select next.
// componentID, unless "all", keeps that one dimension.
func Available(ctx context.Context, in Input, codes [][]string, exact bool, componentID string) (Availability, error) {
	d := newDSD(in.CodeLists, in.Releases)
	keyDims := d.Dimensions[:len(d.Dimensions)-1]
	if componentID != "all" && !slices.ContainsFunc(d.Dimensions, func(c component) bool { return c.ID == componentID }) {
		return Availability{}, dataset.Errorf(dataset.ErrNotFound, "%s has no dimension %s", DSDID, componentID)
	}
	if codes == nil {
		codes = make([][]string, len(keyDims))
	}
	used := make([]map[string]bool, len(keyDims))
	for i := range used {
		used[i] = map[string]bool{}
	}
	a := Availability{Values: map[string][]string{}}
	err := in.Each(ctx, func(o dataset.Observation) error {
		key := d.observation(o).Key
		misses := -1 // the one key part o fails, or -2 for more than one
		for i, allowed := range codes {
			if len(allowed) > 0 && !slices.Contains(allowed, key[i]) {
				if misses != -1 {
					misses = -2
					break
				}
				misses = i
			}
		}
		switch {
		case misses == -1:
			for i := range keyDims {
				used[i][key[i]] = true
			}
			a.Observations++
			if a.First == 0 || o.Period.Start < a.First {
				a.First = o.Period.Start
			}
			a.Last = max(a.Last, o.Period.End)
		case misses >= 0 && !exact:
			used[misses][key[misses]] = true
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("read availability: %w", err)
	}
	for i, c := range keyDims {
		if componentID != "all" && c.ID != componentID {
			continue
		}
		for _, k := range c.Codes {
			if used[i][k.ID] {
				a.Values[c.ID] = append(a.Values[c.ID], k.ID)
			}
		}
	}
	return a, nil
}

// availabilityID names the constraint: it describes the data, not a
// maintained artefact, so it is versioned as the dataflow.
const availabilityID = "CC_TIP_INDICATORS_AVAILABLE"

// WriteAvailabilityML writes an SDMX-ML 2.1 Structure message holding the
// actual content constraint a, attached to the dataflow, and the selected
// structures it refers to.
func WriteAvailabilityML(_ context.Context, out io.Writer, in Input, a Availability, withTime bool, sel map[ArtefactRef]StructureDetail) error {
	d := newDSD(in.CodeLists, in.Releases)
	return writeStructureML(out, in, sel, func(w xmlWriter) {
		w.WriteString("<structure:Constraints><structure:ContentConstraint")
		w.attr("id", availabilityID)
		w.attr("urn", urn("registry.ContentConstraint", availabilityID))
		w.attr("agencyID", AgencyID)
		w.attr("version", DataflowVersion)
		w.attr("type", "Actual")
		w.WriteString(">")
		w.WriteString(`<common:Annotations><common:Annotation id="obs_count"><common:AnnotationTitle>`)
		w.text(fmt.Sprint(a.Observations))
		w.WriteString(`</common:AnnotationTitle><common:AnnotationType>sdmx_metrics</common:AnnotationType></common:Annotation></common:Annotations>`)
		w.names(inEnglish("Data available", ""), Full)
		w.WriteString("<structure:ConstraintAttachment><structure:Dataflow>")
		w.ref(DataflowID, "", "datastructure", "Dataflow")
		w.WriteString(`</structure:Dataflow></structure:ConstraintAttachment><structure:CubeRegion include="true">`)
		for _, c := range d.Dimensions[:len(d.Dimensions)-1] {
			values, ok := a.Values[c.ID]
			if !ok || len(values) == 0 {
				continue
			}
			w.WriteString("<common:KeyValue")
			w.attr("id", c.ID)
			w.WriteString(">")
			for _, v := range values {
				w.WriteString("<common:Value>")
				w.text(v)
				w.WriteString("</common:Value>")
			}
			w.WriteString("</common:KeyValue>")
		}
		if withTime && a.First != 0 {
			w.WriteString(`<common:KeyValue id="` + timeDimension + `"><common:TimeRange>`)
			w.WriteString(fmt.Sprintf(`<common:StartPeriod isInclusive="true">%d</common:StartPeriod><common:EndPeriod isInclusive="true">%d</common:EndPeriod>`, a.First, a.Last))
			w.WriteString("</common:TimeRange></common:KeyValue>")
		}
		w.WriteString("</structure:CubeRegion></structure:ContentConstraint></structure:Constraints>")
	})
}

// The SDMX-JSON 2.0 (SDMX 3.0) shape of an actual data constraint.
type (
	jsonConstraint struct {
		structArtefact
		Annotations []jsonAnnotation `json:"annotations"`
		Role        string           `json:"role"`
		Attachment  struct {
			Dataflows []string `json:"dataflows"`
		} `json:"constraintAttachment"`
		CubeRegions []jsonCubeRegion `json:"cubeRegions"`
	}
	jsonAnnotation struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Type  string `json:"type"`
	}
	jsonCubeRegion struct {
		Include   bool           `json:"include"`
		KeyValues []jsonKeyValue `json:"keyValues,omitempty"`
	}
	jsonKeyValue struct {
		ID        string         `json:"id"`
		Values    []string       `json:"values,omitempty"`
		TimeRange *jsonTimeRange `json:"timeRange,omitempty"`
	}
	jsonTimeRange struct {
		Start jsonPeriod `json:"startPeriod"`
		End   jsonPeriod `json:"endPeriod"`
	}
	jsonPeriod struct {
		Period    string `json:"period"`
		Inclusive bool   `json:"isInclusive"`
	}
)

// WriteAvailabilityJSON writes an SDMX-JSON 2.0 structure message holding
// the actual data constraint a, as WriteAvailabilityML does in SDMX-ML.
func WriteAvailabilityJSON(_ context.Context, out io.Writer, in Input, a Availability, withTime bool, sel map[ArtefactRef]StructureDetail) error {
	d := newDSD(in.CodeLists, in.Releases)
	c := jsonConstraint{structArtefact: artefact(availabilityID, "Data available", "").in(in.Lang), Role: "Actual",
		Annotations: []jsonAnnotation{{ID: "obs_count", Title: fmt.Sprint(a.Observations), Type: "sdmx_metrics"}}}
	c.Attachment.Dataflows = []string{dataflowURN}
	region := jsonCubeRegion{Include: true}
	for _, comp := range d.Dimensions[:len(d.Dimensions)-1] {
		if values := a.Values[comp.ID]; len(values) > 0 {
			region.KeyValues = append(region.KeyValues, jsonKeyValue{ID: comp.ID, Values: values})
		}
	}
	if withTime && a.First != 0 {
		region.KeyValues = append(region.KeyValues, jsonKeyValue{ID: timeDimension, TimeRange: &jsonTimeRange{
			Start: jsonPeriod{fmt.Sprint(a.First), true}, End: jsonPeriod{fmt.Sprint(a.Last), true}}})
	}
	c.CubeRegions = []jsonCubeRegion{region}
	return writeStructureJSON(out, in, sel, []jsonConstraint{c})
}
