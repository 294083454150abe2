// Package model holds the GraphQL types gqlgen generates from the schema
// for what the core has no type of its own (connections, inputs, computed
// answers such as a change or an aggregate group). Everything else is bound
// to the core's types in gqlgen.yml.
package model

// Node is the GraphQL Node interface: any type with a global id. It is left
// open so the core's types need no GraphQL marker method; the ids are
// resolved in package graph.
type Node any
