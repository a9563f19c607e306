// Helpers for the sign-in black-box tests: apps and users made through the domains' stores, and a tiny browser
// (cookie jar + manual redirects) that walks the hosted login page as a browser without JavaScript would.
import * as oidc from 'openid-client';
import type { NewClient } from '../src/clients/clients-store.ts';
import type { TestServer } from './support/test-server.ts';

/** The redirect URI createApp registers: nothing listens there, the tests read the URL the browser is sent to. */
export const CALLBACK = 'http://127.0.0.1:9/callback';

export async function createApp(server: TestServer, input: Partial<NewClient> & { name?: string } = {}) {
  const { client, secret } = await server.services.clients.create({
    name: input.name ?? 'Test App',
    app_type: 'regular_web',
    callbacks: [CALLBACK],
    allowed_logout_urls: ['http://127.0.0.1:9/logged-out'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
    ...input,
  });
  await server.services.connections.enableClientEverywhere(client.client_id);
  return { clientId: client.client_id, clientSecret: secret ?? undefined, client };
}

export async function createUser(server: TestServer, email: string, password: string, extra: Record<string, unknown> = {}) {
  return server.services.users.create({ connection: 'Username-Password-Authentication', email, password, ...extra });
}

/** A cookie jar keyed by name (the tests talk to one host, so paths and domains do not need modelling). */
export class Browser {
  readonly cookies = new Map<string, string>();

  private store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    headers.set('accept', headers.get('accept') ?? 'text/html');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(res);
    return res;
  }

  /** Follows redirects until one leaves `origin` (the app's callback) or a page answers; returns that. */
  async follow(url: string, origin: string, init: RequestInit = {}): Promise<{ res: Response; url: string }> {
    let current = url;
    let res = await this.fetch(current, init);
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      current = new URL(res.headers.get('location')!, current).href;
      if (!current.startsWith(origin)) return { res, url: current };
      res = await this.fetch(current);
    }
    return { res, url: current };
  }
}

export function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]] = m[2].replace(/&amp;/g, '&');
  return out;
}

/** GET /authorize → login page → POST the form → the URL the browser is finally sent to (the app's callback). */
export async function loginThroughPage(browser: Browser, server: TestServer, authorizationUrl: string, email: string, password: string) {
  const page = await browser.follow(authorizationUrl, server.url);
  if (page.res.status !== 200) throw new Error(`login page answered ${page.res.status}: ${await page.res.text()}`);
  const html = await page.res.text();
  const form = new URLSearchParams({ ...hiddenInputs(html), username: email, password });
  const submitted = await browser.follow(`${server.url}u/login`, server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { loginPage: html, ...submitted };
}

/**
 * One code-flow login as the app does it (openid-client, PKCE, state) through the hosted page: the tokens and the
 * ID token's claims, or the OAuth error the app's callback received (error and error_description).
 */
export async function codeFlowLogin(
  server: TestServer,
  config: oidc.Configuration,
  user: { email: string; password: string },
  scope = 'openid profile email',
  extra: Record<string, string> = {},
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, scope, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  const done = await loginThroughPage(new Browser(), server, url.href, user.email, user.password);
  if (!done.url.startsWith(CALLBACK)) throw new Error(`the login ended at ${done.url} (${done.res.status}), not at the app's callback`);
  const callback = new URL(done.url);
  if (callback.searchParams.has('error')) {
    if (callback.searchParams.get('state') !== state) throw new Error('the error came back without the request\'s state');
    return { error: callback.searchParams.get('error'), description: callback.searchParams.get('error_description') };
  }
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
  return { tokens, claims: tokens.claims()! };
}
