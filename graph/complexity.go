package graph

import "indicators/graph/model"

// NewConfig wires the resolvers and what each field costs. gqlgen's default
// counts a list field once; here a connection costs its page size times what
// each node selects, and the code lists their typical length, so the
// complexity limit bounds the rows a request can make the server produce
// (100 indicators x 100 observations each is refused, as on GitHub's API).
func NewConfig(r *Resolver) Config {
	c := Config{Resolvers: r}
	page := func(child int, first *int) int {
		n := defaultPageSize
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	connection := func(child int, _ *model.ObservationFilter, first *int, _ *string, _ *model.ObservationOrder) int {
		return page(child, first)
	}
	c.Complexity.Query.Observations = connection
	c.Complexity.Indicator.Observations = connection
	c.Complexity.Agency.Observations = connection
	c.Complexity.Query.Indicators = func(child int, first *int, _ *string, _ *model.Theme) int { return page(child, first) }

	// Code lists: tens of entries each.
	const codeList = 50
	c.Complexity.Query.Agencies = func(child int, _ *model.AgencyKind) int { return 1 + codeList*child }
	c.Complexity.Query.Dimensions = func(child int) int { return 1 + codeList*child }
	c.Complexity.Dimension.Members = func(child int) int { return 1 + codeList*child }
	c.Complexity.Indicator.Agencies = func(child int) int { return 1 + codeList*child }
	c.Complexity.Agency.Indicators = func(child int) int { return 1 + codeList*child }

	// Computed fields read every observation of their indicator.
	const computed = 20
	c.Complexity.Indicator.Series = func(child int, _ *string, _ []model.CoordinateInput) int { return computed * (1 + child) }
	c.Complexity.Indicator.Breakdown = func(child int, _ string, _, _ *string) int { return computed * (1 + child) }
	c.Complexity.Query.Coverage = func(child int, _ model.ReportingFramework, _ *model.ObservationFilter) int {
		return 500 + codeList*child
	}
	c.Complexity.Query.Aggregate = func(child int, _ model.ObservationFilter, _ []model.AggregateGrouping) int { return 500 + 10*child }
	return c
}
