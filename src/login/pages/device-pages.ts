// The hosted activation pages of the device flow (/activate): enter the code shown on the device, confirm it,
// done. oidc-provider owns the flow and hands each page its own form (an xsrf token and the code); the pages
// rebuild that form in the hosted pages' look, with labelled inputs and no script.
import type { LoginTheme } from '../login-settings.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';

/** The provider's xsrf token, taken from the form it built (its only secret field). */
export function xsrfOf(providerForm: string): string {
  return /name="xsrf" value="([^"]*)"/.exec(providerForm)?.[1] ?? '';
}

export function userCodeInputPage(theme: LoginTheme, input: { action: string; xsrf: string; error?: string }): string {
  return layout(
    theme,
    'Activate your device',
    html`<h1>Activate your device</h1>
<p class="lead">Enter the code displayed on your device.</p>
${input.error ? html`<div class="alert" role="alert" id="form-error">${input.error}</div>` : ''}
<form method="post" action="${input.action}" novalidate>
<input type="hidden" name="xsrf" value="${input.xsrf}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="64" autofocus${input.error ? html` aria-describedby="form-error" aria-invalid="true"` : ''}>
<button type="submit">Continue</button>
</form>`,
  );
}

export function userCodeConfirmPage(theme: LoginTheme, input: { action: string; xsrf: string; userCode: string; clientName: string }): string {
  return layout(
    theme,
    'Device confirmation',
    html`<h1>Device confirmation</h1>
<p class="lead">Please confirm this is the code displayed on your device for ${input.clientName}:</p>
<p class="code" aria-label="Code">${input.userCode}</p>
<form method="post" action="${input.action}">
<input type="hidden" name="xsrf" value="${input.xsrf}">
<input type="hidden" name="user_code" value="${input.userCode}">
<button type="submit" name="confirm" value="yes" autofocus>Confirm</button>
<button type="submit" name="abort" value="yes" class="secondary">Cancel</button>
</form>
<p class="hint">If you did not start this on a device of yours, or the codes differ, cancel.</p>`,
  );
}

/** What the input page says about the code the user typed (oidc-provider's re-render errors, by name). */
export function userCodeError(err: { name?: string; userCode?: string } | undefined): string | undefined {
  if (!err) return undefined;
  if (err.name === 'NoCodeError' || err.name === 'NotFoundError') return 'Invalid or expired code. Please try again.';
  if (err.name === 'ExpiredError') return 'This code has expired. Start again on your device.';
  if (err.name === 'AlreadyUsedError') return 'This code has already been used.';
  if (err.name === 'AbortedError') return 'The request was cancelled. Your device was not activated.';
  return 'Something went wrong. Please try again.';
}
