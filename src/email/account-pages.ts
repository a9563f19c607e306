// The hosted pages of the email flows, on the login pages' shared frame (src/login/pages/layout.ts): asking for a
// reset link, choosing a new password, and the outcome pages. Every word a page shows is in its STRINGS entry.
import { html, layout, type LoginTheme } from '../login/index.ts';

export const STRINGS = {
  request: {
    title: 'Reset your password',
    lead: 'Enter the email address of your account and we will send you a link to choose a new password.',
    email: 'Email address',
    submit: 'Send the link',
    back: 'Back to log in',
    invalidEmail: 'Enter a valid email address.',
  },
  requested: {
    title: 'Check your email',
    // The same words whether or not the address has an account: the page must not tell.
    lead: "If an account uses that address, we've just sent it an email with a link to reset your password. The link works once.",
  },
  reset: {
    title: 'Choose a new password',
    lead: 'Enter a new password for {email}.',
    password: 'New password',
    confirm: 'Confirm the new password',
    submit: 'Reset password',
    mismatch: 'The two passwords are not the same.',
  },
  resetDone: {
    title: 'Password changed',
    lead: 'Your password has been changed. Go back to the application and log in with the new one.',
  },
  verified: {
    title: 'Email verified',
    lead: 'Your email was verified. You can continue using the application.',
  },
  unblocked: {
    title: 'Account unblocked',
    lead: 'Your account is unblocked. Go back to the application and log in; if you do not remember your password, reset it.',
  },
  invalidLink: {
    title: 'This link cannot be used',
    lead: 'This link was already used, has expired, or is not complete. Ask for a new one.',
  },
} as const;

function errorBox(error: string | undefined) {
  return error ? html`<div class="alert" role="alert" id="form-error">${error}</div>` : '';
}

export function resetRequestPage(theme: LoginTheme, input: { connection: string; clientId: string; state: string; email?: string; error?: string }): string {
  const s = STRINGS.request;
  return layout(theme, s.title, html`<h1>${s.title}</h1>
<p class="lead">${s.lead}</p>
${errorBox(input.error)}
<form method="post" action="/u/reset-password/request" novalidate>
<input type="hidden" name="connection" value="${input.connection}"><input type="hidden" name="client_id" value="${input.clientId}"><input type="hidden" name="state" value="${input.state}">
<label for="email">${s.email}</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="320" value="${input.email ?? ''}" autofocus${input.error ? html` aria-describedby="form-error" aria-invalid="true"` : ''}>
<button type="submit">${s.submit}</button>
</form>
${input.state ? html`<p class="switch"><a href="/u/login?state=${input.state}">${s.back}</a></p>` : ''}`);
}

export function resetRequestedPage(theme: LoginTheme, state: string): string {
  const s = STRINGS.requested;
  return layout(theme, s.title, html`<h1>${s.title}</h1><p class="lead">${s.lead}</p>
${state ? html`<p class="switch"><a href="/u/login?state=${state}">${STRINGS.request.back}</a></p>` : ''}`);
}

export function resetPasswordPage(theme: LoginTheme, input: { ticket: string; email: string; policy: string; error?: string }): string {
  const s = STRINGS.reset;
  const described = input.error ? 'form-error password-hint' : 'password-hint';
  return layout(theme, s.title, html`<h1>${s.title}</h1>
<p class="lead">${s.lead.replace('{email}', input.email)}</p>
${errorBox(input.error)}
<form method="post" action="/u/reset-password" novalidate>
<input type="hidden" name="ticket" value="${input.ticket}">
<input type="email" name="username" autocomplete="username" value="${input.email}" hidden>
<label for="password">${s.password}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required maxlength="1024" aria-describedby="${described}" autofocus>
<p class="hint" id="password-hint">${input.policy}</p>
<label for="confirm">${s.confirm}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="1024">
<button type="submit">${s.submit}</button>
</form>`);
}

export function outcomePage(theme: LoginTheme, which: 'resetDone' | 'verified' | 'unblocked' | 'invalidLink'): string {
  const s = STRINGS[which];
  return layout(theme, s.title, which === 'invalidLink'
    ? html`<h1>${s.title}</h1><div class="alert" role="alert">${s.lead}</div>`
    : html`<h1>${s.title}</h1><p class="lead">${s.lead}</p>`);
}
