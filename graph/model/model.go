// Package model holds the GraphQL types: those gqlgen generates from the
// schema and the hand-written ones whose nested fields are resolved by
// loaders (they carry the keys, not the nested objects).
package model

// Indicator is the GraphQL Indicator; its unit is resolved from UnitCode.
type Indicator struct {
	Code        string
	Name        string
	Description string
	UnitCode    string
	Theme       Theme
}
