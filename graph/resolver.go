// Package graph is the GraphQL layer: the schema (*.graphqls), the code gqlgen
// generates from it, and thin resolvers that turn arguments into store calls.
package graph

//go:generate go run ./generate

import "indicators/internal/dataset"

// Resolver holds what every resolver needs; one per server.
type Resolver struct {
	Store dataset.Reader
	// Catalogs holds the code lists between loads; whoever watches the
	// database for loads invalidates it.
	Catalogs *dataset.CatalogCache
}

// NewResolver makes the resolver of one server.
func NewResolver(r dataset.Reader) *Resolver {
	return &Resolver{Store: r, Catalogs: dataset.NewCatalogCache(r)}
}
