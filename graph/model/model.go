// Package model holds the GraphQL types: those gqlgen generates from the
// schema and the hand-written ones below, which carry codes and keys instead
// of nested objects so the nested fields are resolved through per-request
// loaders.
package model

import (
	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/export"
)

// Indicator is the GraphQL Indicator.
type Indicator struct {
	Code        string
	Name        string
	Description string
	UnitCode    string
	Theme       Theme
}

// Observation is the GraphQL Observation: a stored observation.
type Observation struct {
	dataset.Observation
}

// Agency is the GraphQL Agency.
type Agency struct {
	Code       string
	Name       string
	ShortName  *string
	Kind       AgencyKind
	ParentCode string
}

// Dimension is the GraphQL Dimension.
type Dimension struct {
	Code        string
	Name        string
	Description *string
}

// Member is the GraphQL Member.
type Member struct {
	DimensionCode string
	Code          string
	Name          string
	Description   *string
	Iso2          *string
	Iso3          *string
	M49           *string
}

// RefArea is the GraphQL RefArea.
type RefArea struct {
	Code string
	Name string
	Iso2 *string
	Iso3 *string
	M49  *string
}

// Release is the GraphQL Release.
type Release struct {
	Code          string
	Title         string
	PublisherCode string
	ReferenceYear int
	Published     *string
	Checksum      string
	LoadedAt      string
}

// Coordinate is the GraphQL Coordinate.
type Coordinate struct {
	DimensionCode string
	MemberCode    string
}

// Source is the GraphQL Source of one observation.
type Source struct {
	ObservationID int64
	ReleaseCode   string
	Section       string
	Quote         string
	DataFileLine  *int
}

// Breakdown is the GraphQL Breakdown.
type Breakdown struct {
	IndicatorCode string
	Period        dataset.Period
	RefAreaCode   string
	DimensionCode string
	Total         *Observation
	Members       []BreakdownMember
	Sum           decimal.Decimal
	Unallocated   *decimal.Decimal
	Consistent    bool
	Complete      bool
}

// BreakdownMember is the GraphQL BreakdownMember.
type BreakdownMember struct {
	DimensionCode string
	MemberCode    string
	Value         decimal.Decimal
	Share         *decimal.Decimal
	Observations  []Observation
}

// CoverageCell is the GraphQL CoverageCell.
type CoverageCell struct {
	export.CoverageCell
}

// CoverageSource is the GraphQL CoverageSource.
type CoverageSource struct {
	export.CoverageSource
}

// The Node implementations: gqlgen's Node interface is a marker; the ids
// are resolved in package graph.

func (Indicator) IsNode()   {}
func (Observation) IsNode() {}
func (Agency) IsNode()      {}
func (Dimension) IsNode()   {}
func (Member) IsNode()      {}
func (RefArea) IsNode()     {}
func (Release) IsNode()     {}
