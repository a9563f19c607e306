// Post-login Actions run again on every refresh-token exchange, on the profile as it is now, as Auth0 runs them
// (`transaction.protocol === 'oauth2-refresh-token'`): the seed's story — an app PATCHes user_metadata.picture
// and sees the new picture at its next refresh — through the official auth0 SDK and openid-client; a deny on
// refresh fails the exchange with an OAuth JSON error and leaves the refresh token usable. On SQLite and PostgreSQL.
import { ManagementClient } from 'auth0';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindPostLogin, createDeployedAction, PICTURE_FROM_METADATA } from './actions-support.ts';
import { dialects } from './support/databases.ts';
import { LogCapture } from './support/log-capture.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';
import { codeFlowLogin, createApp, createUser } from './login-support.ts';

const GRACE = { email: 'grace@example.com', password: 'Compiler-A-0-1952' };
const OLD_PICTURE = 'https://img.example.com/grace-1952.png';
const NEW_PICTURE = 'https://img.example.com/grace-1985.png';

const accessTokenClaims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

describe.each(dialects)('post-login Actions on refresh-token exchanges on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let config: oidc.Configuration;
  let clientId: string;
  let userId: string;
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true, actionsLogger: logs });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    const app = await createApp(server, { grant_types: ['authorization_code', 'refresh_token'] });
    clientId = app.clientId;
    userId = (await createUser(server, GRACE.email, GRACE.password, { name: 'Grace Hopper' })).user_id;
    config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret));
  });
  afterAll(async () => server?.close());

  const login = (scope = 'openid profile offline_access', extra?: Record<string, string>) => codeFlowLogin(server, config, GRACE, scope, extra);

  it('the seed\'s "Change user pictures": a picture PATCHed into user_metadata reaches the app at its next refresh', async () => {
    await createDeployedAction(management, 'Change user pictures', PICTURE_FROM_METADATA);
    await bindPostLogin(management, 'Change user pictures');
    await management.users.update(userId, { user_metadata: { picture: OLD_PICTURE } });

    const { tokens, claims } = await login();
    expect(claims!.picture).toBe(OLD_PICTURE);

    // The app uploads a new picture and records its URL, as the seed shows; no new login follows.
    await management.users.update(userId, { user_metadata: { picture: NEW_PICTURE } });
    const refreshed = await oidc.refreshTokenGrant(config, tokens!.refresh_token!);
    expect(refreshed.claims()!.picture).toBe(NEW_PICTURE);
    expect(refreshed.claims()!.name).toBe('Grace Hopper');
    expect(refreshed.refresh_token).not.toBe(tokens!.refresh_token);
    // /userinfo agrees, with the new access token and with the one of the login (same grant, latest claims).
    expect((await oidc.fetchUserInfo(config, refreshed.access_token, userId)).picture).toBe(NEW_PICTURE);
    expect((await oidc.fetchUserInfo(config, tokens!.access_token, userId)).picture).toBe(NEW_PICTURE);

    // The picture removed from metadata: the next refresh carries the profile's own picture, not a stale claim.
    await management.users.update(userId, { user_metadata: { picture: null } as never });
    const again = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
    expect(again.claims()!.picture).toBe((await management.users.get(userId)).picture);
    expect(again.claims()!.picture).not.toBe(NEW_PICTURE);
  });

  it('builds the refresh event from the grant: protocol, no authentication, its client, connection, scopes and API', async () => {
    await createDeployedAction(management, 'Refresh event', `exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://portrait.example/event', {
    protocol: event.transaction.protocol,
    authentication: event.authentication ?? null,
    client: event.client.client_id,
    connection: event.connection.name,
    scopes: event.transaction.requested_scopes,
    nickname: event.user.nickname,
  });
  if (event.resource_server) api.accessToken.setCustomClaim('https://portrait.example/aud', event.resource_server.identifier);
  if (event.transaction.protocol === 'oauth2-refresh-token') api.accessToken.addScope('read:current_user');
};`);
    await bindPostLogin(management, 'Refresh event');
    const audience = `${server.issuer}api/v2/`;
    const { tokens, claims } = await login('openid profile offline_access update:current_user_metadata', { audience });
    expect(claims!['https://portrait.example/event']).toMatchObject({ protocol: 'oidc-basic-profile', authentication: { methods: [{ name: 'pwd' }] } });
    expect(String(accessTokenClaims(tokens!.access_token).scope).split(' ')).not.toContain('read:current_user');

    await management.users.update(userId, { nickname: 'amazing-grace' });
    const refreshed = await oidc.refreshTokenGrant(config, tokens!.refresh_token!);
    const event = refreshed.claims()!['https://portrait.example/event'] as Record<string, unknown>;
    expect(event).toMatchObject({ protocol: 'oauth2-refresh-token', authentication: null, client: clientId, connection: 'Username-Password-Authentication', nickname: 'amazing-grace' });
    expect(event.scopes).toEqual(expect.arrayContaining(['openid', 'profile', 'offline_access', 'update:current_user_metadata']));
    const access = accessTokenClaims(refreshed.access_token);
    expect(access['https://portrait.example/aud']).toBe(audience);
    // This exchange's scope changes shape this exchange's access token.
    expect(String(access.scope).split(' ')).toEqual(expect.arrayContaining(['read:current_user', 'update:current_user_metadata']));
  });

  it('a deny on refresh fails the exchange with access_denied JSON, keeps the metadata it set, and leaves the refresh token usable', async () => {
    await createDeployedAction(management, 'No refresh', `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol !== 'oauth2-refresh-token') return;
  api.user.setUserMetadata('refresh_denied', true);
  api.access.deny('Refreshing is paused for this account');
};`);
    await bindPostLogin(management, 'Change user pictures', 'No refresh');
    const { tokens, claims } = await login();
    expect(claims!.sub).toBe(userId);

    const denied = await oidc.refreshTokenGrant(config, tokens!.refresh_token!).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(oidc.ResponseBodyError);
    expect(denied).toMatchObject({ status: 403, error: 'access_denied', error_description: 'Refreshing is paused for this account' });
    expect((denied as oidc.ResponseBodyError).cause).toEqual({ error: 'access_denied', error_description: 'Refreshing is paused for this account' });
    expect((await management.users.get(userId)).user_metadata).toMatchObject({ refresh_denied: true });
    expect(logs.find('post-login actions denied the refresh')).toMatchObject({ protocol: 'oauth2-refresh-token', action: 'No refresh', reason: 'denied', user_id: userId, client_id: clientId });

    // The action is taken out; the same refresh token (neither rotated nor revoked) works, and the grant with it.
    await bindPostLogin(management, 'Change user pictures');
    const retried = await oidc.refreshTokenGrant(config, tokens!.refresh_token!);
    expect(retried.claims()!.sub).toBe(userId);
  });

  it('an action that throws on refresh fails the exchange the same way, with its message', async () => {
    await createDeployedAction(management, 'Broken on refresh', `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') throw new Error('the picture service is down');
};`);
    await bindPostLogin(management, 'Broken on refresh');
    const { tokens } = await login();
    await expect(oidc.refreshTokenGrant(config, tokens!.refresh_token!)).rejects.toMatchObject({
      status: 403, error: 'access_denied', error_description: 'the picture service is down',
    });
    expect(logs.find('post-login actions denied the refresh', (l) => l.action === 'Broken on refresh')).toMatchObject({ reason: 'error' });
    await bindPostLogin(management);
    expect((await oidc.refreshTokenGrant(config, tokens!.refresh_token!)).claims()!.sub).toBe(userId);
  });
});
