// Validates an SDMX-JSON 2.0 message (stdin) against the official schema
// named by argv[2] (sdmx-twg/sdmx-json v2.0.0): prints ajv's errors as JSON
// and exits 1 when the message is invalid.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
// The schemas name the draft by "http://json-schema.org/schema#", which
// is no meta-schema ajv holds; their keywords are draft-07's.
// The data schema gives its URI the draft-04 way, as "id".
delete schema.$schema;
if (schema.id) {
  schema.$id = schema.id;
  delete schema.id;
}
// Their patterns escape "-" outside classes, which a unicode RegExp refuses.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const message = JSON.parse(readFileSync(0, "utf8"));
if (!validate(message)) {
  console.log(JSON.stringify(validate.errors.slice(0, 20), null, 1));
  process.exit(1);
}
