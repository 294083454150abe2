package graph

import (
	"indicators/graph/model"
	"indicators/internal/dataset"
)

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
			// A larger first is refused by the resolver, with the range;
			// costing it as the largest page lets that error be the one
			// the client sees.
			n = min(*first, maxPageSize)
		}
		return costOf(1, n, child)
	}
	connection := func(child int, _ *dataset.Filter, first *int, _ *string, _ *dataset.Order) int {
		return page(child, first)
	}
	c.Complexity.Query.Observations = connection
	c.Complexity.Indicator.Observations = connection
	c.Complexity.Agency.Observations = connection
	c.Complexity.Query.Indicators = func(child int, first *int, _ *string, _ *dataset.Theme) int { return page(child, first) }

	// Code lists: tens of entries each.
	const codeList = 50
	c.Complexity.Query.Agencies = func(child int, _ *dataset.AgencyKind) int { return costOf(1, codeList, child) }
	c.Complexity.Query.Dimensions = func(child int) int { return costOf(1, codeList, child) }
	c.Complexity.Dimension.Members = func(child int) int { return costOf(1, codeList, child) }
	c.Complexity.Indicator.Agencies = func(child int) int { return costOf(1, codeList, child) }
	c.Complexity.Agency.Indicators = func(child int) int { return costOf(1, codeList, child) }

	// Computed fields read a slice of their indicator and compute over it.
	const computed = 20
	c.Complexity.Indicator.Series = func(child int, _ *string, _ []dataset.Coordinate, _, _, _ *int) int {
		return costOf(computed, computed, child)
	}
	// One row, read like a series.
	c.Complexity.Indicator.Latest = func(child int, _ *string, _ *int) int { return costOf(computed, 1, child) }
	c.Complexity.Indicator.Breakdown = func(child int, _ string, _, _ *string) int { return costOf(computed, computed, child) }
	c.Complexity.Query.Coverage = func(child int, _ model.ReportingFramework, _ *dataset.Filter) int {
		return costOf(500, codeList, child)
	}
	c.Complexity.Query.Aggregate = func(child int, _ dataset.Filter, _ []model.AggregateGrouping) int { return costOf(500, 10, child) }
	return c
}

// maxCost is where cost arithmetic saturates: far above the limit, and low
// enough that gqlgen's sum over every field of a 1 MiB query cannot wrap
// (2^40 x 2^20 fields < 2^63). Nine nested pages of 100 cost 10^18 and
// would wrap an int64 product; saturated they are simply refused.
const maxCost = 1 << 40

// costOf is base + n*child, saturating at maxCost.
func costOf(base, n, child int) int {
	if child < 0 || n < 0 {
		return maxCost
	}
	if n != 0 && child > (maxCost-base)/n {
		return maxCost
	}
	return min(base+n*child, maxCost)
}
