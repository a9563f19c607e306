// The robustness sweep: every operation of the Management API's OpenAPI document, and every route of the
// Authentication API and the pages, sent a battery of malformed requests generated from their schemas (wrong
// types in every property, hostile paths and queries, broken bodies, wrong content types, missing methods).
// Whatever a client sends, the answer is never a 5xx and always in the API's error shape (DESIGN.md, "Bad input
// gets a clear 4xx in Auth0's error shape").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblem } from './support/sweep-answers.ts';
import { authenticationCases, type AuthSeed } from './support/sweep-auth-routes.ts';
import {
  ALL_METHODS, baseBody, bodyShapeCases, fillPath, operationsOf, pathCases, propertyCases, queryCases,
  type Operation, type SweepCase,
} from './support/sweep-cases.ts';
import { closeRawAgent, rawRequest, type RawResponse } from './support/raw-https.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { createApp } from './login-support.ts';
import { seedSweepTenant, type SweepTenant } from './support/sweep-tenant.ts';

let server: TestServer;
let token: string;
let tenant: SweepTenant;
let operations: Operation[];
const fill = (name: string, template: string) => tenant.fill(name, template);

/** Every malformed request for one operation. */
function casesFor(op: Operation): SweepCase[] {
  const label = `${op.method} ${op.template}`;
  const path = `/api/v2${fillPath(op.template, fill)}`;
  const auth = { authorization: `Bearer ${token}` };
  const out: SweepCase[] = [];
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
  const makeBase = () => (op.body ? baseBody(op.body, tenant.samples, op.method === 'POST') : {});
  const bodyHeaders: Record<string, string> = hasBody ? { 'content-type': 'application/json' } : {};
  const baseText = hasBody ? JSON.stringify(makeBase()) : undefined;
  for (const c of pathCases(label, op.template, fill)) out.push({ label: c.label, request: { method: op.method, path: `/api/v2${c.path}`, headers: { ...auth, ...bodyHeaders }, body: baseText } });
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  for (const c of queryCases(label, queryNames)) out.push({ label: c.label, request: { method: op.method, path: `${path}?${c.query}`, headers: { ...auth, ...bodyHeaders }, body: baseText } });
  // Routes without a JSON body (GET, DELETE, multipart uploads) still get every broken body.
  for (const c of bodyShapeCases(label, makeBase())) out.push({ label: c.label, request: { method: op.method, path, headers: { ...auth, ...c.headers }, body: c.body } });
  if (op.body) for (const c of propertyCases(label, op.body, makeBase)) out.push({ label: c.label, request: { method: op.method, path, headers: { ...auth, 'content-type': 'application/json' }, body: c.body } });
  out.push({ label: `${label}: no token`, request: { method: op.method, path } });
  out.push({ label: `${label}: a token without the scope`, request: { method: op.method, path, headers: { authorization: `Bearer ${scopelessToken}` } } });
  out.push({ label: `${label}: a malformed token`, request: { method: op.method, path, headers: { authorization: 'Bearer a.b.c' } } });
  return out;
}

function methodCases(): SweepCase[] {
  const byTemplate = new Map<string, Set<string>>();
  for (const op of operations) byTemplate.set(op.template, (byTemplate.get(op.template) ?? new Set()).add(op.method));
  return [...byTemplate].flatMap(([template, methods]) => ALL_METHODS.filter((m) => !methods.has(m)).map((method) => ({
    label: `${method} ${template}: a method the route does not have`,
    request: { method, path: `/api/v2${fillPath(template, fill)}`, headers: { authorization: `Bearer ${token}` } },
  })));
}

let scopelessToken: string;

/** Sends the cases (a few at a time) and returns every answer that breaks the rules. */
async function sweep(kind: 'management' | 'authentication', cases: SweepCase[], concurrency = 6): Promise<string[]> {
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      let res: RawResponse;
      try {
        res = await rawRequest(server.url, c.request);
      } catch (error) {
        failures.push(`${c.label}: no answer (${(error as Error).message})`);
        continue;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (process.env.SWEEP_STATS === String(res.status)) console.log('CASE', res.status, c.label);
      const problem = answerProblem(kind, c.request.method, res);
      if (problem) failures.push(`${c.label}: ${problem} — ${res.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // SWEEP_STATS=1 prints how the answers spread over statuses (are the cases reaching past validation?);
  // SWEEP_STATS=<status> also lists the cases that got that status.
  if (process.env.SWEEP_STATS) console.log(kind, cases.length, 'cases', Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
  return failures;
}

describe('robustness sweep', () => {
  let authSeed: AuthSeed;
  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    token = await server.managementToken();
    scopelessToken = await server.managementToken(['read:logs']);
    const doc = JSON.parse((await rawRequest(server.url, { method: 'GET', path: '/api/v2/openapi.json' })).text);
    operations = operationsOf(doc);
    tenant = await seedSweepTenant(server, token);
    const app = await createApp(server, { name: 'Sweep app' });
    authSeed = {
      clientId: app.clientId, clientSecret: app.clientSecret ?? '', callback: 'http://127.0.0.1:9/callback', token,
      machine: { ...server.admin, audience: server.services.managementAudience.canonical },
    };
  }, 60_000);
  afterAll(async () => {
    closeRawAgent();
    await server?.close();
  });

  it('reads every operation from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(50);
  });

  it('answers every malformed Management API request with a 4xx in Auth0\'s shape', async () => {
    // Deletions last, so that the resources the other cases aim at still exist while they run.
    const ordered = [...operations.filter((op) => op.method !== 'DELETE'), ...operations.filter((op) => op.method === 'DELETE')];
    const cases = [...ordered.flatMap(casesFor), ...methodCases()];
    const failures = await sweep('management', cases);
    expect(failures, `${failures.length} of ${cases.length} cases`).toEqual([]);
    expect((await rawRequest(server.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  }, 120_000);

  it('answers every malformed Authentication API and page request with an OAuth error or a page', async () => {
    const cases = await authenticationCases(server, authSeed);
    const failures = await sweep('authentication', cases);
    expect(failures, `${failures.length} of ${cases.length} cases`).toEqual([]);
  }, 120_000);
});
