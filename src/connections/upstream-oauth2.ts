// Plain OAuth 2.0 upstreams (`oauth2`, `github`, `facebook`, `windowslive`): the code flow with state and PKCE
// S256, the token request with client_secret_post, then the profile URL with the access token, read through
// the connection's profile_map. No redirects are followed, answers must be JSON of bounded size, and the state
// is compared in constant time.
import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { GuardedFetchInit } from '../platform/outbound/guarded-fetch.ts';
import type { Connection } from './connections-store.ts';
import { profileFromMap, type ProfileMap } from './profile-mapping.ts';
import { scopeOf, type StrategyDefinition } from './strategies.ts';
import { UpstreamError, type UpstreamCallback, type UpstreamChecks, type UpstreamOptions, type UpstreamProtocolClient, type UpstreamResult } from './upstream.ts';

const MAX_ANSWER_BYTES = 256 * 1024;

interface Endpoints {
  authorizationURL: string;
  tokenURL: string;
  profileUrl: string;
  profileMap: ProfileMap;
  scope: string;
}

function endpoints(connection: Connection, definition: StrategyDefinition): Endpoints {
  const o = connection.options;
  const p = definition.preset;
  return {
    authorizationURL: p?.authorizationURL ?? String(o.authorizationURL),
    tokenURL: p?.tokenURL ?? String(o.tokenURL),
    profileUrl: p?.profile_url ?? String(o.profile_url),
    profileMap: p?.profile_map ?? (o.profile_map as ProfileMap),
    scope: scopeOf(o, p?.scope ?? ''),
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class OAuth2Upstream implements UpstreamProtocolClient {
  constructor(private readonly options: UpstreamOptions) {}

  async authorizationUrl(connection: Connection, definition: StrategyDefinition, checks: UpstreamChecks): Promise<URL> {
    const e = endpoints(connection, definition);
    const url = new URL(e.authorizationURL);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: String(connection.options.client_id),
      redirect_uri: this.options.callbackUrl,
      state: checks.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...(e.scope ? { scope: e.scope } : {}),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  /** One outbound JSON call: bounded time, no redirects, bounded size, JSON object or an UpstreamError. */
  private async json(url: string, init: GuardedFetchInit, what: string): Promise<Record<string, unknown>> {
    const res = await this.options.fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    const body = await res.text();
    if (body.length > MAX_ANSWER_BYTES) throw new UpstreamError('invalid_response', `the ${what} answer is too large`);
    if (res.status !== 200) throw new UpstreamError('invalid_response', `the ${what} answered HTTP ${res.status}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new UpstreamError('invalid_response', `the ${what} did not answer JSON`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UpstreamError('invalid_response', `the ${what} did not answer a JSON object`);
    return parsed as Record<string, unknown>;
  }

  async finish(connection: Connection, definition: StrategyDefinition, callback: UpstreamCallback, checks: UpstreamChecks): Promise<UpstreamResult> {
    const e = endpoints(connection, definition);
    const read = (name: string) => callback.form?.[name] ?? callback.url.searchParams.get(name) ?? '';
    if (!sameText(read('state'), checks.state)) throw new UpstreamError('invalid_response', 'the state does not match');
    const code = read('code');
    if (!code || code.length > 4096) throw new UpstreamError('invalid_response', 'the callback carries no authorization code');

    const token = await this.json(e.tokenURL, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.options.callbackUrl,
        client_id: String(connection.options.client_id),
        client_secret: String(connection.options.client_secret ?? ''),
        code_verifier: checks.codeVerifier,
      }),
    }, 'token endpoint');
    // GitHub answers HTTP 200 with {error} for a bad code.
    if (typeof token.error === 'string') throw new UpstreamError('invalid_response', `the token endpoint refused the code: ${token.error}`.slice(0, 300));
    const accessToken = token.access_token;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 8192) {
      throw new UpstreamError('invalid_response', 'the token endpoint answered no access token');
    }
    if (token.token_type !== undefined && String(token.token_type).toLowerCase() !== 'bearer') {
      throw new UpstreamError('invalid_response', `unsupported token type ${String(token.token_type).slice(0, 40)}`);
    }
    const headers = { accept: 'application/json', authorization: `Bearer ${accessToken}`, 'user-agent': 'Portrait' };
    const raw = await this.json(e.profileUrl, { headers }, 'profile URL');
    if (connection.strategy === 'github' && raw.email == null) raw.email = await this.githubPrimaryEmail(headers);
    const profile = profileFromMap(raw, e.profileMap);
    const refresh = typeof token.refresh_token === 'string' ? { refresh_token: token.refresh_token } : {};
    return { profile, tokens: { access_token: accessToken, ...refresh } };
  }

  /** GitHub leaves `email` null when the address is private; /user/emails (scope user:email) has the primary one. */
  private async githubPrimaryEmail(headers: Record<string, string>): Promise<string | null> {
    try {
      const res = await this.options.fetch('https://api.github.com/user/emails', { headers, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (res.status !== 200) return null;
      const list = (await res.json()) as Array<{ email?: unknown; primary?: unknown; verified?: unknown }>;
      const primary = Array.isArray(list) ? list.find((e) => e.primary === true && e.verified === true) : undefined;
      return typeof primary?.email === 'string' ? primary.email : null;
    } catch {
      return null;
    }
  }
}
