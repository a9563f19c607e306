// End to end: a resource API protected by Auth0's own middleware (express-oauth2-jwt-bearer) called with tokens
// Portrait issued — a user's, obtained through the hosted login page by openid-client, allowed while the user
// holds the role and refused after the role is removed and the token refreshed; a machine's from a client grant.
// Also: both token dialects, lifetimes from the API, unknown audiences refused as Auth0 refuses them,
// `event.authorization.roles` in post-login, and the password-realm grant's scope.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import { createServer } from 'node:https';
import { ManagementClient } from 'auth0';
import express from 'express';
import { auth, claimIncludes, requiredScopes } from 'express-oauth2-jwt-bearer';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { createDeployedAction, bindPostLogin } from './actions-support.ts';
import { CALLBACK, codeFlowLogin, createApp, createUser } from './login-support.ts';
import { dialects } from './support/databases.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';
import { inject } from 'vitest';

const API = 'https://reports.example.com/';
const USER = { email: 'rita@example.com', password: 'Correct-Horse-9' };

/** The tenant's own API, as its developers would write it with Auth0's middleware, on https. */
async function startReportsApi(issuer: string): Promise<{ url: string; server: Server }> {
  const app = express();
  const checkJwt = auth({ issuerBaseURL: issuer, audience: API, tokenSigningAlg: 'RS256' });
  const strict = auth({ issuerBaseURL: issuer, audience: API, tokenSigningAlg: 'RS256', strict: true });
  app.get('/reports', checkJwt, requiredScopes('read:reports'), claimIncludes('permissions', 'read:reports'), (_req, res) => res.json({ reports: ['q3'] }));
  app.post('/reports', checkJwt, requiredScopes('write:reports'), (_req, res) => res.json({ written: true }));
  app.get('/strict', strict, requiredScopes('read:reports'), (_req, res) => res.json({ strict: true }));
  const cert = inject('tlsCert' as never) as { cert: string; key: string };
  const { readFileSync } = await import('node:fs');
  const server = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.each(dialects)('tokens for the tenant\'s own API on %s', (dialect) => {
  let server: TestServer;
  let management: ManagementClient;
  let reports: { url: string; server: Server };
  let config: oidc.Configuration;
  let apiId: string;
  let roleId: string;
  let userId: string;
  let app: Awaited<ReturnType<typeof createApp>>;

  beforeAll(async () => {
    server = await startTestServer({ dialect, tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    const api = await management.resourceServers.create({
      identifier: API, name: 'Reports', scopes: [{ value: 'read:reports' }, { value: 'write:reports' }],
      enforce_policies: true, token_dialect: 'access_token_authz', allow_offline_access: true, token_lifetime: 3600,
    });
    apiId = api.id!;
    const role = await management.roles.create({ name: 'Reporter' });
    roleId = role.id!;
    await management.roles.permissions.add(roleId, { permissions: [{ resource_server_identifier: API, permission_name: 'read:reports' }] });
    userId = (await createUser(server, USER.email, USER.password)).user_id;
    await management.users.roles.assign(userId, { roles: [roleId] });
    app = await createApp(server, { grant_types: ['authorization_code', 'refresh_token', PASSWORD_REALM_GRANT] });
    config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret));
    reports = await startReportsApi(server.issuer);
  });
  afterAll(async () => {
    reports?.server.close();
    await server?.close();
  });

  const call = (token: string, path = '/reports', method = 'GET') => fetch(`${reports.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const signIn = async () => {
    const result = await codeFlowLogin(server, config, USER, 'openid profile offline_access read:reports write:reports', { audience: API });
    if (!('tokens' in result)) throw new Error(`login failed: ${result.error} ${result.description}`);
    return result.tokens!;
  };

  it('gives the user only the scopes the role holds, with permissions, accepted by the API until the role is removed and the token refreshed', async () => {
    const tokens = await signIn();
    const claims = decodeJwt(tokens.access_token);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'JWT', alg: 'RS256' });
    expect(claims).toMatchObject({ sub: userId, scope: 'openid profile offline_access read:reports', permissions: ['read:reports'], azp: config.clientMetadata().client_id });
    expect(claims.aud).toEqual([API, `${server.issuer}userinfo`]);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims).not.toHaveProperty('client_id');

    expect((await call(tokens.access_token)).status).toBe(200);
    expect((await call(tokens.access_token, '/reports', 'POST')).status).toBe(403);

    await management.users.roles.delete(userId, { roles: [roleId] });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const after = decodeJwt(refreshed.access_token);
    expect(after.scope).toBe('openid profile offline_access');
    expect(after.permissions).toEqual([]);
    expect((await call(refreshed.access_token)).status).toBe(403);

    // Given back, the next refresh carries it again (the refresh token kept what was asked for).
    await management.users.roles.assign(userId, { roles: [roleId] });
    const again = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
    expect(decodeJwt(again.access_token)).toMatchObject({ scope: 'openid profile offline_access read:reports', permissions: ['read:reports'] });
    expect((await call(again.access_token)).status).toBe(200);
  });

  it('gives a machine its client grant\'s scopes, which the API accepts', async () => {
    const machine = await management.clients.create({ name: 'Report robot', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await management.clientGrants.create({ client_id: machine.client_id!, audience: API, scope: ['read:reports'] });
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: machine.client_id, client_secret: machine.client_secret, audience: API }),
    });
    const body = await res.json();
    expect(body).toMatchObject({ scope: 'read:reports', expires_in: 3600, token_type: 'Bearer' });
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: `${machine.client_id}@clients`, gty: 'client-credentials', aud: API, permissions: ['read:reports'] });
    expect((await call(body.access_token)).status).toBe(200);
    expect((await call(body.access_token, '/reports', 'POST')).status).toBe(403);
  });

  it('issues RFC 9068 tokens (typ at+jwt, client_id) for an API in that dialect, which even the strict middleware accepts', async () => {
    await management.resourceServers.update(apiId, { token_dialect: 'rfc9068_profile_authz' });
    try {
      const tokens = await signIn();
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
      const claims = decodeJwt(tokens.access_token);
      expect(claims).toMatchObject({ client_id: config.clientMetadata().client_id, sub: userId, permissions: ['read:reports'] });
      expect(typeof claims.jti).toBe('string');
      expect(claims).not.toHaveProperty('azp');
      expect((await call(tokens.access_token, '/strict')).status).toBe(200);

      // Without the _authz suffix the token carries no permissions claim (the API above then refuses it).
      await management.resourceServers.update(apiId, { token_dialect: 'rfc9068_profile' });
      const plain = decodeJwt((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).access_token);
      expect(plain).not.toHaveProperty('permissions');
      expect(plain.scope).toContain('read:reports');
    } finally {
      await management.resourceServers.update(apiId, { token_dialect: 'access_token_authz' });
    }
  });

  it('refuses an unknown audience at /authorize and /oauth/token as Auth0 does ("Service not found")', async () => {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', audience: 'https://unknown.example.com/', state: 'xyz' });
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.href.startsWith(CALLBACK)).toBe(true);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('Service not found: https://unknown.example.com/');

    const token = await fetch(`${server.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: server.admin.clientId, client_secret: server.admin.clientSecret, audience: 'https://unknown.example.com/' }),
    });
    expect(token.status).toBe(403);
    expect(await token.json()).toEqual({ error: 'access_denied', error_description: 'Service not found: https://unknown.example.com/' });
  });

  it('names each scope once in the password-realm grant\'s answer and token, filtered by the user\'s permissions', async () => {
    const { clientId: client_id, clientSecret: client_secret } = app;
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: PASSWORD_REALM_GRANT, realm: 'Username-Password-Authentication', username: USER.email, password: USER.password,
        client_id, client_secret, audience: API, scope: 'openid read:reports write:reports',
      }),
    });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.scope).toBe('openid read:reports');
    expect(decodeJwt(body.access_token)).toMatchObject({ scope: 'openid read:reports', permissions: ['read:reports'] });
  });

  it('shows the user\'s roles to post-login Actions as event.authorization.roles', async () => {
    await createDeployedAction(management, 'Roles claim', `exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim('https://portrait.example/roles', event.authorization.roles);
};`);
    await bindPostLogin(management, 'Roles claim');
    try {
      const tokens = await signIn();
      expect(decodeJwt(tokens.access_token)['https://portrait.example/roles']).toEqual(['Reporter']);
    } finally {
      await bindPostLogin(management);
    }
  });

  it('issues refresh tokens only for APIs that allow offline access, and the browser lifetime to single-page apps', async () => {
    await management.resourceServers.create({
      identifier: 'https://widgets.example.com/', scopes: [{ value: 'read:widgets' }], token_lifetime: 3600, token_lifetime_for_web: 300,
    } as Parameters<typeof management.resourceServers.create>[0]);
    const web = await codeFlowLogin(server, config, USER, 'openid offline_access read:widgets', { audience: 'https://widgets.example.com/' });
    const webTokens = (web as { tokens: oidc.TokenEndpointResponse }).tokens;
    expect(webTokens.refresh_token).toBeUndefined();
    const webClaims = decodeJwt(webTokens.access_token);
    expect(webClaims.exp! - webClaims.iat!).toBe(3600);
    expect(webClaims.scope).toBe('openid read:widgets');

    const spa = await createApp(server, { name: 'Widgets SPA', app_type: 'spa', token_endpoint_auth_method: 'none' });
    const spaConfig = await oidc.discovery(new URL(server.issuer), spa.clientId, undefined, oidc.None());
    const browser = await codeFlowLogin(server, spaConfig, USER, 'openid read:widgets', { audience: 'https://widgets.example.com/' });
    const spaClaims = decodeJwt((browser as { tokens: oidc.TokenEndpointResponse }).tokens.access_token);
    expect(spaClaims.exp! - spaClaims.iat!).toBe(300);
  });
});
