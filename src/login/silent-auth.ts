// Silent authentication as Auth0's SPA SDKs do it: `/authorize?prompt=none&response_mode=web_message` in a hidden
// iframe, answered by a page that posts `{type:'authorization_response', response}` to the app's window
// (spa-js's runIframe reads exactly that). Auth0 answers in web_message only to origins listed in the application's
// "Allowed Web Origins"; oidc-provider's own (draft) web_message mode checks no origin, so Portrait registers its own
// response mode that does, and lets only that origin frame the answer. It also gives ID tokens what Auth0's carry: `sid` always, and
// `typ: "JWT"` in the JWS header.
import { createHash } from 'node:crypto';
import { CompactSign, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { LoginSettings } from './login-settings.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { messagePage } from './pages/login-pages.ts';

/** Marks a response that its client's origin may frame (read by protectProviderPages). */
export const FRAMEABLE_BY = Symbol('frameable-by');

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;
const escapeForScript = (text: string) => text.replace(SCRIPT_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The page Auth0 answers web_message with: it posts the authorization response to the app's origin only. */
export function webMessagePage(origin: string, response: Record<string, unknown>): { html: string; scriptHash: string } {
  const script = `(function (win) {
  var message = { type: 'authorization_response', response: ${escapeForScript(JSON.stringify(response))} };
  (win.opener || win.parent).postMessage(message, ${escapeForScript(JSON.stringify(origin))});
})(window);`;
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Authorization Response</title></head><body><script>${script}</script></body></html>`;
  return { html, scriptHash: createHash('sha256').update(script).digest('base64') };
}

/**
 * response_mode=web_message, registered on the provider: answered only when the redirect_uri's origin is one of
 * the client's web_origins (Auth0's rule), and only that origin may frame the answer. Anything else gets the hosted
 * error page, which may not be framed — the app's iframe times out, as it does with Auth0.
 */
export function registerWebMessage(provider: Provider, settings: LoginSettings): void {
  provider.registerResponseMode('web_message', async (ctx: any, redirectUri: string, response: Record<string, unknown>) => {
    const origin = URL.parse(redirectUri)?.origin;
    const webOrigins: string[] = ctx.oidc.client?.web_origins ?? [];
    ctx.type = 'html';
    if (!origin || !webOrigins.some((allowed) => URL.parse(allowed)?.origin === origin)) {
      ctx.status = 400;
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage(
        await settings.theme(),
        'Something went wrong',
        `unauthorized_client: The origin "${origin}" is not in the application's Allowed Web Origins.`,
        { alert: true },
      );
      return;
    }
    const page = webMessagePage(origin, response);
    ctx.status = 200;
    ctx.state[FRAMEABLE_BY] = origin;
    ctx.response.remove('x-frame-options');
    ctx.set({
      'content-security-policy': `default-src 'none'; script-src 'sha256-${page.scriptHash}'; frame-ancestors ${origin}`,
      'cache-control': 'no-store',
    });
    ctx.body = page.html;
  });
}

/**
 * Every ID token carries `sid`, as Auth0's do (not only for clients with logout URIs), and it is the session's id
 * in the Management API: the provider session's stable `uid`, the same for every app of the session, rather than
 * a random value per app.
 */
export function sidIsSessionId(provider: Provider): void {
  (provider.Client.prototype as any).includeSid = () => true;
  const Session = provider.Session.prototype as any;
  const sidFor = Session.sidFor;
  Session.sidFor = function sessionSid(this: { uid: string }, clientId: string, value?: string) {
    const current = sidFor.call(this, clientId, value === undefined ? undefined : this.uid);
    return current === undefined ? undefined : this.uid;
  };
}

/**
 * oidc-provider signs ID tokens with `{alg, kid}` only; Auth0's header is `{alg, typ: "JWT", kid}` and some
 * libraries check it. The provider's token is re-signed with the same key and the header completed — its
 * payload (with at_hash/c_hash already computed) is kept byte for byte.
 */
export function idTokenTypHeader(provider: Provider, jwks: JWK[]): void {
  const keys = new Map<string, Promise<CryptoKey | Uint8Array>>();
  const keyFor = (kid: string, alg: string) => {
    let key = keys.get(kid);
    if (!key) {
      const jwk = jwks.find((k) => k.kid === kid);
      if (!jwk) throw new Error(`no signing key ${kid}`);
      key = importJWK(jwk, alg);
      keys.set(kid, key);
    }
    return key;
  };
  const IdToken = provider.IdToken.prototype as any;
  const issue = IdToken.issue;
  IdToken.issue = async function issueWithTyp(this: unknown, options: { use?: string } = {}) {
    const token: string = await issue.call(this, options);
    const parts = token.split('.');
    if (options.use !== 'idtoken' || parts.length !== 3) return token;
    const header = decodeProtectedHeader(token);
    if (header.typ || !header.kid || !header.alg) return token;
    const payload = Buffer.from(parts[1], 'base64url');
    return new CompactSign(payload).setProtectedHeader({ alg: header.alg, typ: 'JWT', kid: header.kid }).sign(await keyFor(header.kid, header.alg));
  };
}
