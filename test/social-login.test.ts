// Federated sign-in end to end against a real upstream (a second oidc-provider on another port): the first
// login creates the user with the upstream's picture; set_user_root_attributes decides whether a changed
// upstream picture follows at the next login and whether PATCH may change it; the seed's user_metadata.picture
// route works; a provider without a picture gets the default chain; never_on_login creates nobody; the generic
// oauth2 strategy maps the profile declaratively. On SQLite and PostgreSQL.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { adminClient, api } from './support/users.ts';
import { startUpstreamIdp, UPSTREAM_CLIENT, type UpstreamIdp } from './support/upstream-idp.ts';
import { APP_CALLBACK, countUsers, createConnection, federatedLogin, oidcOptions, relyingParty, type RelyingParty } from './social-support.ts';

const SYNC_REFUSAL = (connection: string) =>
  `The following user attributes cannot be updated: picture. The connection (${connection}) must either be a database connection (using the Auth0 store), ` +
  "a passwordless connection (email or sms) or has disabled 'Sync user profile attributes at each login'. For more information, see " +
  'https://auth0.com/docs/dashboard/guides/connections/configure-connection-sync';

describe.each(dialects)('federated sign-in on %s', (dialect) => {
  let server: TestServer;
  let idp: UpstreamIdp;
  let rp: RelyingParty;
  let connection: { id: string; name: string };

  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true, env: { PORTRAIT_ALLOW_PRIVATE_OUTBOUND: 'true' } });
    idp = await startUpstreamIdp(`${server.issuer}login/callback`);
    idp.accounts.set('ada-1', { sub: 'ada-1', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', nickname: 'ada', picture: 'https://pictures.example/ada-v1.png', email: 'ada@upstream.example', email_verified: true, locale: 'en-GB' });
    rp = await relyingParty(server);
    connection = await createConnection(server, { name: 'upstream-oidc', strategy: 'oidc', display_name: 'Upstream', options: oidcOptions(idp), enabled_clients: [rp.app.clientId] });
  });
  afterAll(async () => {
    await server?.close();
    await idp?.close();
  });

  const userId = 'oidc|upstream-oidc|ada-1';

  it('creates the user at the first login, with the upstream picture, and signs the app in', async () => {
    idp.next = { account: 'ada-1' };
    const before = await countUsers(server);
    const { tokens, url } = await federatedLogin(server, rp, 'upstream-oidc');
    expect(url.href.startsWith(APP_CALLBACK)).toBe(true);
    const jwks = createRemoteJWKSet(new URL(`${server.url}.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens!.id_token!, jwks, { issuer: server.issuer, audience: rp.app.clientId });
    expect(payload).toMatchObject({ sub: userId, name: 'Ada Lovelace', picture: 'https://pictures.example/ada-v1.png', email: 'ada@upstream.example', email_verified: true });
    expect(await countUsers(server)).toBe(before + 1);

    const user = await adminClient(server).users.get(userId);
    expect(user).toMatchObject({ user_id: userId, picture: 'https://pictures.example/ada-v1.png', given_name: 'Ada', nickname: 'ada', locale: 'en-GB', logins_count: 1 });
    // The admin client holds read:user_idp_tokens, so the upstream's access token is in the answer.
    expect(user.identities).toEqual([{ provider: 'oidc', connection: 'upstream-oidc', user_id: 'upstream-oidc|ada-1', isSocial: false, access_token: expect.any(String) }]);
    expect(user.last_ip).toBeTruthy();
  });

  it('keeps the upstream access token for read:user_idp_tokens only', async () => {
    const plain = await api(server, await server.managementToken(['read:users']), 'GET', `/users/${encodeURIComponent(userId)}`);
    expect((plain.body as { identities: object[] }).identities[0]).not.toHaveProperty('access_token');
    const listed = await api(server, await server.managementToken(['read:users']), 'GET', `/users?q=${encodeURIComponent('identities.connection:"upstream-oidc"')}`);
    expect(JSON.stringify(listed.body)).not.toContain('access_token');
    const withTokens = await api(server, await server.managementToken(['read:users', 'read:user_idp_tokens']), 'GET', `/users/${encodeURIComponent(userId)}`);
    expect(typeof (withTokens.body as { identities: Array<{ access_token?: string }> }).identities[0].access_token).toBe('string');
  });

  it('on_each_login (the default): a changed upstream picture shows at the next login, and PATCH picture is refused', async () => {
    idp.accounts.get('ada-1')!.picture = 'https://pictures.example/ada-v2.png';
    idp.next = { account: 'ada-1' };
    const { tokens } = await federatedLogin(server, rp, 'upstream-oidc', 'button');
    expect(tokens!.claims()!.picture).toBe('https://pictures.example/ada-v2.png');
    const user = await adminClient(server).users.get(userId);
    expect(user).toMatchObject({ picture: 'https://pictures.example/ada-v2.png', logins_count: 2 });

    const refused = await api(server, await server.managementToken(), 'PATCH', `/users/${encodeURIComponent(userId)}`, JSON.stringify({ picture: 'https://mine.example/me.png' }));
    expect(refused).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: SYNC_REFUSAL('upstream-oidc'), errorCode: 'operation_not_supported' } });
  });

  it("the seed's way around: user_metadata.picture may be set on a social user and reads back", async () => {
    const sdk = adminClient(server);
    await sdk.users.update(userId, { user_metadata: { picture: 'https://uploads.example/ada-custom.png' } });
    const user = await sdk.users.get(userId);
    expect(user.user_metadata).toEqual({ picture: 'https://uploads.example/ada-custom.png' });
    expect(user.picture).toBe('https://pictures.example/ada-v2.png');
  });

  it('on_first_login: switched through PATCH /connections (secret kept), the upstream picture no longer follows and PATCH picture works', async () => {
    const sdk = adminClient(server);
    const current = await sdk.connections.get(connection.id);
    expect(current.options).not.toHaveProperty('client_secret');
    // Read-modify-write as Auth0's docs say; the secret Portrait never shows is kept.
    const updated = await sdk.connections.update(connection.id, { options: { ...current.options, set_user_root_attributes: 'on_first_login' } });
    expect(updated.options).toMatchObject({ set_user_root_attributes: 'on_first_login' });
    expect(updated.options).not.toHaveProperty('client_secret');

    idp.accounts.get('ada-1')!.picture = 'https://pictures.example/ada-v3.png';
    idp.next = { account: 'ada-1' };
    const { tokens } = await federatedLogin(server, rp, 'upstream-oidc');
    expect(tokens!.claims()!.picture).toBe('https://pictures.example/ada-v2.png');
    expect((await sdk.users.get(userId)).logins_count).toBe(3);

    const patched = await sdk.users.update(userId, { picture: 'https://uploads.example/ada-chosen.png', name: 'Ada King' });
    expect(patched).toMatchObject({ picture: 'https://uploads.example/ada-chosen.png', name: 'Ada King' });
    const again = await federatedLogin(server, rp, 'upstream-oidc');
    expect(again.tokens!.claims()).toMatchObject({ picture: 'https://uploads.example/ada-chosen.png', name: 'Ada King' });

    // Back to on_each_login: the next login overwrites the edited attributes from the upstream again.
    await sdk.connections.update(connection.id, { options: { ...current.options, set_user_root_attributes: 'on_each_login' } });
    const synced = await federatedLogin(server, rp, 'upstream-oidc');
    expect(synced.tokens!.claims()).toMatchObject({ picture: 'https://pictures.example/ada-v3.png', name: 'Ada Lovelace' });
  });

  it('a provider without a picture: the default chain answers (Gravatar from the email, initials fallback)', async () => {
    idp.accounts.set('bob-2', { sub: 'bob-2', name: 'Bob Stone', email: 'bob@upstream.example', email_verified: true });
    idp.next = { account: 'bob-2' };
    const { tokens } = await federatedLogin(server, rp, 'upstream-oidc');
    const picture = String(tokens!.claims()!.picture);
    expect(picture).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=/);
    expect(decodeURIComponent(picture)).toContain('bs.png');
    expect((await adminClient(server).users.get('oidc|upstream-oidc|bob-2')).picture).toBe(picture);
  });

  it('never_on_login: an unknown upstream user is not created and the app gets access_denied; a known one signs in unchanged', async () => {
    const sdk = adminClient(server);
    const current = await sdk.connections.get(connection.id);
    await sdk.connections.update(connection.id, { options: { ...current.options, set_user_root_attributes: 'never_on_login' } });
    idp.accounts.set('eve-3', { sub: 'eve-3', name: 'Eve New', picture: 'https://pictures.example/eve.png' });
    idp.next = { account: 'eve-3' };
    const before = await countUsers(server);
    const refused = await federatedLogin(server, rp, 'upstream-oidc');
    expect(refused.url.searchParams.get('error')).toBe('access_denied');
    expect(refused.url.searchParams.get('error_description')).toContain('never_on_login');
    expect(await countUsers(server)).toBe(before);

    idp.accounts.get('ada-1')!.picture = 'https://pictures.example/ada-v4.png';
    idp.next = { account: 'ada-1' };
    const known = await federatedLogin(server, rp, 'upstream-oidc');
    expect(known.tokens!.claims()!.picture).toBe('https://pictures.example/ada-v3.png');
    // Root attributes are the tenant's to edit under never_on_login.
    await sdk.users.update(userId, { picture: 'https://uploads.example/ada-never.png' });
    await sdk.connections.update(connection.id, { options: { ...current.options, set_user_root_attributes: 'on_each_login' } });
  });

  it('two first logins of the same identity at once create one user', async () => {
    idp.accounts.set('twin-5', { sub: 'twin-5', name: 'Twin', picture: 'https://pictures.example/twin.png' });
    idp.next = { account: 'twin-5' };
    const before = await countUsers(server);
    const results = await Promise.all([1, 2, 3].map(() => federatedLogin(server, rp, 'upstream-oidc')));
    for (const r of results) expect(r.tokens!.claims()!.sub).toBe('oidc|upstream-oidc|twin-5');
    expect(await countUsers(server)).toBe(before + 1);
    expect((await adminClient(server).users.get('oidc|upstream-oidc|twin-5')).logins_count).toBe(3);
  });

  it('the generic oauth2 strategy: code flow + profile URL read through profile_map', async () => {
    const token = await server.managementToken(['read:users']);
    const created = await createConnection(server, {
      name: 'upstream-oauth2', strategy: 'oauth2', enabled_clients: [rp.app.clientId],
      options: {
        authorizationURL: `${idp.issuer}/auth`, tokenURL: `${idp.issuer}/token`, profile_url: `${idp.issuer}/me`,
        profile_map: { user_id: 'sub', name: 'name', nickname: 'nickname', picture: 'picture', email: 'email', email_verified: 'email_verified' },
        client_id: UPSTREAM_CLIENT.id, client_secret: UPSTREAM_CLIENT.secret, scope: ['openid', 'profile', 'email'],
      },
    });
    expect(created.options).not.toHaveProperty('client_secret');
    idp.accounts.set('cy-4', { sub: 'cy-4', name: 'Cy Young', nickname: 'cy', picture: 'https://pictures.example/cy.png', email: 'cy@upstream.example', email_verified: true });
    idp.next = { account: 'cy-4' };
    const { tokens } = await federatedLogin(server, rp, 'upstream-oauth2');
    expect(tokens!.claims()).toMatchObject({ sub: 'oauth2|upstream-oauth2|cy-4', name: 'Cy Young', picture: 'https://pictures.example/cy.png' });
    const user = (await api(server, token, 'GET', `/users/${encodeURIComponent('oauth2|upstream-oauth2|cy-4')}`)).body as { identities: unknown[] };
    expect(user.identities).toEqual([{ provider: 'oauth2', connection: 'upstream-oauth2', user_id: 'upstream-oauth2|cy-4', isSocial: true }]);
  });
});
