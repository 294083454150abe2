package server

import "indicators/internal/graphiql"

// Examples are the saved queries GraphiQL opens with: the questions partners
// and frontend developers ask first.
var Examples = []graphiql.Example{
	{
		Name: "Indicators",
		Query: `{
  indicators(first: 20) {
    totalCount
    nodes { code name theme unit { code name } }
    pageInfo { hasNextPage endCursor }
  }
}`,
	},
}
