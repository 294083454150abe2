package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// perClientTypes are the types whose values differ between two clients of
// the same tier reading the same dataset: a client's rate-limit budget.
// Everything else a query selects is decided by the dataset version, the
// viewer's tier and the language.
var perClientTypes = map[string]bool{"RateLimit": true}

// SelectsPerClient reports whether the validated operation of opCtx selects
// a per-client value anywhere, through fragments too: its response must not
// be reused for another request.
func SelectsPerClient(opCtx *graphql.OperationContext) bool {
	if opCtx == nil || opCtx.Operation == nil {
		return true
	}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Definition != nil && perClientTypes[s.Definition.Type.Name()] || walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				// Each fragment once: the document's size, not its
				// spreads' fan-out, bounds the walk.
				if seen[s.Name] || s.Definition == nil {
					continue
				}
				seen[s.Name] = true
				if walk(s.Definition.SelectionSet) {
					return true
				}
			}
		}
		return false
	}
	return walk(opCtx.Operation.SelectionSet)
}
