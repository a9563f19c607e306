// Auth0's resource-owner password grants: `http://auth0.com/oauth/grant-type/password-realm` (the connection is
// named by `realm`) and `password` (the tenant's default connection), for clients that enable them. The
// password check is the hosted page's (brute-force protection included); tokens come from the provider's own
// models, so they look exactly like those of the code flow.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { DEFAULT_DATABASE_CONNECTION, type ConnectionsStore } from '../connections/connections-store.ts';
import { firstLanguage } from './action-hooks.ts';
import { PASSWORD_REALM_GRANT } from './client-metadata.ts';
import { passwordLogin, type PasswordLoginDeps } from './password-login.ts';
import type { LoginStates, PostLoginHook } from './post-login.ts';
import { OIDC_SCOPES, type resourceIndicatorsFeature } from './resource-servers.ts';
import { TTL } from './provider-factory.ts';

export interface PasswordGrantDeps extends PasswordLoginDeps {
  connections: ConnectionsStore;
  loginStates: LoginStates;
  postLogin: () => PostLoginHook;
  /** The app's client_metadata for `event.client.metadata`. */
  clientMetadata: (clientId: string) => Promise<Record<string, string> | undefined>;
  resources: ReturnType<typeof resourceIndicatorsFeature>;
  findAccount: (ctx: KoaContextWithOIDC, sub: string, token?: { grantId?: string }) => Promise<{ accountId: string; claims(use: string, scope: string): Promise<Record<string, unknown>> } | undefined>;
}

function tokenError(status: number, error: string, description: string): Error {
  return Object.assign(new errors.CustomOIDCProviderError(error, description), { status, statusCode: status });
}

export function registerPasswordGrants(provider: Provider, deps: PasswordGrantDeps): void {
  async function handler(ctx: KoaContextWithOIDC) {
    const params = ctx.oidc.params as Record<string, string | undefined>;
    const { client } = ctx.oidc;
    if (!params.username || !params.password) throw tokenError(400, 'invalid_request', 'Missing required parameter: username and password');
    const realm = params.grant_type === PASSWORD_REALM_GRANT ? params.realm : DEFAULT_DATABASE_CONNECTION;
    if (!realm) throw tokenError(400, 'invalid_request', 'Missing required parameter: realm');
    const connection = await deps.connections.getByName(realm);
    if (!connection || connection.strategy !== 'auth0' || !connection.enabled_clients.includes(client.clientId)) {
      throw tokenError(400, 'invalid_request', 'Connection is not enabled for this client or does not exist');
    }
    const result = await passwordLogin(deps, { connection, identifier: params.username.slice(0, 320), password: params.password.slice(0, 1025), ip: ctx.ip });
    if (!result.ok) {
      if (result.reason === 'too_many_attempts') {
        throw tokenError(429, 'too_many_attempts', "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.");
      }
      if (result.reason === 'user_blocked') throw tokenError(401, 'unauthorized', 'user is blocked');
      throw tokenError(403, 'invalid_grant', 'Wrong email or password.');
    }
    const user = result.user;
    const requested = (params.scope ?? 'openid').split(' ').filter(Boolean);
    const resource = typeof params.resource === 'string' ? params.resource : undefined;
    // Before anything is written: an unknown audience is "Service not found", and RBAC may narrow the API scopes.
    const info = resource ? await deps.resources.userResourceServerInfo(ctx, resource, client.clientId, user.user_id) : undefined;
    const offline = client.grantTypeAllowed('refresh_token') && (await deps.resources.allowsOfflineAccess(resource));
    const oidcScopes = requested.filter((s) => OIDC_SCOPES.has(s) && (s !== 'offline_access' || offline));

    const grant = new provider.Grant({ accountId: user.user_id, clientId: client.clientId });
    grant.addOIDCScope(oidcScopes.join(' '));
    let resourceServer: any;
    // The API's own scopes: the OIDC ones the resource server also lists are already in oidcScopes.
    let apiScopes: string[] = [];
    if (resource && info) {
      resourceServer = new provider.ResourceServer(resource, info);
      apiScopes = [...new Set(requested.filter((s) => resourceServer.scopes.has(s) && !OIDC_SCOPES.has(s)))];
      grant.addResourceScope(resource, apiScopes.join(' '));
    }
    await grant.save();
    ctx.oidc.entity('Grant', grant);

    const eventConnection = { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: connection.metadata };
    const outcome = await deps.postLogin()({
      user,
      client: { client_id: client.clientId, name: client.clientName ?? client.clientId, metadata: (await deps.clientMetadata(client.clientId)) ?? {} },
      connection: eventConnection,
      request: { ip: ctx.ip, method: ctx.method, hostname: ctx.hostname, user_agent: ctx.get('user-agent') || undefined, language: firstLanguage(ctx.get('accept-language')), query: {} },
      transaction: { id: grant.jti, protocol: 'oauth2-password', requested_scopes: requested, response_type: [], ui_locales: [], locale: firstLanguage(ctx.get('accept-language')) ?? 'en' },
      authentication: { methods: [{ name: 'pwd', timestamp: new Date().toISOString() }] },
      ...(resource ? { resource_server: { identifier: resource } } : {}),
      stats: { logins_count: Number(user.logins_count ?? 0) },
    });
    if (outcome.denied) {
      await grant.destroy();
      throw tokenError(403, 'access_denied', outcome.reason);
    }
    await deps.loginStates.save(grant.jti, { claims: outcome.claims, connection: eventConnection }, TTL.Grant);

    const scope = [...new Set([...oidcScopes, ...apiScopes])].join(' ');
    const at = new provider.AccessToken({ accountId: user.user_id, client, grantId: grant.jti, gty: 'password', scope: scope || undefined });
    if (resourceServer) at.resourceServer = resourceServer;
    else at.claims = {};
    ctx.oidc.entity('AccessToken', at);
    const accessToken = await at.save();

    let refreshToken: string | undefined;
    if (oidcScopes.includes('offline_access')) {
      const rt = new provider.RefreshToken({
        accountId: user.user_id, client, grantId: grant.jti, gty: 'password', scope, resource, rotations: 0,
      });
      refreshToken = await rt.save();
    }

    let idToken: string | undefined;
    if (oidcScopes.includes('openid')) {
      const account = await deps.findAccount(ctx, user.user_id, { grantId: grant.jti });
      if (!account) throw tokenError(403, 'invalid_grant', 'Wrong email or password.');
      const oidcScope = oidcScopes.join(' ');
      const token = new provider.IdToken(await account.claims('id_token', oidcScope), { ctx });
      token.scope = oidcScope;
      idToken = await token.issue({ use: 'idtoken' });
    }

    ctx.set('cache-control', 'no-store');
    ctx.body = {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
      scope,
      expires_in: at.expiration,
      token_type: 'Bearer',
    };
  }

  const params = ['username', 'password', 'realm', 'scope', 'resource'];
  provider.registerGrantType(PASSWORD_REALM_GRANT, handler, params, ['resource']);
  provider.registerGrantType('password', handler, params, ['resource']);
}
