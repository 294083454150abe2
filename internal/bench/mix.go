// Package bench drives a running service with a fixed, documented mix of
// requests at a chosen concurrency and measures each kind on its own:
// throughput, latency percentiles, and the SQL statements and database time
// the service spent per request (read from its /metrics). The same logical
// queries as plain SQL through the same driver (lib/pq), when a database is
// given, are the floor the service is compared with.
//
// It is what `indicators bench` runs; nothing here runs in `go test ./...`
// beyond a short check that every query of the mix answers.
package bench

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
)

// Query is one kind of request of the mix.
type Query struct {
	// Name is what the results call it.
	Name string
	// About says what it asks, for the printed table's legend.
	About string
	// GraphQL is the document sent; "" for an export.
	GraphQL string
	// Vars draws a request's variables from the pools.
	Vars func(r *rand.Rand, p *Pools) map[string]any
	// Export draws an export's path and query string; nil for GraphQL.
	Export func(r *rand.Rand, p *Pools) string
	// SQL is the same logical query in plain SQL on the project's schema
	// (the floor); "" when it has no one-statement equivalent. SQLArgs
	// draws its parameters.
	SQL     string
	SQLArgs func(r *rand.Rand, p *Pools) []any
}

// Mix is the fixed query mix: the requests the issue names (one cell, a
// breakdown, a 20-year series, a filtered page of 100, a deep nested query,
// an export), in the shapes of ../shared/peerbench (Q1, Q2b, Q3s, Q4).
var Mix = []Query{
	{
		Name:  "cell",
		About: "one indicator × area × year, the total: value, qualifier, status, quote (peerbench Q1)",
		GraphQL: `query Cell($ind: String!, $area: String!, $year: Int!) {
  observations(filter: {indicators: [$ind], refAreas: [$area], periodFrom: $year, periodTo: $year, exactlyBy: []}) {
    nodes { value qualifier status source { quote } }
  }
}`,
		Vars: func(r *rand.Rand, p *Pools) map[string]any {
			c := p.cell(r)
			return map[string]any{"ind": c.indicator, "area": c.area, "year": c.year}
		},
		SQL: `SELECT o.value, o.qualifier, o.status, o.source_quote
FROM observation o
WHERE o.indicator_id = (SELECT id FROM indicator WHERE code = $1)
  AND o.ref_area_id = (SELECT id FROM ref_area WHERE code = $2)
  AND o.period_start = $3 AND o.period_end = $3 AND o.coordinate_key = '' AND o.is_current`,
		SQLArgs: func(r *rand.Rand, p *Pools) []any {
			c := p.cell(r)
			return []any{c.indicator, c.area, c.year}
		},
	},
	{
		Name:  "breakdown",
		About: "Indicator.breakdown of a cell by one of its dimensions: members with value and label (peerbench Q2b)",
		GraphQL: `query Breakdown($ind: String!, $by: String!, $area: String!, $period: String!) {
  indicator(code: $ind) { breakdown(by: $by, period: $period, refArea: $area) { members { value member { code name } } } }
}`,
		Vars: func(r *rand.Rand, p *Pools) map[string]any {
			c := p.brokenDown(r)
			return map[string]any{"ind": c.indicator, "by": c.dimension, "area": c.area, "period": fmt.Sprint(c.year)}
		},
		SQL: `SELECT m.code, m.name, o.value, o.qualifier
FROM observation o
JOIN observation_coordinate c ON c.observation_id = o.id
JOIN dimension_member m ON m.id = c.member_id
WHERE o.indicator_id = (SELECT id FROM indicator WHERE code = $1)
  AND o.ref_area_id = (SELECT id FROM ref_area WHERE code = $3)
  AND o.period_start = $4 AND o.period_end = $4 AND o.is_current
  AND o.coordinate_key LIKE $2 || '=%' AND o.coordinate_key NOT LIKE '%;%'
ORDER BY o.coordinate_key`,
		SQLArgs: func(r *rand.Rand, p *Pools) []any {
			c := p.brokenDown(r)
			return []any{c.indicator, c.dimension, c.area, c.year}
		},
	},
	{
		Name:  "series",
		About: "Indicator.series of one area: the yearly totals, oldest first (peerbench Q3s; 20 years at world size)",
		GraphQL: `query Series($ind: String!, $area: String!) {
  indicator(code: $ind) { series(refArea: $area) { period { start } value qualifier status } }
}`,
		Vars: func(r *rand.Rand, p *Pools) map[string]any {
			c := p.cell(r)
			return map[string]any{"ind": c.indicator, "area": c.area}
		},
		SQL: `SELECT o.period_start, o.value, o.qualifier, o.status
FROM observation o
WHERE o.indicator_id = (SELECT id FROM indicator WHERE code = $1)
  AND o.ref_area_id = (SELECT id FROM ref_area WHERE code = $2)
  AND o.coordinate_key = '' AND o.period_start = o.period_end AND o.is_current
ORDER BY o.period_start`,
		SQLArgs: func(r *rand.Rand, p *Pools) []any {
			c := p.cell(r)
			return []any{c.indicator, c.area}
		},
	},
	{
		Name:  "page",
		About: "a filtered page of 100: one indicator's observations with period and coordinates, and the count",
		GraphQL: `query Page($ind: String!) {
  observations(filter: {indicators: [$ind]}, first: 100) {
    totalCount
    nodes { value period { label } refArea { code } coordinates { dimension { code } member { code } } }
  }
}`,
		Vars: func(r *rand.Rand, p *Pools) map[string]any {
			return map[string]any{"ind": p.cell(r).indicator}
		},
	},
	{
		Name:  "nested",
		About: "a frontend page: 100 observations of one area and year with every nested code-list object (peerbench Q4)",
		GraphQL: `query Nested($area: String!, $year: Int!) {
  observations(filter: {refAreas: [$area], periodFrom: $year, periodTo: $year}, first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id value qualifier status
        period { label }
        indicator { code name theme unit { code name } }
        agency { code name kind }
        refArea { code name iso3 }
        coordinates { dimension { code name } member { code name } }
        source { section quote }
      }
    }
  }
}`,
		Vars: func(r *rand.Rand, p *Pools) map[string]any {
			c := p.cell(r)
			return map[string]any{"area": c.area, "year": c.year}
		},
	},
	{
		Name:  "export",
		About: "GET /export/observations.csv of one indicator (every current observation, streamed)",
		Export: func(r *rand.Rand, p *Pools) string {
			return "/export/observations.csv?indicators=" + url.QueryEscape(p.cell(r).indicator)
		},
	},
}

// Pools are what the requests' variables are drawn from: cells the dataset
// has, found through the API (Discover), so every drawn request asks for
// something that exists.
type Pools struct {
	cells []cell // yearly totals
	// breakdowns are yearly cells of indicators broken down by dimension.
	breakdowns []cell
}

type cell struct {
	indicator, area, dimension string
	year                       int
}

func (p *Pools) cell(r *rand.Rand) cell       { return p.cells[r.IntN(len(p.cells))] }
func (p *Pools) brokenDown(r *rand.Rand) cell { return p.breakdowns[r.IntN(len(p.breakdowns))] }

// Names are the names of Mix's queries, in order.
func Names() []string {
	names := make([]string, len(Mix))
	for i, q := range Mix {
		names[i] = q.Name
	}
	return names
}

// Select returns the queries of Mix named in names, all of them for none.
func Select(names []string) ([]Query, error) {
	if len(names) == 0 {
		return Mix, nil
	}
	var out []Query
	for _, n := range names {
		i := slices.IndexFunc(Mix, func(q Query) bool { return q.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("no query %q in the mix (%v)", n, Names())
		}
		out = append(out, Mix[i])
	}
	return out, nil
}
