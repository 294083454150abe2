// A series and a breakdown with plain fetch: no library, one POST each.
const API = process.env.API ?? "http://127.0.0.1:8080/graphql";

async function graphql(query, variables, language = "en") {
  const res = await fetch(API, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json",
      "Accept-Language": language,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  // A 4xx carries coded errors; with partial results, data holds what worked.
  for (const e of body.errors ?? []) console.error(e.extensions?.code, e.message);
  return body;
}

const { data } = await graphql(
  `query Victims($code: String!) {
    indicator(code: $code) {
      name
      unit { name }
      latest { kind period { label } value }
      series(periodLength: 1) { period { label } value }
      breakdown(by: "COUNTRY_OF_EXPLOITATION") {
        period { label }
        total { value }
        members { member { name } value share }
      }
    }
  }`,
  { code: "victims_identified" },
  "az",
);
const ind = data.indicator;
console.log(ind.name, "-", ind.unit.name, "- latest:", ind.latest.period.label, ind.latest.value);
for (const p of ind.series) console.log("  ", p.period.label, p.value);
const b = ind.breakdown;
console.log("by country of exploitation,", b.period.label, "total", b.total.value);
for (const m of b.members) console.log("  ", m.member.name, m.value, m.share);
