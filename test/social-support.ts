// Helpers for the social-login tests: connections made through the Management API (as a tenant would), and a
// federated login walked by the tests' cookie-jar browser from the app, through Portrait and the upstream, back
// to the app's callback; the code exchanged by openid-client as the app would.
import * as oidc from 'openid-client';
import { Browser, createApp, hiddenInputs } from './login-support.ts';
import { api } from './support/users.ts';
import type { TestServer } from './support/test-server.ts';
import { UPSTREAM_CLIENT, type UpstreamIdp } from './support/upstream-idp.ts';

export const APP_CALLBACK = 'http://127.0.0.1:9/callback';

export async function createConnection(server: TestServer, body: Record<string, unknown>) {
  const token = await server.managementToken();
  const answer = await api(server, token, 'POST', '/connections', JSON.stringify({ enabled_clients: [], ...body }));
  if (answer.status !== 201) throw new Error(`connection not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; name: string; options: Record<string, unknown> };
}

/** The options of an `oidc` connection to the test upstream. */
export const oidcOptions = (idp: UpstreamIdp, extra: Record<string, unknown> = {}) => ({
  discovery_url: idp.discoveryUrl, issuer: idp.issuer, client_id: UPSTREAM_CLIENT.id, client_secret: UPSTREAM_CLIENT.secret,
  scope: 'openid profile email', type: 'back_channel', ...extra,
});

export interface RelyingParty {
  app: Awaited<ReturnType<typeof createApp>>;
  config: oidc.Configuration;
}

export async function relyingParty(server: TestServer): Promise<RelyingParty> {
  const app = await createApp(server, { name: 'Social App' });
  const config = await oidc.discovery(new URL(server.issuer), app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret));
  return { app, config };
}

export interface FederatedLoginResult {
  /** Where the browser finally went (the app's callback, with a code or an OAuth error). */
  url: URL;
  tokens?: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  /** The last response when the walk ended on a page instead. */
  res: Response;
}

/**
 * App → /authorize (with `connection`, or through the login page's button) → upstream → /login/callback →
 * app. The code is exchanged when the app got one.
 */
export async function federatedLogin(server: TestServer, rp: RelyingParty, connection: string, how: 'authorize' | 'button' = 'authorize'): Promise<FederatedLoginResult> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: APP_CALLBACK, scope: 'openid profile email', state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    ...(how === 'authorize' ? { connection } : {}),
  });
  const browser = new Browser();
  // Portrait and the upstream are both https://127.0.0.1:<port>; the app's callback is http://.
  const origin = 'https://127.0.0.1:';
  let walk = await browser.follow(url.href, origin);
  if (how === 'button') {
    const page = await walk.res.text();
    const form = page.match(new RegExp(`<form method="post" action="/u/login/social">(.*?)</form>`, 'g'))?.find((f) => f.includes(`value="${connection}"`));
    if (!form) throw new Error(`no button for ${connection} on the login page`);
    walk = await browser.follow(`${server.url}u/login/social`, origin, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(hiddenInputs(form)),
    });
  }
  const final = new URL(walk.url);
  if (!walk.url.startsWith(APP_CALLBACK) || !final.searchParams.get('code')) return { url: final, res: walk.res };
  const tokens = await oidc.authorizationCodeGrant(rp.config, final, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { url: final, tokens, res: walk.res };
}

export async function countUsers(server: TestServer): Promise<number> {
  return (await server.services.users.search({ page: 0, perPage: 100, includeTotals: true })).total ?? 0;
}
