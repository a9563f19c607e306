// oidc-provider writes some HTML itself (the auto-submitting forms of response_mode=form_post and of logout,
// which need their inline script) and renders others through our templates (errors, logout confirmation,
// logged out). Whatever wrote it, no page of the provider may be framed by another site (the logout
// confirmation is one click) or sniffed into another type: this step, outermost, adds those headers to every
// HTML answer. Our own templates also get the hosted pages' full CSP where they are rendered.
import { PAGE_HEADERS } from './pages/layout.ts';
import { FRAMEABLE_BY } from './silent-auth.ts';

const FRAMING_HEADERS = {
  'x-frame-options': PAGE_HEADERS['x-frame-options'],
  'x-content-type-options': PAGE_HEADERS['x-content-type-options'],
  'referrer-policy': PAGE_HEADERS['referrer-policy'],
};

export async function protectProviderPages(ctx: any, next: () => Promise<void>): Promise<void> {
  await next();
  if (!ctx.response.is('html')) return;
  // The web_message answer is framed by the app's own origin; its CSP (frame-ancestors that origin) is set with it.
  if (ctx.state[FRAMEABLE_BY]) return;
  ctx.set(FRAMING_HEADERS);
  if (!ctx.response.get('content-security-policy')) ctx.set('content-security-policy', "frame-ancestors 'none'");
}
