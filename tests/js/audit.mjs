// The graphql-http audit suite (GraphQL over HTTP conformance) against a running server.
// Usage: node audit.mjs URL — prints {"ok": n, "warn": n, "error": n, "notOk": [...]} as JSON.
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.argv[2] });
const report = { ok: 0, warn: 0, error: 0, notOk: [] };
for (const result of results) {
  report[result.status] += 1;
  if (result.status !== 'ok') report.notOk.push(`${result.id} ${result.name}: ${result.reason}`);
}
console.log(JSON.stringify(report));
