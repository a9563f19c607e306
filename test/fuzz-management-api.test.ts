// Property-based fuzzing of the whole Management API, on both dialects: requests generated (fast-check) for every
// operation of the OpenAPI document, from its schema and from mutations of a valid request (one property given
// any JSON or a hostile string, removed, or joined by an unknown one; a path parameter or a query parameter given
// hostile text), NUL characters and lone surrogates included. The properties: never a 5xx; every refusal in
// Auth0's error shape; and no row of any table written by a refused request (change-counter.ts).
//
// FUZZ_RUNS (cases per dialect, default 5,000: 10,000 per run) and FUZZ_SEED (to replay a run) are read from the
// environment; the seed is printed with the counts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { installChangeCounter, type ChangeCounter } from './support/change-counter.ts';
import { anyJson, encodeText, fromSchema, hostileString } from './support/fuzz-arbitraries.ts';
import { closeRawAgent, rawRequest, type RawRequest } from './support/raw-https.ts';
import { answerProblem } from './support/sweep-answers.ts';
import { baseBody, fillPath, operationsOf, type JsonSchema, type Operation } from './support/sweep-cases.ts';
import { seedSweepTenant, type SweepTenant } from './support/sweep-tenant.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

type Mutation =
  | { kind: 'schema'; value: unknown }
  | { kind: 'property'; key: number; value: unknown }
  | { kind: 'remove'; key: number }
  | { kind: 'unknown'; name: string; value: unknown }
  | { kind: 'path'; param: number; text: string }
  | { kind: 'query'; param: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('schema' as const), value: fc.constant(null) }),
  fc.record({ kind: fc.constant('property' as const), key: fc.nat(), value: anyJson }),
  fc.record({ kind: fc.constant('remove' as const), key: fc.nat() }),
  fc.record({ kind: fc.constant('unknown' as const), name: hostileString, value: anyJson }),
  fc.record({ kind: fc.constant('path' as const), param: fc.nat(), text: hostileString }),
  fc.record({ kind: fc.constant('query' as const), param: fc.nat(), text: hostileString }),
);

describe.each(dialects)('fuzzing the Management API on %s', (dialect) => {
  let server: TestServer;
  let token: string;
  let tenant: SweepTenant;
  let operations: Operation[];
  let counter: ChangeCounter;

  beforeAll(async () => {
    // No job runs on this node: a job's background writes would be taken for a refused request's.
    server = await startTestServer({ dialect, tls: true, env: { PORTRAIT_MAX_CONCURRENT_JOBS: '0' } });
    token = await server.managementToken();
    operations = operationsOf(JSON.parse((await rawRequest(server.url, { method: 'GET', path: '/api/v2/openapi.json' })).text));
    tenant = await seedSweepTenant(server, token);
    counter = await installChangeCounter(server.services.db.tables<unknown>(), server.services.db.dialect);
  }, 60_000);
  afterAll(async () => {
    closeRawAgent();
    await server?.close();
  });

  /** The request for one generated case: the operation's valid request, changed as the mutation says. */
  function requestFor(op: Operation, m: Mutation, schemaValue: unknown): RawRequest {
    const pathParams = [...op.template.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
    const queryParams = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    let path = `/api/v2${fillPath(op.template, tenant.fill)}`;
    if (m.kind === 'path' && pathParams.length) {
      const target = pathParams[m.param % pathParams.length];
      path = `/api/v2${op.template.replace(/\{([^}]+)\}/g, (_, n: string) => (n === target ? encodeText(m.text) || '%20' : encodeURIComponent(tenant.fill(n, op.template))))}`;
    }
    if (m.kind === 'query') path += `?${encodeText(queryParams[m.param % (queryParams.length || 1)] ?? 'fuzz_unknown')}=${encodeText(m.text)}`;
    const hasBody = op.method !== 'GET' && op.method !== 'DELETE' && op.body;
    if (!hasBody) return { method: op.method, path, headers: { authorization: `Bearer ${token}` } };
    let body = baseBody(op.body!, tenant.samples, op.method === 'POST');
    const keys = Object.keys((op.body!.properties ?? op.body!.anyOf?.[0]?.properties ?? {}) as Record<string, JsonSchema>);
    if (m.kind === 'schema' && schemaValue && typeof schemaValue === 'object' && !Array.isArray(schemaValue)) body = { ...body, ...(schemaValue as object) };
    else if (m.kind === 'schema') body = schemaValue as Record<string, unknown>;
    if (m.kind === 'property' && keys.length) body = { ...body, [keys[m.key % keys.length]]: m.value };
    if (m.kind === 'remove' && keys.length) delete body[keys[m.key % keys.length]];
    if (m.kind === 'unknown') body = { ...body, [m.name]: m.value };
    return { method: op.method, path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) ?? 'null' };
  }

  it(`answers ${RUNS} generated requests with no 5xx, refusals in Auth0's shape, and no write by a refused request`, async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let tried = 0;
    let written = await counter.read();
    const bodies = operations.map((op) => fromSchema(op.body as never));
    const cases = fc.nat(operations.length - 1).chain((i) => fc.tuple(fc.constant(i), mutation, bodies[i]));
    await fc.assert(
      fc.asyncProperty(cases, async ([index, m, schemaValue]) => {
        const op = operations[index];
        const request = requestFor(op, m, schemaValue);
        tried++;
        let res;
        try {
          res = await rawRequest(server.url, request);
        } catch (error) {
          failures.push(`${op.method} ${op.template} (${m.kind}): no answer (${(error as Error).message})`);
          return true;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const now = await counter.read();
        const problem = answerProblem('management', op.method, res) ?? (res.status >= 400 && now !== written ? `refused with ${res.status} but wrote ${now - written} row(s)` : null);
        written = now;
        if (problem) failures.push(`${op.method} ${request.path.slice(0, 120)} (${m.kind}): ${problem} — ${res.text.slice(0, 160)} — body ${String(request.body).slice(0, 160)}`);
        // A case that revoked or rotated the signing key ends the token: mint another, as a client would.
        if (res.status === 401) token = await server.managementToken();
        return true;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`fuzz ${dialect}: ${tried} cases, ${failures.length} failures, seed ${SEED}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(tried).toBe(RUNS);
    expect(failures.slice(0, 20), `${failures.length} of ${tried} cases failed (FUZZ_SEED=${SEED})`).toEqual([]);
  }, 600_000);
});
