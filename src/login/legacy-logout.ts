// Auth0's `GET /v2/logout?returnTo=&client_id=`: ends the browser's session at once (no confirmation page, unlike
// OIDC's /oidc/logout) and sends the browser to `returnTo` when the app lists it in its Allowed Logout URLs.
// Refresh tokens stay valid, as with Auth0.
import type { ClientsStore } from '../clients/clients-store.ts';
import type { LoginSettings } from './login-settings.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { messagePage } from './pages/login-pages.ts';

/** Auth0 compares without the query string; a trailing slash on a bare origin is not significant. */
export function sameLogoutUrl(allowed: string, wanted: string): boolean {
  const a = URL.parse(allowed);
  const w = URL.parse(wanted);
  if (!a || !w) return false;
  return a.origin === w.origin && a.pathname.replace(/\/$/, '') === w.pathname.replace(/\/$/, '');
}

export function legacyLogout(deps: { clients: ClientsStore; settings: LoginSettings }) {
  return async function v2Logout(ctx: any, next: () => Promise<void>) {
    if (ctx.path !== '/v2/logout' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const query = ctx.query as Record<string, unknown>;
    const returnTo = typeof query.returnTo === 'string' ? query.returnTo : undefined;
    const clientId = typeof query.client_id === 'string' && query.client_id.length <= 128 ? query.client_id : undefined;
    const theme = await deps.settings.theme();
    const page = (status: number, title: string, message: string, alert = false) => {
      ctx.status = status;
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage(theme, title, message, { alert });
    };

    if (returnTo) {
      const client = clientId ? await deps.clients.get(clientId) : null;
      const allowed = client?.allowed_logout_urls.some((url) => sameLogoutUrl(url, returnTo)) ?? false;
      if (!allowed) {
        return page(400, 'Something went wrong', `invalid_request: The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`, true);
      }
    }

    const provider = ctx.app;
    const options = { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure };
    const sessionId = ctx.cookies.get(provider.cookieName('session'), { signed: true });
    if (typeof sessionId === 'string' && sessionId.length <= 128) {
      const session = await provider.Session.find(sessionId);
      if (session) await session.destroy();
    }
    ctx.cookies.set(provider.cookieName('session'), null, options);

    if (returnTo) {
      ctx.status = 302;
      ctx.set('cache-control', 'no-store');
      return ctx.redirect(returnTo);
    }
    return page(200, 'Logged out', 'You are logged out.');
  };
}
