package server

import "indicators/internal/graphiql"

// Examples are the saved queries GraphiQL opens with: the questions partners
// and frontend developers ask first. Their responses are golden files in the
// tests, so they keep working as the schema grows, and TestTypedClients
// generates TypeScript types for them (each must be one named operation).
var Examples = []graphiql.Example{
	{
		Name: "Victims by country of exploitation, 2024",
		Query: `query VictimsByCountryOfExploitation {
  indicator(code: "victims_identified") {
    name
    unit { name }
    breakdown(by: "COUNTRY_OF_EXPLOITATION", period: "2024") {
      period { label }
      total { value qualifier }
      members {
        member { code name iso2 m49 }
        value
        share
      }
      sum
      unallocated
      consistent
    }
  }
}`,
	},
	{
		Name: "Persons charged by sex, with change from last year",
		Query: `query PersonsChargedBySex {
  observations(filter: {indicators: ["persons_charged"], periodFrom: 2024, periodTo: 2024}) {
    totalCount
    nodes {
      value
      coordinates { dimension { code } member { code name } }
      statedChange
      previous { value status period { label } }
      change { previousValue absolute percent }
    }
  }
}`,
	},
	{
		Name: "Provenance of a figure",
		Query: `query Provenance($indicator: String!) {
  observations(filter: {indicators: [$indicator]}, orderBy: PERIOD_DESC) {
    nodes {
      id
      period { label }
      value
      qualifier
      status
      agency { code name parent { name } }
      source {
        release { code title }
        section
        quote
        alsoStatedIn { section quote }
        dataFileLine
      }
      derivedFrom { value period { label } }
      note
    }
  }
}`,
		Variables: `{"indicator": "hotline_calls"}`,
	},
	{
		Name: "Headline values for a dashboard",
		Query: `query Headlines {
  indicators(first: 25, theme: PROSECUTION) {
    nodes {
      code
      name
      unit { code }
      latest {
        kind
        period { label }
        value
        qualifier
        observation { coordinates { dimension { code } member { code } } source { quote } }
      }
      series(periodLength: 1) { period { label } value status }
    }
  }
}`,
	},
	{
		// A nightly pull: keep dataset.version, ask next time what changed.
		Name: "What changed since a revision",
		Query: `query Changes($since: Int!) {
  dataset { version }
  changes(since: {revision: $since}, first: 5) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      kind
      indicator { code }
      refArea { code }
      period { label }
      coordinates { dimension { code } member { code } }
      before { value qualifier }
      after { value qualifier release { code } }
      revision { number action }
    }
  }
}`,
		Variables: `{"since": 0}`,
	},
	{
		Name: "Indicators by theme",
		Query: `query Indicators {
  indicators(first: 100, theme: PROSECUTION) {
    totalCount
    nodes { code name unit { code } periods { label } dimensions { code name } }
    pageInfo { hasNextPage endCursor }
  }
}`,
	}, {
		// Labels follow Accept-Language; GraphiQL sends none, so the
		// example asks per field. docs/languages.md has the rest.
		Name: "Country names in Azerbaijani and Russian",
		Query: `query CountryNames {
  dimension(code: "COUNTRY_OF_EXPLOITATION") {
    name
    members {
      code
      name
      az: name(lang: "az")
      ru: name(lang: "ru")
      names { language text source }
    }
  }
}`,
	},
}
