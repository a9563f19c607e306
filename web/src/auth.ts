// Sign-in for the console: authorization code + PKCE against Portrait's own OpenID provider (oauth4webapi), the
// access token for the Management API kept in memory only and refreshed with the rotating refresh token. A reload
// loses the tokens on purpose; the provider's session then signs the administrator in again without a form.
import * as oauth from 'oauth4webapi';

export interface ConsoleConfig {
  issuer: string;
  clientId: string;
  audience: string;
  scope: string;
}

interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  scopes: Set<string>;
  user: { sub: string; name?: string; email?: string; picture?: string };
}

const TRANSACTION_KEY = 'portrait.console.transaction';
const CALLBACK_PATH = '/dashboard/callback';

let config: ConsoleConfig;
let server: oauth.AuthorizationServer;
let client: oauth.Client;
let tokens: Tokens | null = null;
let refreshing: Promise<string> | null = null;

const insecure = () => ({ [oauth.allowInsecureRequests]: config.issuer.startsWith('http:') });
const redirectUri = () => new URL(CALLBACK_PATH, window.location.origin).href;

export async function initAuth(): Promise<ConsoleConfig> {
  config = (await (await fetch('/dashboard/config.json')).json()) as ConsoleConfig;
  const issuer = new URL(config.issuer);
  server = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure() }));
  client = { client_id: config.clientId };
  return config;
}

/** Sends the browser to the login page; `returnTo` is where the console opens once signed in. */
export async function login(returnTo: string): Promise<never> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  // Only the one-use PKCE verifier and state survive the round trip (sessionStorage); never a token.
  sessionStorage.setItem(TRANSACTION_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(server.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config.scope,
    audience: config.audience,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.href);
  return new Promise<never>(() => {});
}

function keep(response: oauth.TokenEndpointResponse) {
  const claims = oauth.getValidatedIdTokenClaims(response);
  tokens = {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? tokens?.refreshToken,
    expiresAt: Date.now() + (response.expires_in ?? 60) * 1000,
    scopes: new Set((response.scope ?? '').split(' ').filter(Boolean)),
    user: claims ? { sub: claims.sub, name: claims.name as string, email: claims.email as string, picture: claims.picture as string } : tokens!.user,
  };
}

/** Finishes the sign-in on /dashboard/callback; returns the path to open. */
export async function handleCallback(): Promise<string> {
  const saved = JSON.parse(sessionStorage.getItem(TRANSACTION_KEY) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(TRANSACTION_KEY);
  if (!saved) throw new Error('The sign-in was not started from this tab. Try again.');
  const params = oauth.validateAuthResponse(server, client, new URL(window.location.href), saved.state);
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), params, redirectUri(), saved.verifier, insecure());
  keep(await oauth.processAuthorizationCodeResponse(server, client, response));
  return saved.returnTo;
}

async function refresh(): Promise<string> {
  if (!tokens?.refreshToken) return login(window.location.pathname + window.location.search);
  try {
    const response = await oauth.refreshTokenGrantRequest(server, client, oauth.None(), tokens.refreshToken, insecure());
    keep(await oauth.processRefreshTokenResponse(server, client, response));
    return tokens!.accessToken;
  } catch {
    return login(window.location.pathname + window.location.search);
  }
}

/** A valid access token, refreshed a minute before it expires. */
export async function accessToken(): Promise<string> {
  if (tokens && tokens.expiresAt - 60_000 > Date.now()) return tokens.accessToken;
  refreshing ??= refresh().finally(() => (refreshing = null));
  return refreshing;
}

export const signedIn = () => tokens !== null;
export const currentUser = () => tokens?.user;
/** An administrator's token carries the Management API scopes; anyone else's carries none of them. */
export const isAdministrator = () => !!tokens && [...tokens.scopes].some((s) => s.startsWith('read:') && !s.endsWith('current_user'));

/**
 * Ends the dashboard session: the refresh token is revoked, then Auth0's /v2/logout ends the provider's session
 * at once (no confirmation page) and comes back to /dashboard/signed-out.
 */
export async function logout(): Promise<void> {
  const refreshToken = tokens?.refreshToken;
  tokens = null;
  if (refreshToken && server.revocation_endpoint) {
    await oauth.revocationRequest(server, client, oauth.None(), refreshToken, insecure()).catch(() => undefined);
  }
  const url = new URL('v2/logout', config.issuer);
  url.search = new URLSearchParams({ client_id: config.clientId, returnTo: new URL('/dashboard/signed-out', window.location.origin).href }).toString();
  window.location.assign(url.href);
}

export const consoleConfig = () => config;
