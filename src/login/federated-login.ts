// The federated round trip inside a login transaction: send the browser to the upstream (state, nonce and the
// PKCE verifier kept server-side, keyed by the upstream state, for ten minutes and one use), and when it comes
// back to <issuer>login/callback, turn the upstream's answer into a Portrait user (created or refreshed as the
// connection's set_user_root_attributes says) and end the login exactly as a password login does: the login
// recorded, post-login Actions, a grant, the provider's resume URL.
//
// The browser is bound to the round trip by oidc-provider itself: the callback resumes the interaction named
// in the stored state, and only the browser holding that interaction's resume cookie can finish it.
import type { FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import type Provider from 'oidc-provider';
import type { Connection, ConnectionsStore } from '../connections/connections-store.ts';
import { federatedIds, rootAttributesMode, strategyDefinition } from '../connections/strategies.ts';
import { UpstreamError, type UpstreamCallback, type UpstreamChecks, type Upstreams } from '../connections/upstream.ts';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { FederatedLogin } from '../users/index.ts';
import { completeLogin, finishWithError, loadTransaction, type LoginTransaction } from './login-transaction.ts';
import type { OidcPayloads } from './oidc-payloads.ts';
import { withoutIdpTokens, type LoginStates, type PostLoginHook } from './post-login.ts';
import type { LoginUsersPort } from './users-port.ts';

/** What sign-in needs from the users domain for federated users (UserIdentities satisfies it). */
export interface FederatedUsersPort {
  signIn(login: FederatedLogin): Promise<{ userId: string; created: boolean } | null>;
}

export interface FederatedLoginDeps {
  clients: ClientsStore;
  connections: ConnectionsStore;
  users: LoginUsersPort;
  identities: FederatedUsersPort;
  upstreams: Upstreams;
  payloads: OidcPayloads;
  loginStates: LoginStates;
  postLogin: () => PostLoginHook;
}

interface PendingUpstream extends UpstreamChecks {
  uid: string;
  connectionId: string;
}

const PENDING_TTL_SECONDS = 600;

/** What the route does next: send the browser somewhere, or show the user a page. */
export type FederatedOutcome = { redirect: string } | { page: { status: number; message: string } };

/** The OAuth error the app receives, by kind of upstream failure (descriptions never carry upstream details). */
const APP_ERRORS: Record<UpstreamError['failure'], [string, string]> = {
  denied: ['access_denied', 'The user did not authorize the login at the identity provider.'],
  invalid_response: ['access_denied', 'The identity provider answered with an invalid or unverifiable response.'],
  unreachable: ['temporarily_unavailable', 'The identity provider did not answer in time.'],
  misconfigured: ['server_error', 'The connection is not configured correctly.'],
};

const EXPIRED = { page: { status: 400, message: 'Your login session has expired or is not valid. Go back to the application and sign in again.' } };

export class FederatedSignIn {
  private readonly pending;

  constructor(private readonly deps: FederatedLoginDeps) {
    this.pending = deps.payloads.adapterFor('PortraitUpstreamLogin');
  }

  /** The social or enterprise connection this transaction may use under that name, if any. */
  connectionFor(tx: LoginTransaction, name: unknown): Connection | undefined {
    return typeof name === 'string' ? tx.socialConnections.find((c) => c.name === name && strategyDefinition(c.strategy)) : undefined;
  }

  /** Starts the round trip: where to send the browser (the upstream, or back to the app when it cannot start). */
  async start(tx: LoginTransaction, connection: Connection, request: FastifyRequest): Promise<FederatedOutcome> {
    const checks: UpstreamChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    let url: URL;
    try {
      url = await this.deps.upstreams.authorizationUrl(connection, checks);
    } catch (error) {
      return { redirect: await this.failed(tx, connection, error, request) };
    }
    const pending: PendingUpstream = { ...checks, uid: tx.uid, connectionId: connection.id };
    await this.pending.upsert(checks.state, { ...pending }, PENDING_TTL_SECONDS);
    return { redirect: url.href };
  }

  /** The upstream sent the browser back. */
  async callback(provider: Provider, callback: UpstreamCallback, request: FastifyRequest): Promise<FederatedOutcome> {
    const state = callback.form?.state ?? callback.url.searchParams.get('state');
    if (!state || state.length > 128) return EXPIRED;
    const stored = (await this.pending.find(state)) as unknown as PendingUpstream | undefined;
    if (!stored) return EXPIRED;
    // One use: a replayed callback finds nothing.
    await this.pending.destroy(state);
    let tx: LoginTransaction;
    try {
      tx = await loadTransaction(provider, this.deps, stored.uid);
    } catch {
      return EXPIRED;
    }
    const connection = tx.socialConnections.find((c) => c.id === stored.connectionId);
    if (!connection) return { redirect: await finishWithError(tx, 'access_denied', 'The connection is no longer enabled for this application.') };
    try {
      const result = await this.deps.upstreams.finish(connection, callback, stored);
      return { redirect: await this.signIn(provider, tx, connection, result, request) };
    } catch (error) {
      return { redirect: await this.failed(tx, connection, error, request) };
    }
  }

  private async signIn(provider: Provider, tx: LoginTransaction, connection: Connection, result: Awaited<ReturnType<Upstreams['finish']>>, request: FastifyRequest): Promise<string> {
    const definition = strategyDefinition(connection.strategy)!;
    const { identityUserId } = federatedIds(definition, connection.name, result.profile.upstreamId);
    const { upstreamId: _id, extra, ...profile } = result.profile;
    void _id;
    const mode = rootAttributesMode(connection.options);
    const signedIn = await this.deps.identities.signIn({
      connection: connection.name, provider: definition.strategy, isSocial: definition.isSocial, identityUserId, profile, extra, tokens: result.tokens, mode,
    });
    if (!signedIn) {
      return finishWithError(tx, 'access_denied', 'The user does not exist. This connection does not create users at login (set_user_root_attributes is never_on_login).');
    }
    const user = await this.deps.users.get(signedIn.userId);
    if (!user) return finishWithError(tx, 'access_denied', 'The user does not exist.');
    if (user.blocked) return finishWithError(tx, 'access_denied', 'user is blocked');
    await this.deps.users.recordLogin(user.user_id, { ip: request.ip });
    const recorded = (await this.deps.users.get(user.user_id)) ?? user;
    return completeLogin(provider, { postLogin: this.deps.postLogin(), loginStates: this.deps.loginStates }, tx, withoutIdpTokens(recorded), connection, request, ['federated']);
  }

  private async failed(tx: LoginTransaction, connection: Connection, error: unknown, request: FastifyRequest): Promise<string> {
    if (!(error instanceof UpstreamError)) throw error;
    // The reason stays in the log (no tokens or codes are in these messages); the app gets a fixed description.
    request.log.warn({ connection: connection.name, failure: error.failure, reason: error.message }, 'federated login failed');
    const [code, description] = APP_ERRORS[error.failure];
    return finishWithError(tx, code, description);
  }
}
