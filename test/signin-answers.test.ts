// Auth0's exact answers at /oauth/token where SDKs match on them (auth0-spa-js, Auth0.swift and Auth0.android read
// `error_description` "Unknown or invalid refresh token." to decide that the user must sign in again): each by
// status and body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { createApp, createUser } from './login-support.ts';

const REALM = 'Username-Password-Authentication';

describe("Auth0's exact answers at the token endpoint", () => {
  let server: TestServer;
  let app: Awaited<ReturnType<typeof createApp>>;

  beforeAll(async () => {
    server = await startTestServer();
    app = await createApp(server, { grant_types: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM_GRANT] });
  });
  afterAll(async () => server?.close());

  const token = async (body: Record<string, string>) => {
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, ...body }),
    });
    return { status: res.status, body: await res.json() };
  };
  const realmLogin = (username: string, password: string) =>
    token({ grant_type: PASSWORD_REALM_GRANT, realm: REALM, username, password, scope: 'openid offline_access' });
  const refresh = (refreshToken: string) => token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const UNKNOWN_REFRESH_TOKEN = { status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } };

  it('answers an unknown, a revoked and a rotated-out refresh token with 403 "Unknown or invalid refresh token."', async () => {
    await createUser(server, 'rt@example.com', 'Refresh-Me-2026');
    expect(await refresh('not-a-refresh-token')).toEqual(UNKNOWN_REFRESH_TOKEN);

    const first = await realmLogin('rt@example.com', 'Refresh-Me-2026');
    expect(first.status).toBe(200);
    const rotated = await refresh(first.body.refresh_token);
    expect(rotated.status).toBe(200);
    expect(await refresh(first.body.refresh_token)).toEqual(UNKNOWN_REFRESH_TOKEN);

    const second = await realmLogin('rt@example.com', 'Refresh-Me-2026');
    const revoke = await fetch(`${server.url}oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, token: second.body.refresh_token }),
    });
    expect(revoke.status).toBe(200);
    expect(await refresh(second.body.refresh_token)).toEqual(UNKNOWN_REFRESH_TOKEN);
  });

  it("answers the refresh token of a deleted user the same way (Auth0 deletes a user's refresh tokens with the user)", async () => {
    const user = await createUser(server, 'gone@example.com', 'Soon-Deleted-2026');
    const login = await realmLogin('gone@example.com', 'Soon-Deleted-2026');
    expect(login.status).toBe(200);
    await server.services.users.delete(user.user_id);
    expect(await refresh(login.body.refresh_token)).toEqual(UNKNOWN_REFRESH_TOKEN);
  });

  it.each([
    ['password-realm', { grant_type: PASSWORD_REALM_GRANT, realm: REALM }],
    ['password', { grant_type: 'password' }],
  ])('answers wrong credentials in the %s grant with 403 "Wrong email or password."', async (_name, grant) => {
    await createUser(server, `wrong-${grant.grant_type.length}@example.com`, 'Right-Password-2026');
    const wrongPassword = await token({ ...grant, username: `wrong-${grant.grant_type.length}@example.com`, password: 'not-it' });
    const unknownUser = await token({ ...grant, username: 'nobody-at-all@example.com', password: 'not-it' });
    for (const answer of [wrongPassword, unknownUser]) {
      expect(answer).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Wrong email or password.' } });
    }
  });

  it.each([
    ['password-realm', { grant_type: PASSWORD_REALM_GRANT, realm: REALM }],
    ['password', { grant_type: 'password' }],
  ])('answers a blocked user in the %s grant with 401 unauthorized "user is blocked"', async (_name, grant) => {
    const email = `blocked-${grant.grant_type.length}@example.com`;
    await createUser(server, email, 'Blocked-User-2026', { blocked: true });
    expect(await token({ ...grant, username: email, password: 'Blocked-User-2026' })).toEqual({
      status: 401,
      body: { error: 'unauthorized', error_description: 'user is blocked' },
    });
  });

  it('refuses non-string, too many and too long user_metadata values at /dbconnections/signup with Auth0\'s message, creating nobody', async () => {
    const signup = async (email: string, user_metadata: unknown) => {
      const res = await fetch(`${server.url}dbconnections/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: app.clientId, connection: REALM, email, password: 'Sign-Up-Now-2026', user_metadata }),
      });
      return { status: res.status, body: await res.json() };
    };
    const refused = (message: string) => ({ status: 400, body: { name: 'BadRequestError', code: message, description: message, message, statusCode: 400 } });
    expect(await signup('meta1@example.com', { consent: true })).toEqual(refused('invalid user_metadata.consent type (only strings are allowed)'));
    expect(await signup('meta2@example.com', { nested: { a: 'b' } })).toEqual(refused('invalid user_metadata.nested type (only strings are allowed)'));
    expect(await signup('meta3@example.com', 'a string')).toEqual(refused('invalid user_metadata type (expected object)'));
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    expect(await signup('meta4@example.com', eleven)).toEqual(refused('invalid user_metadata (at most 10 fields are allowed)'));
    expect(await signup('meta5@example.com', { bio: 'x'.repeat(501) })).toEqual(refused('invalid user_metadata.bio length (at most 500 characters are allowed)'));
    for (const n of [1, 2, 3, 4, 5]) expect(await server.services.users.getByEmail(`meta${n}@example.com`)).toEqual([]);

    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const ok = await signup('meta-ok@example.com', ten);
    expect(ok.status).toBe(200);
    expect(ok.body.user_metadata).toEqual(ten);
  });

  it("keeps the profile's email in the tokens when a post-login Action sets email or email_verified; a picture override still applies", async () => {
    await createUser(server, 'real@example.com', 'Real-Address-2026');
    const mgmt = await server.managementToken();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}api/v2/${path}`, { method, headers: { authorization: `Bearer ${mgmt}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status).toBeLessThan(300);
      return res.json();
    };
    const code = `exports.onExecutePostLogin = async (event, api) => {
      for (const t of [api.idToken, api.accessToken]) { t.setCustomClaim('email', 'attacker@example.com'); t.setCustomClaim('email_verified', true); }
      api.idToken.setCustomClaim('picture', 'https://img.example.com/override.png');
    };`;
    const action = await api('POST', 'actions/actions', { name: 'rewrite-email', supported_triggers: [{ id: 'post-login', version: 'v3' }], code });
    await api('POST', `actions/actions/${action.id}/deploy`);
    await api('PATCH', 'actions/triggers/post-login/bindings', { bindings: [{ ref: { type: 'action_name', value: 'rewrite-email' } }] });
    try {
      const login = await token({ grant_type: PASSWORD_REALM_GRANT, realm: REALM, username: 'real@example.com', password: 'Real-Address-2026', scope: 'openid profile email' });
      expect(login.status).toBe(200);
      const claims = JSON.parse(Buffer.from(login.body.id_token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ email: 'real@example.com', email_verified: false, picture: 'https://img.example.com/override.png' });
    } finally {
      await api('PATCH', 'actions/triggers/post-login/bindings', { bindings: [] });
    }
  });
});
