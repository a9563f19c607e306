// Versions through the official SDK on both dialects: a failed build is kept with its error and line but never
// deployed; rollback deploys a copy of an earlier version; at most 50 versions are kept, never dropping the
// deployed one; delete refuses a bound action without force; other nodes see changes within their cache TTL.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionsService } from '../src/actions/create-actions-service.ts';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

const code = (claim: string) => `exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://example.com/v', '${claim}');\n};`;
const BROKEN = 'exports.onExecutePostLogin = async (event, api) => {\n  const x = ;\n};';
const event = { user: { user_metadata: {}, app_metadata: {} } };

describe.each(dialects)('action versions on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let id: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    const created = await management.actions.create({ name: 'Versioned', supported_triggers: [{ id: 'post-login' }], code: code('one'), deploy: true });
    expect(created.deployed_version).toMatchObject({ number: 1, status: 'built' });
    id = created.id!;
    await management.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: id } }] });
  });
  afterAll(async () => server?.close());

  const claim = async () => {
    const run = await server.services.actions.runTrigger('post-login', event);
    return run.ok ? run.idTokenClaims['https://example.com/v'] : run;
  };

  it('keeps a failed build with its error and line, and leaves the deployed version running', async () => {
    await management.actions.update(id, { code: BROKEN });
    const failed = await management.actions.deploy(id);
    expect(failed).toMatchObject({ number: 2, status: 'failed', deployed: false });
    expect(failed.errors).toEqual([expect.objectContaining({ id: 'load_error', msg: expect.stringMatching(/SyntaxError.*line 2/), line: 2 })]);
    const action = await management.actions.get(id);
    expect(action.deployed_version).toMatchObject({ number: 1 });
    expect(action.all_changes_deployed).toBe(false);
    expect(await claim()).toBe('one');
    await expect(management.actions.versions.deploy(id, failed.id!)).rejects.toMatchObject({ statusCode: 400, body: { message: expect.stringContaining('failed to build') } });
    expect(await management.actions.versions.get(id, failed.id!)).toMatchObject({ status: 'failed', errors: failed.errors });
  });

  it('rolls back by deploying a copy of an earlier version, optionally into the draft', async () => {
    await management.actions.update(id, { code: code('three') });
    expect(await management.actions.deploy(id)).toMatchObject({ number: 3, status: 'built', deployed: true });
    expect(await claim()).toBe('three');

    const versions = await management.actions.versions.list(id);
    expect(versions.data.map((v) => v.number)).toEqual([3, 2, 1]);
    expect(versions.response).toMatchObject({ total: 3, page: 0, per_page: 50 });
    const first = versions.data.find((v) => v.number === 1)!;
    expect(first.deployed).toBe(false);

    const rolledBack = await management.actions.versions.deploy(id, first.id!);
    expect(rolledBack).toMatchObject({ number: 4, status: 'built', deployed: true, code: code('one') });
    expect(await claim()).toBe('one');
    const action = await management.actions.get(id);
    expect(action).toMatchObject({ code: code('three'), all_changes_deployed: false, deployed_version: { number: 4 } });

    const intoDraft = await management.actions.versions.deploy(id, versions.data[0].id!, { update_draft: true });
    expect(intoDraft).toMatchObject({ number: 5, code: code('three'), action: { all_changes_deployed: true } });
    expect(await management.actions.get(id)).toMatchObject({ code: code('three'), all_changes_deployed: true });
    expect(await claim()).toBe('three');
  });

  it('keeps at most 50 versions, dropping the oldest but never the deployed one', async () => {
    await management.actions.update(id, { code: BROKEN });
    for (let i = 0; i < 48; i++) await management.actions.deploy(id);
    const all = await management.actions.versions.list(id, { per_page: 100 });
    expect(all.response.total).toBe(50);
    const numbers = all.data.map((v) => v.number!);
    expect(Math.max(...numbers)).toBe(53);
    expect(numbers).toContain(5); // deployed, so kept
    expect(numbers).not.toContain(1);
    expect(all.data.find((v) => v.number === 5)).toMatchObject({ deployed: true });
    expect(await claim()).toBe('three');
  });

  it('lets another node see binding changes within its cache lifetime', async () => {
    const otherNode = await createActionsService(server.services.db, server.config, { boundActionsTtlMs: 300 });
    try {
      expect((await otherNode.loadBoundActions('post-login')).map((a) => a.actionId)).toEqual([id]);
      await management.actions.triggers.bindings.updateMany('post-login', { bindings: [] });
      expect(await server.services.actions.loadBoundActions('post-login')).toEqual([]); // this node: at once
      expect(await otherNode.loadBoundActions('post-login')).toHaveLength(1); // the other: still cached
      await new Promise((r) => setTimeout(r, 350));
      expect(await otherNode.loadBoundActions('post-login')).toEqual([]);
    } finally {
      otherNode.engine.close();
    }
    await management.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: id } }] });
  });

  it('refuses to delete a bound action without force, and deletes it with its versions and bindings with force', async () => {
    await expect(management.actions.delete(id)).rejects.toMatchObject({ statusCode: 400, body: { message: expect.stringContaining('bound to post-login') } });
    await management.actions.delete(id, { force: true });
    await expect(management.actions.get(id)).rejects.toMatchObject({ statusCode: 404, body: { errorCode: 'inexistent_action' } });
    expect((await management.actions.triggers.bindings.list('post-login')).data).toEqual([]);
    expect(await server.services.actions.loadBoundActions('post-login')).toEqual([]);
    await expect(management.actions.versions.list(id)).rejects.toMatchObject({ statusCode: 404 });
  });
});
