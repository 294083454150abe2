// Builds SDMX REST URLs with the SDMX working group's sdmx-rest library:
// reads {"service": base URL, "queries": [query objects]} on stdin and
// prints one URL per query, as sdmx-rest's getUrl writes it for the API a
// query's "api" names: the SDMX REST 2.1 API (v1.5.0) by default, or
// "v2.0.0" for SDMX 3.0's data path (context, key with *, filters for c[]).
import { readFileSync } from "node:fs";
import sdmxrest from "sdmx-rest";

const { service, queries } = JSON.parse(readFileSync(0, "utf8"));
for (const { api = "v1.5.0", ...q } of queries) {
  console.log(sdmxrest.getUrl(q, { url: service, api }));
}
