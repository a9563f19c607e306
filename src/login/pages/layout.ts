// The frame of every hosted page: the tenant's logo, name and primary colour, a layout that works on a phone
// and without JavaScript, and headers that keep the page out of frames and caches.
import type { LoginTheme } from '../login-settings.ts';
import { html, type SafeHtml } from './html.ts';

export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // No script at all on these pages; styles are inline; images may come from the tenant's logo host. No
  // form-action: browsers apply it to the redirects after a submit, and the login ends at the app's callback.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: data: 'self'; frame-ancestors 'none'; base-uri 'none'",
};

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#1f2937}
main{max-width:400px;margin:0 auto;padding:32px 16px}
.card{background:#fff;border-radius:8px;padding:32px 24px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.logo{display:block;max-height:52px;max-width:100%;margin:0 auto 16px}
h1{font-size:1.5rem;margin:0 0 8px;text-align:center}p.lead{text-align:center;margin:0 0 24px;color:#4b5563}
label{display:block;font-weight:600;margin:16px 0 4px}
input[type=email],input[type=password],input[type=text]{width:100%;padding:12px;font-size:1rem;border:1px solid #9ca3af;border-radius:6px}
input:focus{outline:3px solid var(--primary);outline-offset:1px}
button{width:100%;margin-top:24px;padding:12px;font-size:1rem;font-weight:600;border:0;border-radius:6px;background:var(--primary);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f2937;border:1px solid #9ca3af;margin-top:12px}
button:focus{outline:3px solid #1f2937;outline-offset:2px}
.alert{border:1px solid #b91c1c;background:#fef2f2;color:#991b1b;padding:12px;border-radius:6px;margin:0 0 16px}
.hint{font-size:.875rem;color:#4b5563;margin:4px 0 0}
.switch{text-align:center;margin-top:24px}a{color:var(--primary)}
.divider{text-align:center;margin:24px 0 0;color:#6b7280}
.code{font:600 1.75rem/1.2 ui-monospace,monospace;text-align:center;letter-spacing:.1em;margin:16px 0}
`;

export function layout(theme: LoginTheme, title: string, body: SafeHtml): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} | ${theme.tenantName}</title>
<style>:root{--primary:${/^#[0-9a-fA-F]{6}$/.test(theme.primaryColor) ? theme.primaryColor : '#635dff'}}${STYLE}</style>
</head>
<body>
<main>
<div class="card">
${theme.logoUrl ? html`<img class="logo" src="${theme.logoUrl}" alt="${theme.tenantName}">` : ''}
${body}
</div>
</main>
</body>
</html>`.value;
}
