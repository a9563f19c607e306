// Private signing keys are encrypted at rest with the secrets key (issue #11, item 4): a row holds no private
// JWK member; a plaintext row left by an older version is encrypted at the next start; rotating
// PORTRAIT_SECRETS_KEY with PORTRAIT_SECRETS_KEY_PREVIOUS re-encrypts signing keys and Action secrets at start-up,
// after which the old key alone no longer opens anything. Real databases of both dialects, real starts.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret } from '../src/actions/draft-rules.ts';
import { SecretsCipher } from '../src/platform/secrets-cipher.ts';
import { createServices, type Services } from '../src/services.ts';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);

describe.each(dialects)('secrets at rest on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { PORTRAIT_SECRETS_KEY: OLD_KEY.toString('base64') } });
  });
  afterAll(async () => server?.close());

  const rawKeyRows = async (services: Services) =>
    (await sql<{ kid: string; private_jwk: unknown }>`select kid, private_jwk from signing_keys`.execute(services.db.tables())).rows.map((r) => ({
      kid: r.kid,
      stored: typeof r.private_jwk === 'string' ? JSON.parse(r.private_jwk) : r.private_jwk,
    }));
  /** Starts another node on the same database with other key settings, runs `use`, and stops it. */
  async function withNode<T>(keys: { secretsKey: Buffer; secretsKeyPrevious?: Buffer }, use: (services: Services) => Promise<T>): Promise<T> {
    const services = await createServices({ ...server.config, secretsKeyPrevious: null, ...keys }, { migrate: false });
    try {
      return await use(services);
    } finally {
      await services.close();
    }
  }
  const canSign = async (services: Services) => {
    const { token } = await services.tokens.issueForClient({ clientId: server.admin.clientId, audience: services.managementAudience.canonical, scopes: ['read:connections'] });
    return (await fetch(`${server.url}api/v2/connections`, { headers: { authorization: `Bearer ${token}` } })).status;
  };

  it('stores no private key material in the clear', async () => {
    const rows = await rawKeyRows(server.services);
    expect(rows.length).toBeGreaterThan(0);
    const [privateJwk] = await server.services.keys.privateJwks();
    for (const row of rows) {
      expect(Object.keys(row.stored)).toEqual(['encrypted']);
      expect(JSON.stringify(row.stored)).not.toContain(privateJwk.d);
    }
    expect(await canSign(server.services)).toBe(200);
  });

  it('encrypts a plaintext row (as an older version left it) at the next start', async () => {
    const [jwk] = await server.services.keys.privateJwks();
    const json = JSON.stringify(jwk);
    await sql`update signing_keys set private_jwk = ${json} where kid = ${jwk.kid}`.execute(server.services.db.tables());
    expect(Object.keys((await rawKeyRows(server.services)).find((r) => r.kid === jwk.kid)!.stored)).toContain('d');
    await withNode({ secretsKey: OLD_KEY }, async (node) => {
      expect(Object.keys((await rawKeyRows(node)).find((r) => r.kid === jwk.kid)!.stored)).toEqual(['encrypted']);
      expect(await canSign(node)).toBe(200);
    });
  });

  it('rotates PORTRAIT_SECRETS_KEY: the previous key decrypts while start-up re-encrypts keys and Action secrets', async () => {
    const action = await server.services.actions.create({
      name: `rotation-${dialect}`, supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: 'exports.onExecutePostLogin = async () => {};', secrets: [{ name: 'API_KEY', value: 'the-secret-value' }],
    });
    const newCipher = new SecretsCipher(NEW_KEY);
    // The new key alone cannot open what the old one encrypted: the node refuses to start, naming the variable.
    await expect(withNode({ secretsKey: NEW_KEY }, async () => undefined)).rejects.toThrow(/PORTRAIT_SECRETS_KEY/);

    await withNode({ secretsKey: NEW_KEY, secretsKeyPrevious: OLD_KEY }, async (node) => {
      for (const row of await rawKeyRows(node)) expect(newCipher.isCurrent(row.stored.encrypted)).toBe(true);
      const [secret] = (await node.actions.found(action.id)).secrets;
      expect(newCipher.isCurrent(secret.value)).toBe(true);
      expect(decryptSecret(newCipher, action.id, secret)).toBe('the-secret-value');
    });
    // Once rotated, the new key alone suffices and the old one alone is refused.
    await withNode({ secretsKey: NEW_KEY }, async (node) => expect(await canSign(node)).toBe(200));
    await expect(withNode({ secretsKey: OLD_KEY }, async () => undefined)).rejects.toThrow(/PORTRAIT_SECRETS_KEY/);
  });
});
