// Account linking through the official auth0 SDK v7 (users.identities.link / .delete): a social user linked into
// a database user keeps the primary's profile, moves its identity (with profileData) into identities[] and
// stops existing on its own; signing in with the linked identity signs the primary in; unlinking recreates it.
// Also link_with (an ID token Portrait issued), and the refusals. On SQLite and PostgreSQL.
import { ManagementError } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from './login-support.ts';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient, api, clientWithScopes } from './support/users.ts';
import { startUpstreamIdp, type UpstreamIdp } from './support/upstream-idp.ts';
import { countUsers, createConnection, federatedLogin, oidcOptions, relyingParty, type RelyingParty } from './social-support.ts';

async function failure(promise: Promise<unknown>): Promise<{ statusCode: number; body: { errorCode?: string; message?: string } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManagementError) return { statusCode: error.statusCode!, body: error.body as { errorCode?: string } };
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(dialects)('account linking on %s', (dialect) => {
  let server: TestServer;
  let idp: UpstreamIdp;
  let rp: RelyingParty;
  let primaryId: string;
  const socialId = 'oidc|partner|grace-9';

  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true, env: { PORTRAIT_ALLOW_PRIVATE_OUTBOUND: 'true' } });
    idp = await startUpstreamIdp(`${server.issuer}login/callback`);
    idp.accounts.set('grace-9', { sub: 'grace-9', name: 'Grace Hopper', picture: 'https://pictures.example/grace.png', email: 'grace@partner.example', email_verified: true });
    idp.accounts.set('linus-7', { sub: 'linus-7', name: 'Linus T', picture: 'https://pictures.example/linus.png' });
    rp = await relyingParty(server);
    await createConnection(server, { name: 'partner', strategy: 'oidc', options: oidcOptions(idp), enabled_clients: [rp.app.clientId] });
    primaryId = (await createUser(server, 'grace@example.com', 'Correct-Horse-9', { name: 'Grace B. Hopper' })).user_id;
    idp.next = { account: 'grace-9' };
    await federatedLogin(server, rp, 'partner');
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
  });

  it('links the social user into the database user: identities with profileData, the secondary gone, the primary profile kept', async () => {
    const sdk = adminClient(server);
    const primaryBefore = await sdk.users.get(primaryId);
    const before = await countUsers(server);
    const identities = await sdk.users.identities.link(primaryId, { provider: 'oidc', user_id: 'partner|grace-9' });
    expect(identities).toHaveLength(2);
    expect(identities[0]).toMatchObject({ provider: 'auth0', connection: 'Username-Password-Authentication', isSocial: false });
    expect(identities[1]).toMatchObject({
      provider: 'oidc', connection: 'partner', user_id: 'partner|grace-9', isSocial: false,
      profileData: { name: 'Grace Hopper', picture: 'https://pictures.example/grace.png', email: 'grace@partner.example', email_verified: true },
    });
    expect(await countUsers(server)).toBe(before - 1);
    expect((await failure(sdk.users.get(socialId))).statusCode).toBe(404);
    const primary = await sdk.users.get(primaryId);
    expect(primary).toMatchObject({ name: 'Grace B. Hopper', email: 'grace@example.com', picture: primaryBefore.picture });
    expect(primary.identities).toHaveLength(2);
  });

  it('signing in with the linked identity signs the primary in; its picture goes to profileData, not the primary', async () => {
    idp.accounts.get('grace-9')!.picture = 'https://pictures.example/grace-new.png';
    idp.next = { account: 'grace-9' };
    const before = (await adminClient(server).users.get(primaryId)).logins_count ?? 0;
    const { tokens } = await federatedLogin(server, rp, 'partner');
    expect(tokens!.claims()).toMatchObject({ sub: primaryId, name: 'Grace B. Hopper' });
    const primary = await adminClient(server).users.get(primaryId);
    expect(primary.logins_count).toBe(before + 1);
    expect(primary.picture).not.toBe('https://pictures.example/grace-new.png');
    expect(primary.identities?.[1].profileData).toMatchObject({ picture: 'https://pictures.example/grace-new.png' });
    expect(await server.services.users.get(socialId)).toBeNull();
  });

  it('refuses what cannot be linked, and tokens without update:users', async () => {
    const sdk = adminClient(server);
    const other = await createUser(server, 'other@example.com', 'Correct-Horse-9');
    const [, otherId] = other.user_id.split('|');
    expect(await failure(sdk.users.identities.link(primaryId, { provider: 'auth0', user_id: otherId }))).toMatchObject({ statusCode: 400, body: { errorCode: 'operation_not_supported' } });
    expect(await failure(sdk.users.identities.link(primaryId, { provider: 'oidc', user_id: 'partner|nobody' }))).toMatchObject({ statusCode: 400, body: { message: 'The secondary user does not exist.' } });
    expect((await failure(sdk.users.identities.link('auth0|000000000000000000000000', { provider: 'oidc', user_id: 'partner|grace-9' }))).statusCode).toBe(404);
    const [, primaryLocalId] = primaryId.split('|');
    expect(await failure(sdk.users.identities.delete(primaryId, 'auth0', primaryLocalId))).toMatchObject({ statusCode: 400, body: { message: 'Main identity cannot be removed.' } });
    const readOnly = await clientWithScopes(server, ['read:users']);
    expect(await failure(readOnly.users.identities.link(primaryId, { provider: 'oidc', user_id: 'partner|grace-9' }))).toMatchObject({ statusCode: 403, body: { errorCode: 'insufficient_scope' } });
    const raw = await api(server, await server.managementToken(), 'POST', `/users/${encodeURIComponent(primaryId)}/identities`, JSON.stringify({ provider: 'oidc' }));
    expect(raw).toMatchObject({ status: 400, body: { errorCode: 'invalid_body' } });
  });

  it('unlinks: the identity becomes its own user again, rebuilt from profileData, and signs in as itself', async () => {
    const sdk = adminClient(server);
    const remaining = await sdk.users.identities.delete(primaryId, 'oidc', 'partner|grace-9');
    expect(remaining).toHaveLength(1);
    expect(remaining[0]).toMatchObject({ provider: 'auth0' });
    const restored = await sdk.users.get(socialId);
    expect(restored).toMatchObject({ user_id: socialId, name: 'Grace Hopper', picture: 'https://pictures.example/grace-new.png', email: 'grace@partner.example' });
    expect(restored.identities).toEqual([{ provider: 'oidc', connection: 'partner', user_id: 'partner|grace-9', isSocial: false, access_token: expect.any(String) }]);
    idp.next = { account: 'grace-9' };
    const { tokens } = await federatedLogin(server, rp, 'partner');
    expect(tokens!.claims()!.sub).toBe(socialId);
    expect((await sdk.users.get(primaryId)).identities).toHaveLength(1);
  });

  it('link_with: the secondary named by an ID token Portrait issued', async () => {
    idp.next = { account: 'linus-7' };
    const { tokens } = await federatedLogin(server, rp, 'partner');
    const identities = await adminClient(server).users.identities.link(primaryId, { link_with: tokens!.id_token! });
    expect(identities.map((i) => i.user_id)).toContain('partner|linus-7');
    expect(await server.services.users.get('oidc|partner|linus-7')).toBeNull();
    const forged = await api(server, await server.managementToken(), 'POST', `/users/${encodeURIComponent(primaryId)}/identities`, JSON.stringify({ link_with: `${tokens!.id_token!.slice(0, -4)}AAAA` }));
    expect(forged).toMatchObject({ status: 400, body: { errorCode: 'bad_request' } });
    // An access token is signed by the same key but proves no fresh sign-in to the secondary account.
    const accessToken = await server.managementToken(['read:users']);
    const refused = await api(server, await server.managementToken(), 'POST', `/users/${encodeURIComponent(primaryId)}/identities`, JSON.stringify({ link_with: accessToken }));
    expect(refused).toMatchObject({ status: 400, body: { errorCode: 'bad_request', message: 'link_with must be an ID token, not an access token.' } });
  });
});
