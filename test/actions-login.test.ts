// The seed's picture Actions, created, tested, deployed and bound through the official auth0 SDK, change the
// `picture` claim of real ID tokens that openid-client obtains through the hosted login; a failing action ends
// the login with access_denied at the app's callback; api.user.setUserMetadata is written once per login (and
// per refresh, which runs post-login again: actions-refresh.test.ts). On SQLite and PostgreSQL.
import { ManagementClient } from 'auth0';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';
import { DEFAULT_PICTURE_AS_PRINTED, defaultPictureCorrected } from '../src/actions/test-support/seed-actions.ts';
import { bindPostLogin, createDeployedAction, PICTURE_FROM_METADATA } from './actions-support.ts';
import { codeFlowLogin, createApp, createUser } from './login-support.ts';
import { LogCapture } from './support/log-capture.ts';

const MARY = { email: 'mary@example.com', password: 'Analytical-Engine-1843' };

const DEFAULT_IMAGE = 'https://cdn.example.com/default-avatar.png';
const DEFAULT_PICTURE_CORRECTED = defaultPictureCorrected(DEFAULT_IMAGE);

describe.each(dialects)('post-login Actions in the real login flow on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let config: oidc.Configuration;
  let userId: string;
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true, actionsLogger: logs });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    const app = await createApp(server, { grant_types: ['authorization_code', 'refresh_token'] });
    userId = (await createUser(server, MARY.email, MARY.password, { name: 'Mary Somerville' })).user_id;
    config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret));
  });
  afterAll(async () => server?.close());

  const login = (scope?: string, extra?: Record<string, string>) => codeFlowLogin(server, config, MARY, scope, extra);
  const createDeployed = (name: string, code: string) => createDeployedAction(management, name, code);
  const bind = (...names: string[]) => bindPostLogin(management, ...names);

  it('"Change user pictures": user_metadata.picture set by PATCH becomes the ID token picture, with the profile scope only', async () => {
    const before = await login();
    const gravatar = before.claims!.picture;
    expect(gravatar).toMatch(/gravatar|avatars/);

    const id = await createDeployed('Change user pictures', PICTURE_FROM_METADATA);
    const tested = await management.actions.test(id, { payload: { user: { user_metadata: { picture: 'https://img.example.com/t.png' } } } });
    expect(tested.payload).toMatchObject({ result: 'success', claims: { id_token: { picture: 'https://img.example.com/t.png' } } });
    await bind('Change user pictures');
    await management.users.update(userId, { user_metadata: { picture: 'https://img.example.com/mary.png' } });

    const after = await login();
    expect(after.claims!.picture).toBe('https://img.example.com/mary.png');
    expect(after.claims!.name).toBe('Mary Somerville');
    // §6.2: scope filtering applies after the Action's claims — no profile scope, no picture.
    const noProfile = await login('openid email');
    expect(noProfile.claims).not.toHaveProperty('picture');
    expect(noProfile.claims!.email).toBe('mary@example.com');
    // /userinfo of that login carries the Action's picture too.
    const info = await oidc.fetchUserInfo(config, after.tokens!.access_token, userId);
    expect(info.picture).toBe('https://img.example.com/mary.png');
  });

  it('the default-picture action as printed ends the login with access_denied and its ReferenceError; corrected, it sets the default image', async () => {
    await createDeployed('Default picture', DEFAULT_PICTURE_AS_PRINTED);
    await bind('Change user pictures', 'Default picture');
    const denied = await login();
    expect(denied.error).toBe('access_denied');
    expect(denied.description).toBe('defaultProfileImage is not defined');
    expect(logs.find('post-login actions denied the login')).toMatchObject({ action: 'Default picture', reason: 'error', user_id: userId });

    const [action] = (await management.actions.list({ actionName: 'Default picture' })).data;
    await management.actions.update(action.id!, { code: DEFAULT_PICTURE_CORRECTED });
    await management.actions.deploy(action.id!);
    // Mary still has her own picture: the metadata action sets it and the default one stays out of the way.
    expect((await login()).claims!.picture).toBe('https://img.example.com/mary.png');
    await management.users.update(userId, { user_metadata: { picture: null } as never });
    expect((await login()).claims!.picture).toBe(DEFAULT_IMAGE);
  });

  it('api.user.setUserMetadata is written once, visible through the Management API and in event.user at the next login', async () => {
    await createDeployed('Count logins', `exports.onExecutePostLogin = async (event, api) => {
  const seen = event.user.user_metadata.seen ?? 0;
  api.idToken.setCustomClaim('https://portrait.example/seen', seen);
  api.user.setUserMetadata('seen', seen + 1);
  api.user.setAppMetadata('plan', 'gold');
};`);
    await bind('Count logins');
    const first = await login();
    expect(first.claims!['https://portrait.example/seen']).toBe(0);
    const user = await management.users.get(userId);
    expect(user.user_metadata).toMatchObject({ seen: 1 });
    expect(user.app_metadata).toMatchObject({ plan: 'gold' });
    const second = await login();
    expect(second.claims!['https://portrait.example/seen']).toBe(1);
    // A refresh runs post-login again (as Auth0 does): its claims are the new run's, and it writes metadata once too.
    const third = await login('openid profile offline_access');
    expect(third.claims!['https://portrait.example/seen']).toBe(2);
    const refreshed = await oidc.refreshTokenGrant(config, third.tokens!.refresh_token!);
    expect(refreshed.claims()!['https://portrait.example/seen']).toBe(3);
    expect((await management.users.get(userId)).user_metadata).toMatchObject({ seen: 4 });
  });

  it('keeps the metadata an action set before denying the login (Auth0 keeps side effects on deny)', async () => {
    await createDeployed('Deny after note', `exports.onExecutePostLogin = async (event, api) => {
  api.user.setUserMetadata('denied_at_login', true);
  api.access.deny('Not today');
};`);
    await bind('Deny after note');
    expect(await login()).toEqual({ error: 'access_denied', description: 'Not today' });
    expect((await management.users.get(userId)).user_metadata).toMatchObject({ denied_at_login: true });
    await bind();
    expect((await login()).claims!.sub).toBe(userId);
  });

  it('api.accessToken.addScope/removeScope and setCustomClaim shape the API access token', async () => {
    await createDeployed('API token', `exports.onExecutePostLogin = async (event, api) => {
  if (event.resource_server?.identifier) api.accessToken.setCustomClaim('https://portrait.example/aud', event.resource_server.identifier);
  api.accessToken.addScope('read:current_user');
  api.accessToken.removeScope('update:current_user_metadata');
};`);
    await bind('API token');
    const audience = `${server.issuer}api/v2/`;
    const { tokens } = await login('openid profile update:current_user_metadata', { audience });
    const claims = JSON.parse(Buffer.from(tokens!.access_token.split('.')[1], 'base64url').toString());
    expect(claims['https://portrait.example/aud']).toBe(audience);
    expect(claims.scope.split(' ').sort()).toEqual(['openid', 'profile', 'read:current_user']);
    await bind();
  });
});
