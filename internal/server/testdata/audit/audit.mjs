// Runs the GraphQL-over-HTTP audit suite of the graphql-http package
// (https://github.com/graphql/graphql-http, auditServer) against a server and
// prints the results as one JSON array on stdout. Used by audit_test.go.
//
//   node audit.mjs URL [DIR]
//
// DIR holds node_modules/graphql-http (default: this script's directory, where
// `npm ci` installs the versions pinned in package-lock.json).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [url, dir = path.dirname(fileURLToPath(import.meta.url))] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs URL [DIR]');
  process.exit(2);
}

const require = createRequire(path.join(path.resolve(dir), 'package.json'));
const { auditServer } = require('graphql-http');
const version = require('graphql-http/package.json').version;

const results = await auditServer({ url });
const out = [];
for (const r of results) {
  const o = { id: r.id, name: r.name, status: r.status };
  if (r.status !== 'ok') {
    o.reason = r.reason;
    if (r.response) {
      o.responseStatus = r.response.status;
      o.responseContentType = r.response.headers.get('content-type');
      try {
        o.responseBody = (await r.response.text()).slice(0, 2000);
      } catch {
        // The audit already read the body.
      }
    }
  }
  out.push(o);
}
process.stdout.write(JSON.stringify({ graphqlHttpVersion: version, results: out }) + '\n');
