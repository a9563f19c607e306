// Action secrets through the official SDK on both dialects: usable by the action, never in an answer, encrypted
// in the database (read directly), kept or replaced as the request says; and the key every node must share.
import { statSync } from 'node:fs';
import path from 'node:path';
import { ManagementClient } from 'auth0';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.ts';
import { createServices } from '../src/services.ts';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

const PLAINTEXT = 'sk_live_very-secret-value-4242';
const CODE = `exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/key_length', event.secrets.API_KEY.length);
  api.accessToken.setCustomClaim('https://example.com/key', event.secrets.API_KEY);
};`;

describe.each(dialects)('action secrets on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let actionId: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
  });
  afterAll(async () => server?.close());

  const rawText = async (p: string) => {
    const res = await fetch(`${server.url}api/v2/${p}`, { headers: { authorization: `Bearer ${await server.managementToken()}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('gives the action its secrets and never answers them', async () => {
    const created = await management.actions.create({
      name: 'Uses a secret', supported_triggers: [{ id: 'post-login' }], code: CODE, secrets: [{ name: 'API_KEY', value: PLAINTEXT }],
    });
    actionId = created.id!;
    expect(created.secrets).toEqual([{ name: 'API_KEY', updated_at: expect.any(String) }]);
    expect(JSON.stringify(created)).not.toContain(PLAINTEXT);

    const tested = await management.actions.test(actionId, { payload: {} });
    expect(tested.payload).toMatchObject({ result: 'success', claims: { id_token: { 'https://example.com/key_length': PLAINTEXT.length } } });

    const version = await management.actions.deploy(actionId);
    expect(version.secrets).toEqual([{ name: 'API_KEY', updated_at: created.secrets![0].updated_at }]);
    await management.actions.triggers.bindings.updateMany('post-login', { bindings: [{ ref: { type: 'action_id', value: actionId } }] });

    for (const p of ['actions/actions', `actions/actions/${actionId}`, `actions/actions/${actionId}/versions`, `actions/actions/${actionId}/versions/${version.id}`, 'actions/triggers/post-login/bindings']) {
      const text = await rawText(p);
      expect(text).toContain('API_KEY');
      expect(text).not.toContain(PLAINTEXT);
      expect(text).not.toContain('"value"');
    }

    const [bound] = await server.services.actions.loadBoundActions('post-login');
    expect(bound.secrets).toEqual({ API_KEY: PLAINTEXT });
    const run = await server.services.actions.runTrigger('post-login', { user: { user_metadata: {}, app_metadata: {} } });
    expect(run).toMatchObject({ ok: true, accessTokenClaims: { 'https://example.com/key': PLAINTEXT } });
  });

  it('stores secrets encrypted: the plaintext is in no row of the draft or its versions', async () => {
    const db = server.services.db.tables<Record<string, Record<string, unknown>>>();
    const drafts = await sql<{ secrets: unknown }>`select secrets from actions`.execute(db);
    const versions = await sql<{ secrets: unknown }>`select secrets from action_versions`.execute(db);
    const stored = JSON.stringify([...drafts.rows, ...versions.rows]);
    expect(stored).toContain('API_KEY');
    expect(stored).toMatch(/v1\.[0-9a-f]{16}\./);
    expect(stored).not.toContain(PLAINTEXT);
    expect(stored).not.toContain(Buffer.from(PLAINTEXT).toString('base64'));
  });

  it('keeps a secret sent without a value, keeps an unchanged one as it was, and replaces the list', async () => {
    const before = await management.actions.get(actionId);
    const kept = await management.actions.update(actionId, { secrets: [{ name: 'API_KEY' }] });
    expect(kept.secrets).toEqual(before.secrets);
    expect(kept.all_changes_deployed).toBe(true);
    const same = await management.actions.update(actionId, { secrets: [{ name: 'API_KEY', value: PLAINTEXT }] });
    expect(same.secrets).toEqual(before.secrets);
    expect(same.all_changes_deployed).toBe(true);

    const changed = await management.actions.update(actionId, { secrets: [{ name: 'API_KEY', value: 'rotated' }, { name: 'OTHER', value: 'x' }] });
    expect(changed.secrets!.map((s) => s.name)).toEqual(['API_KEY', 'OTHER']);
    expect(changed.all_changes_deployed).toBe(false);
    // The deployed version keeps the secret it was built with until the next deploy.
    expect((await server.services.actions.loadBoundActions('post-login'))[0].secrets).toEqual({ API_KEY: PLAINTEXT });
    await management.actions.deploy(actionId);
    expect((await server.services.actions.loadBoundActions('post-login'))[0].secrets).toEqual({ API_KEY: 'rotated', OTHER: 'x' });

    await expect(management.actions.update(actionId, { secrets: [{ name: 'NEW_ONE' }] })).rejects.toMatchObject({
      statusCode: 400, body: { errorCode: 'invalid_body', message: expect.stringContaining("secret 'NEW_ONE' has no value") },
    });
    const emptied = await management.actions.update(actionId, { secrets: [] });
    expect(emptied.secrets).toEqual([]);
  });

  it('generates the key once into DATA_DIR/secrets.key, readable by its owner only', () => {
    const file = path.join(server.config.dataDir, 'secrets.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to start a node whose key is not the one the secrets were encrypted with', async () => {
    const other = Buffer.alloc(32, 7);
    await expect(createServices({ ...server.config, secretsKey: other })).rejects.toThrow(ConfigError);
    await expect(createServices({ ...server.config, secretsKey: other })).rejects.toThrow(/every node must use the same PORTRAIT_SECRETS_KEY/);
    // The same key (here: the same generated file) starts fine.
    const again = await createServices({ ...server.config });
    await again.close();
  });
});
