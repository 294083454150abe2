// A client written against the generated types: it compiles only if the
// types say what the example queries return. The @ts-expect-error lines fail
// the build if a type were loose enough (any) to accept a wrong use.
import type {
  IndicatorsQuery,
  ProvenanceQuery,
  ProvenanceQueryVariables,
  VictimsByCountryOfExploitationQuery,
} from "./operations";

export function shares(q: VictimsByCountryOfExploitationQuery): Array<[string, number | null]> {
  return (q.indicator?.breakdown?.members ?? []).map((m) => [m.member.code, m.share]);
}

// A list or connection at the root is null when it failed (its error in
// the response's errors): the types make the client say what it shows then.
export function quotes(q: ProvenanceQuery): string[] {
  return (q.observations?.nodes ?? []).map((o) => `${o.period.label}: ${o.value} (${o.qualifier}) "${o.source.quote}"`);
}

export const variables: ProvenanceQueryVariables = { indicator: "hotline_calls" };

export function nextPage(q: IndicatorsQuery): string | null {
  return q.indicators?.pageInfo.hasNextPage ? q.indicators.pageInfo.endCursor ?? null : null;
}

export function wrongUses(q: ProvenanceQuery, i: IndicatorsQuery) {
  // @ts-expect-error a value is a number
  const value: string = q.observations!.nodes[0].value;
  // @ts-expect-error EXACT, MORE_THAN, AT_LEAST or APPROXIMATELY
  const qualifier: NonNullable<ProvenanceQuery["observations"]>["nodes"][number]["qualifier"] = "exact";
  // @ts-expect-error the example selects no description
  const description = i.indicators!.nodes[0].description;
  return [value, qualifier, description];
}
