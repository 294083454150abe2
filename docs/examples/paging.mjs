// Every observation matching a filter, page by page (at most 100 a page).
const API = process.env.API ?? "http://127.0.0.1:8080/graphql";
const query = `query Page($filter: ObservationFilter, $after: String) {
  observations(filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id indicator { code } period { label } value source { quote } }
  }
}`;

async function* observations(filter) {
  let after = null;
  do {
    const res = await fetch(API, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables: { filter, after } }),
    });
    const { data, errors } = await res.json();
    if (errors) throw new Error(`${errors[0].extensions?.code}: ${errors[0].message}`);
    yield* data.observations.nodes;
    const { hasNextPage, endCursor } = data.observations.pageInfo;
    after = hasNextPage ? endCursor : null;
  } while (after);
}

let n = 0;
for await (const o of observations({ themes: ["PROTECTION"] })) n++;
console.log(n, "observations of the protection theme");
