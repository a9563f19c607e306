// The §6.4 limits and malformed input on /api/v2/actions, on both dialects: each answers a clear 4xx in Auth0's
// error shape (never a 500) and changes nothing; scopes are Auth0's.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

const HANDLER = 'exports.onExecutePostLogin = async (event, api) => {};';
const postLogin = [{ id: 'post-login' as const }];

describe.each(dialects)('/api/v2/actions limits and bad input on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let token: string;
  let draftId: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    token = await server.managementToken();
    draftId = (await management.actions.create({ name: 'Draft only', supported_triggers: postLogin, code: HANDLER })).id!;
  });
  afterAll(async () => server?.close());

  const call = async (method: string, p: string, body?: unknown, bearer = token) => {
    const res = await fetch(`${server.url}api/v2/${p}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const expectError = (answer: { status: number; body: Record<string, unknown> }, status: number, errorCode: string, message?: RegExp) => {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode });
    if (message) expect(answer.body.message).toMatch(message);
  };

  it('refuses code over 100 kB on create and on update', async () => {
    const big = `${HANDLER}\n//${'x'.repeat(100 * 1024)}`;
    expectError(await call('POST', 'actions/actions', { name: 'Big', supported_triggers: postLogin, code: big }), 400, 'invalid_body', /102400 bytes \(100 kB\)/);
    expectError(await call('PATCH', `actions/actions/${draftId}`, { code: big }), 400, 'invalid_body', /100 kB/);
    expect((await management.actions.get(draftId)).code).toBe(HANDLER);
  });

  it('allows 30 secrets and refuses the 31st, over-long names and values', async () => {
    const secrets = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `S${i}`, value: `v${i}` }));
    expect((await management.actions.update(draftId, { secrets: secrets(30) })).secrets).toHaveLength(30);
    await expect(management.actions.update(draftId, { secrets: secrets(31) })).rejects.toMatchObject({
      statusCode: 400, body: { errorCode: 'invalid_body', message: expect.stringContaining('at most 30 secrets (31 given)') },
    });
    expectError(await call('PATCH', `actions/actions/${draftId}`, { secrets: [{ name: 'x'.repeat(129), value: 'v' }] }), 400, 'invalid_body', /128 characters/);
    expectError(await call('PATCH', `actions/actions/${draftId}`, { secrets: [{ name: 'LONG', value: 'v'.repeat(4097) }] }), 400, 'invalid_body', /4096 characters/);
    expectError(await call('PATCH', `actions/actions/${draftId}`, { secrets: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }), 400, 'invalid_body', /listed twice/);
    expect((await management.actions.get(draftId)).secrets).toHaveLength(30);
  });

  it('refuses to bind an undeployed action', async () => {
    await expect(management.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: draftId } }] })).rejects.toMatchObject({
      statusCode: 400, body: { errorCode: 'invalid_body', message: expect.stringContaining("'Draft only' must be deployed before it can be bound") },
    });
    expect((await management.actions.triggers.bindings.list('post-login')).data).toEqual([]);
  });

  it('binds 20 actions to a trigger and refuses a 21st', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      ids.push((await management.actions.create({ name: `Bound ${i}`, supported_triggers: postLogin, code: HANDLER, deploy: true })).id!);
    }
    const refs = ids.map((value) => ({ ref: { type: 'action_id' as const, value } }));
    const twenty = await management.actions.triggers.bindings.updateMany('post-login', { bindings: refs.slice(0, 20) });
    expect(twenty.bindings).toHaveLength(20);
    await expect(management.actions.triggers.bindings.updateMany('post-login', { bindings: refs })).rejects.toMatchObject({
      statusCode: 400, body: { errorCode: 'invalid_body', message: expect.stringContaining('at most 20 actions bound (21 given)') },
    });
    const listed = await management.actions.triggers.bindings.list('post-login', { per_page: 100 });
    expect(listed.data.map((b) => b.action?.id)).toEqual(ids.slice(0, 20));

    // A binding named by its id keeps its id; the order given is the order kept.
    const first = listed.data[0];
    const reordered = await management.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_id', value: ids[1] } }, { ref: { type: 'binding_id', value: first.id! } }],
    });
    expect(reordered.bindings!.map((b) => b.action?.id)).toEqual([ids[1], ids[0]]);
    expect(reordered.bindings![1].id).toBe(first.id);
    expectError(await call('PATCH', 'actions/triggers/post-login/bindings', { bindings: [{ ref: { type: 'action_id', value: ids[1] } }, { ref: { type: 'action_name', value: 'Bound 1' } }] }), 400, 'invalid_body', /bound twice/);
    expectError(await call('PATCH', 'actions/triggers/credentials-exchange/bindings', { bindings: [{ ref: { type: 'action_id', value: ids[1] } }] }), 400, 'invalid_body', /does not support the credentials-exchange trigger/);
  });

  it('refuses the 101st action of a tenant', async () => {
    const existing = (await management.actions.list({ per_page: 100 })).response.total!;
    for (let i = existing; i < 100; i++) await management.actions.create({ name: `Filler ${i}`, supported_triggers: postLogin });
    await expect(management.actions.create({ name: 'One too many', supported_triggers: postLogin })).rejects.toMatchObject({
      statusCode: 400, body: { message: expect.stringContaining('at most 100 actions') },
    });
    expect((await management.actions.list({ per_page: 100 })).response.total).toBe(100);
  });

  it('answers malformed ids, bodies, queries and triggers with 4xx in Auth0 shape', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await call('GET', 'actions/actions/not-a-uuid'), 400, 'invalid_uri');
    expectError(await call('GET', `actions/actions/${unknown}`), 404, 'inexistent_action');
    expectError(await call('PATCH', `actions/actions/${unknown}`, { code: HANDLER }), 404, 'inexistent_action');
    expectError(await call('DELETE', `actions/actions/${unknown}`), 404, 'inexistent_action');
    expectError(await call('POST', `actions/actions/${unknown}/deploy`), 404, 'inexistent_action');
    expectError(await call('POST', `actions/actions/${unknown}/test`, { payload: {} }), 404, 'inexistent_action');
    expectError(await call('GET', `actions/actions/${draftId}/versions/${unknown}`), 404, 'inexistent_action_version');
    expectError(await call('POST', `actions/actions/${draftId}/versions/${unknown}/deploy`), 404, 'inexistent_action_version');
    expectError(await call('GET', `actions/actions/${draftId}/versions/nope`), 400, 'invalid_uri');
    expectError(await call('POST', 'actions/actions', { name: 'X', supported_triggers: postLogin, colour: 'red' }), 400, 'invalid_body', /Additional properties not allowed: colour/);
    expectError(await call('POST', 'actions/actions', { name: 'X' }), 400, 'invalid_body');
    expectError(await call('POST', 'actions/actions', { name: 'X', supported_triggers: [] }), 400, 'invalid_body');
    expectError(await call('POST', 'actions/actions', { name: 'X', supported_triggers: [{ id: 'send-phone-message' }] }), 400, 'invalid_body', /not supported by Portrait/);
    expectError(await call('POST', 'actions/actions', { name: 'X', supported_triggers: postLogin, runtime: 'python3' }), 400, 'invalid_body', /runtime/);
    expectError(await call('POST', 'actions/actions', { name: 'X', supported_triggers: postLogin, modules: [{ module_id: 'm' }] }), 400, 'operation_not_supported');
    expectError(await call('POST', 'actions/actions', { name: 'Draft only', supported_triggers: postLogin }), 409, 'conflict', /already exists/);
    expectError(await call('POST', 'actions/actions', '{"name": "X", '), 400, 'invalid_body', /invalid JSON/);
    expectError(await call('POST', 'actions/actions', [1, 2]), 400, 'invalid_body');
    expectError(await call('POST', `actions/actions/${draftId}/test`, {}), 400, 'invalid_body');
    expectError(await call('POST', `actions/actions/${draftId}/test`, { payload: [1] }), 400, 'invalid_body');
    expectError(await call('POST', `actions/actions/${draftId}/test`, { payload: 'x' }), 400, 'invalid_body');
    expectError(await call('POST', `actions/actions/${draftId}/versions/${unknown}/deploy`, { update_draft: 'yes' }), 400, 'invalid_body');
    expectError(await call('GET', 'actions/actions?per_page=abc'), 400, 'invalid_query_string');
    expectError(await call('GET', 'actions/actions?per_page=1000'), 400, 'invalid_query_string');
    expectError(await call('GET', 'actions/actions?page=-1'), 400, 'invalid_query_string');
    expectError(await call('GET', 'actions/actions?colour=red'), 400, 'invalid_query_string');
    expectError(await call('GET', 'actions/actions?deployed=maybe'), 400, 'invalid_query_string');
    expectError(await call('DELETE', `actions/actions/${draftId}?force=perhaps`), 400, 'invalid_query_string');
    expectError(await call('GET', 'actions/triggers/no-such-trigger/bindings'), 400, 'bad_request', /not supported by Portrait/);
    expectError(await call('GET', 'actions/triggers/POST_LOGIN/bindings'), 400, 'invalid_uri');
    expectError(await call('PATCH', 'actions/triggers/post-login/bindings', {}), 400, 'invalid_body');
    expectError(await call('PATCH', 'actions/triggers/post-login/bindings', { bindings: [{ ref: { type: 'action_version', value: 'x' } }] }), 400, 'invalid_body');
    expectError(await call('PATCH', 'actions/triggers/post-login/bindings', { bindings: [{ ref: { type: 'action_name', value: 'Nobody' } }] }), 400, 'invalid_body', /no action is named 'Nobody'/);
    expectError(await call('PATCH', 'actions/triggers/post-login/bindings', { bindings: [{ ref: { type: 'binding_id', value: unknown } }] }), 400, 'invalid_body', /not a binding/);
  });

  it('checks Auth0 scopes on every route', async () => {
    const reader = await server.managementToken(['read:actions']);
    expect((await call('GET', 'actions/actions', undefined, reader)).status).toBe(200);
    expect((await call('GET', 'actions/triggers', undefined, reader)).status).toBe(200);
    expectError(await call('POST', 'actions/actions', { name: 'Y', supported_triggers: postLogin }, reader), 403, 'insufficient_scope', /create:actions/);
    expectError(await call('PATCH', `actions/actions/${draftId}`, { code: HANDLER }, reader), 403, 'insufficient_scope', /update:actions/);
    expectError(await call('DELETE', `actions/actions/${draftId}`, undefined, reader), 403, 'insufficient_scope', /delete:actions/);
    expectError(await call('POST', `actions/actions/${draftId}/deploy`, undefined, reader), 403, 'insufficient_scope', /create:actions/);
    expectError(await call('PATCH', 'actions/triggers/post-login/bindings', { bindings: [] }, reader), 403, 'insufficient_scope', /update:actions/);
    const clientsOnly = await server.managementToken(['read:clients']);
    expectError(await call('GET', 'actions/actions', undefined, clientsOnly), 403, 'insufficient_scope', /read:actions/);
  });
});
