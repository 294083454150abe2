package graph

import (
	"encoding/base64"
	"strings"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// Conversions from domain values to GraphQL models. Enums differ only in
// case: the domain writes `more_than`, GraphQL `MORE_THAN`.

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func indicatorModel(i dataset.Indicator) model.Indicator {
	return model.Indicator{Code: i.Code, Name: i.Name, Description: i.Description, UnitCode: i.Unit, Theme: model.Theme(strings.ToUpper(i.Theme))}
}

func agencyModel(a dataset.Agency) model.Agency {
	return model.Agency{Code: a.Code, Name: a.Name, ShortName: optional(a.ShortName), Kind: model.AgencyKind(strings.ToUpper(a.Kind)), ParentCode: a.Parent}
}

func dimensionModel(d dataset.Dimension) model.Dimension {
	return model.Dimension{Code: d.Code, Name: d.Name, Description: optional(d.Description)}
}

func memberModel(dim string, m dataset.Member) model.Member {
	return model.Member{DimensionCode: dim, Code: m.Code, Name: m.Name, Description: optional(m.Description),
		Iso2: optional(m.ISO2), Iso3: optional(m.ISO3), M49: optional(m.M49)}
}

func refAreaModel(a dataset.RefArea) model.RefArea {
	return model.RefArea{Code: a.Code, Name: a.Name, Iso2: optional(a.ISO2), Iso3: optional(a.ISO3), M49: optional(a.M49)}
}

func releaseModel(r dataset.Release) model.Release {
	return model.Release{Code: r.Code, Title: r.Title, PublisherCode: r.Publisher, ReferenceYear: r.ReferenceYear,
		Published: optional(r.Published), Checksum: r.Checksum, LoadedAt: r.LoadedAt}
}

func observationModels(obs []dataset.Observation) []model.Observation {
	out := make([]model.Observation, len(obs))
	for i, o := range obs {
		out[i] = model.Observation{Observation: o}
	}
	return out
}

// Global ids are base64 of "Type:key", the key made of codes, never of row
// ids: an id stays valid when the same data is loaded again.
func nodeID(kind string, key ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strings.Join(key, "\x1f")))
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

func observationID(o dataset.Observation) string {
	return nodeID("Observation", o.Release, o.Indicator, o.RefArea, o.Period.String(), dataset.CoordinateKey(o.Coordinates))
}

func coordinateModels(cs []dataset.Coordinate) []model.Coordinate {
	out := make([]model.Coordinate, len(cs))
	for i, c := range cs {
		out[i] = model.Coordinate{DimensionCode: c.Dimension, MemberCode: c.Member}
	}
	return out
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
