// Device authorization (RFC 8628) as Auth0 serves it: POST /oauth/device/code, the hosted activation page at
// /activate, and the device_code grant at /oauth/token. oidc-provider runs the flow; this gives it Auth0's shape:
// user codes of eight letters shown as XXXX-XXXX, a 5 s polling interval, codes valid for 15 minutes, and the
// hosted pages' look. Auth0's status codes for the polling answers are set in token-request.ts.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { LoginSettings } from './login-settings.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { messagePage } from './pages/login-pages.ts';
import { userCodeConfirmPage, userCodeError, userCodeInputPage, xsrfOf } from './pages/device-pages.ts';

/** Auth0's device code lifetime: 900 s. */
export const DEVICE_CODE_TTL = 900;

export function deviceFlowFeature(settings: LoginSettings) {
  return {
    enabled: true,
    charset: 'base-20',
    mask: '****-****',
    userCodeInputSource: async (ctx: KoaContextWithOIDC, form: string, _out: unknown, err?: { name?: string }) => {
      ctx.set(PAGE_HEADERS);
      if (err) ctx.status = 400;
      ctx.body = userCodeInputPage(await settings.theme(), { action: ctx.oidc.urlFor('code_verification'), xsrf: xsrfOf(form), error: userCodeError(err) });
    },
    userCodeConfirmSource: async (ctx: KoaContextWithOIDC, form: string, client: { clientName?: string; clientId: string }, _info: unknown, userCode: string) => {
      ctx.set(PAGE_HEADERS);
      ctx.body = userCodeConfirmPage(await settings.theme(), {
        action: ctx.oidc.urlFor('code_verification'), xsrf: xsrfOf(form), userCode, clientName: client.clientName || client.clientId,
      });
    },
    successSource: async (ctx: KoaContextWithOIDC) => {
      ctx.set(PAGE_HEADERS);
      ctx.body = messagePage(await settings.theme(), "Congratulations, you're all set!", 'Your device is now connected.');
    },
  };
}

/** POST /oauth/device/code answered as Auth0 does: `interval` always stated; a client without the grant gets 403. */
export async function auth0DeviceCodeAnswers(ctx: any, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.path !== '/oauth/device/code' || !ctx.body || typeof ctx.body !== 'object') return;
  if (ctx.status === 200 && ctx.body.device_code && ctx.body.interval === undefined) ctx.body = { ...ctx.body, interval: 5 };
  if (ctx.body.error === 'invalid_request' && /is not allowed for this client$/.test(ctx.body.error_description ?? '')) {
    ctx.status = 403;
    ctx.body = { error: 'unauthorized_client', error_description: "Grant type 'urn:ietf:params:oauth:grant-type:device_code' not allowed for the client." };
  }
}
