// The upstream half of a federated login, whatever the protocol: where to send the browser (with state, nonce
// and a PKCE S256 challenge), and, when it comes back, the checked profile of the user and the upstream's
// tokens. Every outbound call has the configured timeout; every failure is an UpstreamError saying whose fault
// it was, so the login can tell the app (access_denied, temporarily_unavailable) without leaking details.
import type { GuardedFetch } from '../platform/outbound/guarded-fetch.ts';
import { isOutboundRefusal } from '../platform/outbound/guarded-request.ts';
import type { Connection } from './connections-store.ts';
import type { UpstreamProfile } from './profile-mapping.ts';
import { strategyDefinition, type StrategyDefinition } from './strategies.ts';
import { OAuth2Upstream } from './upstream-oauth2.ts';
import { OidcUpstream } from './upstream-oidc.ts';

/** What Portrait remembers between the redirect to the upstream and the callback. */
export interface UpstreamChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The callback as it arrived: its URL (query) and, for form_post, its form fields. */
export interface UpstreamCallback {
  url: URL;
  form?: Record<string, string>;
}

export interface UpstreamResult {
  profile: UpstreamProfile;
  /** Kept in identities[] for holders of read:user_idp_tokens. */
  tokens: { access_token?: string; refresh_token?: string };
}

export type UpstreamFailure =
  /** The user (or the upstream's policy) refused: the callback carried `error`. */
  | 'denied'
  /** The upstream answered something we must not trust: bad state, bad ID token, bad token response. */
  | 'invalid_response'
  /** The upstream did not answer in time, or not at all. */
  | 'unreachable'
  /** The connection's options cannot work (no such strategy). */
  | 'misconfigured';

export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamProtocolClient {
  authorizationUrl(connection: Connection, definition: StrategyDefinition, checks: UpstreamChecks): Promise<URL>;
  finish(connection: Connection, definition: StrategyDefinition, callback: UpstreamCallback, checks: UpstreamChecks): Promise<UpstreamResult>;
}

export interface UpstreamOptions {
  /** Portrait's callback, `<issuer>login/callback` (Auth0's path), registered at every upstream. */
  callbackUrl: string;
  /** Each outbound request's limit. */
  timeoutMs: number;
  /** Every request to an upstream goes through the server's outbound guard (platform/outbound). */
  fetch: GuardedFetch;
}

/** Whether a thrown error is a time-out or a network failure rather than a bad answer. */
export function isNetworkFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: string }).name;
    const code = (e as { code?: string }).code;
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'OAUTH_TIMEOUT') return true;
    if (typeof code === 'string' && /^(ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|UND_ERR|ERR_TLS|DEPTH_ZERO|UNABLE_TO_VERIFY|CERT_)/.test(code)) return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
  }
  return false;
}

export class Upstreams {
  private readonly clients: Record<'oidc' | 'oauth2', UpstreamProtocolClient>;

  constructor(readonly options: UpstreamOptions) {
    this.clients = { oidc: new OidcUpstream(options), oauth2: new OAuth2Upstream(options) };
  }

  private definition(connection: Connection): StrategyDefinition {
    const definition = strategyDefinition(connection.strategy);
    if (!definition) throw new UpstreamError('misconfigured', `strategy ${connection.strategy} has no upstream`);
    return definition;
  }

  async authorizationUrl(connection: Connection, checks: UpstreamChecks): Promise<URL> {
    const definition = this.definition(connection);
    return this.guard(() => this.clients[definition.protocol].authorizationUrl(connection, definition, checks));
  }

  async finish(connection: Connection, callback: UpstreamCallback, checks: UpstreamChecks): Promise<UpstreamResult> {
    const definition = this.definition(connection);
    const error = callback.form?.error ?? callback.url.searchParams.get('error');
    if (error) {
      const description = callback.form?.error_description ?? callback.url.searchParams.get('error_description');
      throw new UpstreamError('denied', `${error}${description ? `: ${description}` : ''}`.slice(0, 300));
    }
    return this.guard(() => this.clients[definition.protocol].finish(connection, definition, callback, checks));
  }

  /** Any other failure of a protocol client becomes an UpstreamError of the right kind. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      // The connection names an address the server may not reach (PORTRAIT_ALLOW_PRIVATE_OUTBOUND is off).
      if (isOutboundRefusal(error)) throw new UpstreamError('misconfigured', (error as Error).message, { cause: error });
      if (isNetworkFailure(error)) throw new UpstreamError('unreachable', 'the identity provider did not answer in time', { cause: error });
      throw new UpstreamError('invalid_response', (error as Error)?.message ?? 'invalid upstream response', { cause: error });
    }
  }
}
