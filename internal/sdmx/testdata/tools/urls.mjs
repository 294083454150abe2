// Builds SDMX REST URLs with the SDMX working group's sdmx-rest library:
// reads {"service": base URL, "queries": [query objects]} on stdin and
// prints one URL per query, as sdmx-rest's getUrl writes it for the
// SDMX REST 2.1 API (v1.5.0).
import { readFileSync } from "node:fs";
import sdmxrest from "sdmx-rest";

const { service, queries } = JSON.parse(readFileSync(0, "utf8"));
for (const q of queries) {
  console.log(sdmxrest.getUrl(q, { url: service, api: "v1.5.0" }));
}
