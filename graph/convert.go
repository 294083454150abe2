package graph

import (
	"encoding/base64"
	"strings"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// Global ids, and the few conversions gqlgen's bindings leave: "" for
// "none" in the core is null in GraphQL.

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Global ids are base64 of "Type:key", the key made of codes, never of row
// ids: an id stays valid when the same data is loaded again.
func nodeID(kind string, key ...string) string {
	// On the stack unless long: a page of 100 nodes asks for 100 ids and
	// 100 cursors, and the joins and conversions were most of their cost.
	var text, encoded [128]byte
	raw := append(text[:0], kind...)
	raw = append(raw, ':')
	for i, k := range key {
		if i > 0 {
			raw = append(raw, '\x1f')
		}
		raw = append(raw, k...)
	}
	return string(base64.RawURLEncoding.AppendEncode(encoded[:0], raw))
}

func parseNodeID(id string) (kind string, key []string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", nil, false
	}
	kind, rest, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", nil, false
	}
	return kind, strings.Split(rest, "\x1f"), true
}

func observationID(o *dataset.Observation) string {
	return nodeID("Observation", o.Release, o.Indicator, o.RefArea, o.Period.String(), dataset.CoordinateKey(o.Coordinates))
}

// The frameworks' names in the export package and in the schema.
var frameworkNames = map[model.ReportingFramework]string{
	model.ReportingFrameworkGreta:     "greta",
	model.ReportingFrameworkGlotip:    "glotip",
	model.ReportingFrameworkSdg16_2_2: "sdg-16-2-2",
}

func frameworkModel(name string) model.ReportingFramework {
	for m, n := range frameworkNames {
		if n == name {
			return m
		}
	}
	return ""
}
