// The seed's two Actions through the official auth0 SDK over TLS, on both dialects: created, tested, deployed and
// bound as the Auth0 docs walk through it, then run the way the login flow runs them (services.actions).
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PICTURE_AS_PRINTED, defaultPictureCorrected, PICTURE_FROM_METADATA } from '../src/actions/test-support/seed-actions.ts';

const DEFAULT_PICTURE_CORRECTED = defaultPictureCorrected('https://cdn.example.com/default-avatar.png');
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';


const postLogin = [{ id: 'post-login' as const, version: 'v3' }];
const loginEvent = (userMetadata: Record<string, unknown>) => ({
  user: { user_id: 'auth0|abc', email: 'jane@example.com', picture: 'https://s.gravatar.com/avatar/x', user_metadata: userMetadata, app_metadata: {} },
  client: { client_id: 'app', name: 'App', metadata: {} },
  request: { ip: '203.0.113.1' },
  transaction: { requested_scopes: ['openid', 'profile'] },
});

describe.each(dialects)('the seed picture Actions on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
  });
  afterAll(async () => server?.close());

  let pictureActionId: string;

  it('creates, tests, deploys and binds "Change user pictures"', async () => {
    const created = await management.actions.create({ name: 'Change user pictures', supported_triggers: postLogin, code: PICTURE_FROM_METADATA });
    expect(created).toMatchObject({
      name: 'Change user pictures', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: PICTURE_FROM_METADATA,
      runtime: 'node22', dependencies: [], secrets: [], all_changes_deployed: false, status: 'built',
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.deployed_version).toBeUndefined();
    pictureActionId = created.id!;

    const tested = await management.actions.test(pictureActionId, { payload: loginEvent({ picture: 'https://img.example.com/jane.png' }) });
    expect(tested.payload).toMatchObject({
      trigger_id: 'post-login', result: 'success', claims: { id_token: { picture: 'https://img.example.com/jane.png' }, access_token: {} },
      metadata: { user_metadata: {}, app_metadata: {} }, logs: [],
    });
    expect(tested.payload!.duration_ms).toEqual(expect.any(Number));

    const version = await management.actions.deploy(pictureActionId);
    expect(version).toMatchObject({ action_id: pictureActionId, number: 1, status: 'built', deployed: true, errors: [], code: PICTURE_FROM_METADATA });
    expect(version.action).toMatchObject({ id: pictureActionId, name: 'Change user pictures', all_changes_deployed: true });
    const fetched = await management.actions.get(pictureActionId);
    expect(fetched).toMatchObject({ all_changes_deployed: true, deployed_version: { id: version.id, number: 1, deployed: true } });

    const bound = await management.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_name', value: 'Change user pictures' }, display_name: 'Pictures from metadata' }],
    });
    expect(bound.bindings).toHaveLength(1);
    expect(bound.bindings![0]).toMatchObject({ trigger_id: 'post-login', display_name: 'Pictures from metadata', action: { id: pictureActionId } });

    const listed = await management.actions.triggers.bindings.list('post-login');
    expect(listed.data.map((b) => b.action?.name)).toEqual(['Change user pictures']);
    expect(listed.response).toMatchObject({ total: 1, page: 0, per_page: 50 });

    const withPicture = await server.services.actions.runTrigger('post-login', loginEvent({ picture: 'https://img.example.com/jane.png' }), { grantedScopes: ['openid', 'profile'] });
    expect(withPicture).toMatchObject({ ok: true, idTokenClaims: { picture: 'https://img.example.com/jane.png' } });
    const without = await server.services.actions.runTrigger('post-login', loginEvent({}), { grantedScopes: ['openid', 'profile'] });
    expect(without).toMatchObject({ ok: true, idTokenClaims: {} });
  });

  it('shows the printed default-picture action failing with its ReferenceError and line, and the corrected one working', async () => {
    const created = await management.actions.create({ name: 'Default picture', supported_triggers: postLogin, code: DEFAULT_PICTURE_AS_PRINTED });
    const id = created.id!;

    const tested = await management.actions.test(id, { payload: loginEvent({}) });
    expect(tested.payload).toMatchObject({
      result: 'error',
      error: { name: 'ReferenceError', message: expect.stringContaining('defaultProfileImage'), line: 3, error_code: 'access_denied' },
      claims: { id_token: {} },
    });

    // A ReferenceError happens when the handler runs, not when the module loads: the build succeeds.
    const version = await management.actions.deploy(id);
    expect(version).toMatchObject({ status: 'built', deployed: true, errors: [] });
    await management.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_id', value: pictureActionId } }, { ref: { type: 'action_name', value: 'Default picture' } }],
    });
    const run = await server.services.actions.runTrigger('post-login', loginEvent({}), { grantedScopes: ['openid', 'profile'] });
    expect(run).toMatchObject({ ok: false, reason: 'error', errorCode: 'access_denied', errorName: 'ReferenceError', line: 3, actionName: 'Default picture' });

    const corrected = await management.actions.update(id, { code: DEFAULT_PICTURE_CORRECTED });
    expect(corrected).toMatchObject({ all_changes_deployed: false, deployed_version: { number: 1 } });
    // The draft changed; what runs did not, until the next deploy.
    expect(await server.services.actions.runTrigger('post-login', loginEvent({}))).toMatchObject({ ok: false });
    const retest = await management.actions.test(id, { payload: loginEvent({}) });
    expect(retest.payload).toMatchObject({ result: 'success', claims: { id_token: { picture: 'https://cdn.example.com/default-avatar.png' } } });
    expect(await management.actions.deploy(id)).toMatchObject({ number: 2, status: 'built', deployed: true });

    const scopes = { grantedScopes: ['openid', 'profile'] };
    expect(await server.services.actions.runTrigger('post-login', loginEvent({}), scopes)).toMatchObject({ ok: true, idTokenClaims: { picture: 'https://cdn.example.com/default-avatar.png' } });
    expect(await server.services.actions.runTrigger('post-login', loginEvent({ picture: 'https://img.example.com/me.png' }), scopes)).toMatchObject({
      ok: true, idTokenClaims: { picture: 'https://img.example.com/me.png' },
    });
    // Binding order is run order: both actions are there, the metadata one first.
    const toRun = await server.services.actions.loadBoundActions('post-login');
    expect(toRun.map((a) => a.name)).toEqual(['Change user pictures', 'Default picture']);
  });

  it('tests an empty payload against a sample event, and lists the triggers', async () => {
    const tested = await management.actions.test(pictureActionId, { payload: {} });
    expect(tested.payload).toMatchObject({ result: 'success', trigger_id: 'post-login' });
    const triggers = await management.actions.triggers.list();
    expect(triggers.triggers?.map((t) => t.id)).toEqual(expect.arrayContaining(['post-login', 'credentials-exchange', 'pre-user-registration']));
    expect(triggers.triggers?.find((t) => t.id === 'post-login')).toMatchObject({ version: 'v3', status: 'CURRENT', default_runtime: 'node22' });
  });

  it('describes the actions routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}api/v2/openapi.json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    for (const p of ['/actions/actions', '/actions/actions/{id}', '/actions/actions/{id}/deploy', '/actions/actions/{id}/test', '/actions/actions/{actionId}/versions/{id}/deploy', '/actions/triggers/{triggerId}/bindings']) {
      expect(doc.paths).toHaveProperty([p]);
    }
    expect(doc.paths['/actions/actions/{id}/deploy'].post.description).toContain('create:actions');
  });

  it('lists actions in the paging envelope the SDK reads, with its filters', async () => {
    const all = await management.actions.list();
    expect(all.data.map((a) => a.name).sort()).toEqual(['Change user pictures', 'Default picture']);
    expect(all.response).toMatchObject({ total: 2, page: 0, per_page: 50 });
    const byName = await management.actions.list({ actionName: 'Default picture' });
    expect(byName.data).toHaveLength(1);
    const byTrigger = await management.actions.list({ triggerId: 'credentials-exchange' });
    expect(byTrigger.data).toHaveLength(0);
    const deployed = await management.actions.list({ deployed: true, per_page: 1 });
    expect(deployed.data).toHaveLength(1);
    expect(deployed.hasNextPage()).toBe(true);
    const second = await deployed.getNextPage();
    expect(second.data).toHaveLength(1);
  });
});
