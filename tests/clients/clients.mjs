// Runs SPARQL queries through a JavaScript client against the service, for tests/clients.
//
// Reads one JSON object on standard input:
//   {"client": "comunica" | "sparql-http-client", "endpoint": URL,
//    "queries": [{"kind": "bindings" | "boolean" | "quads", "query": TEXT, "operation": OP}]}
// (OP is sparql-http-client's: "get", "postUrlencoded" or "postDirect") and writes one JSON
// array on standard output, an answer per query: rows as {variable: value}, a boolean, or
// triples as [subject, predicate, object]; or {"error": message} where the client failed.
import { QueryEngine } from '@comunica/query-sparql';
import SparqlClient from 'sparql-http-client';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const values = (row) => Object.fromEntries(row.map(([name, term]) => [name, term.value]));
const triple = (quad) => [quad.subject.value, quad.predicate.value, quad.object.value];

async function comunica(engine, { kind, query }) {
  const context = { sources: [{ type: 'sparql', value: job.endpoint }] };
  if (kind === 'boolean') return engine.queryBoolean(query, context);
  if (kind === 'bindings') {
    const rows = await (await engine.queryBindings(query, context)).toArray();
    return rows.map((bindings) => values([...bindings].map(([v, t]) => [v.value, t])));
  }
  return (await (await engine.queryQuads(query, context)).toArray()).map(triple);
}

async function sparqlHttpClient(client, { kind, query, operation = 'get' }) {
  if (kind === 'boolean') return client.query.ask(query, { operation });
  const stream =
    kind === 'bindings'
      ? client.query.select(query, { operation })
      : client.query.construct(query, { operation });
  const answer = [];
  for await (const item of stream) {
    answer.push(kind === 'bindings' ? values(Object.entries(item)) : triple(item));
  }
  return answer;
}

const run =
  job.client === 'comunica'
    ? ((engine) => (q) => comunica(engine, q))(new QueryEngine())
    : ((client) => (q) => sparqlHttpClient(client, q))(
        new SparqlClient({ endpointUrl: job.endpoint }),
      );
const answers = [];
for (const query of job.queries) {
  try {
    answers.push(await run(query));
  } catch (error) {
    answers.push({ error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(answers));
