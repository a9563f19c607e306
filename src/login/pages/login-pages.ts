// The hosted login and sign-up pages: plain HTML forms that work without JavaScript, every input with a visible
// label, errors announced through role="alert", and a button slot per enabled social connection.
import type { LoginTheme } from '../login-settings.ts';
import { html, SafeHtml } from './html.ts';
import { layout } from './layout.ts';

export interface SocialButton {
  connection: string;
  label: string;
}

export interface FormPageInput {
  theme: LoginTheme;
  /** The interaction's uid (Auth0 calls it `state`). */
  state: string;
  csrf: string;
  clientName: string;
  email?: string;
  error?: string;
  signupAllowed: boolean;
  /** False when the app has no database connection: only the social buttons show. */
  passwordLogin?: boolean;
  socialButtons: SocialButton[];
  /** The database connection's reset page (/u/reset-password/request?…); absent when there is none. */
  forgotPasswordUrl?: string;
}

function errorBox(error: string | undefined): SafeHtml | string {
  return error ? html`<div class="alert" role="alert" id="form-error">${error}</div>` : '';
}

function hidden(input: FormPageInput): SafeHtml {
  return html`<input type="hidden" name="state" value="${input.state}"><input type="hidden" name="csrf" value="${input.csrf}">`;
}

function socialSlots(input: FormPageInput, divider = true): SafeHtml | string {
  if (input.socialButtons.length === 0) return '';
  return html`${divider ? html`<p class="divider">or</p>` : ''}
${input.socialButtons.map(
  (b) => html`<form method="post" action="/u/login/social"><input type="hidden" name="state" value="${input.state}"><input type="hidden" name="csrf" value="${input.csrf}"><input type="hidden" name="connection" value="${b.connection}"><button type="submit" class="secondary">Continue with ${b.label}</button></form>`,
)}`;
}

export function loginPage(input: FormPageInput): string {
  const described = input.error ? 'form-error' : undefined;
  return layout(
    input.theme,
    'Log in',
    html`<h1>Welcome</h1>
<p class="lead">Log in to ${input.theme.tenantName} to continue to ${input.clientName}.</p>
${errorBox(input.error)}
${input.passwordLogin === false ? '' : html`<form method="post" action="/u/login" novalidate>
${hidden(input)}
<label for="username">Email address</label>
<input id="username" name="username" type="email" autocomplete="username" inputmode="email" required maxlength="320" value="${input.email ?? ''}"${described ? html` aria-describedby="${described}" aria-invalid="true"` : ''}${input.email ? '' : html` autofocus`}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${input.email ? html` autofocus` : ''}>
${input.forgotPasswordUrl ? html`<p class="hint"><a href="${input.forgotPasswordUrl}">Forgot password?</a></p>` : ''}
<button type="submit">Continue</button>
</form>`}
${input.signupAllowed ? html`<p class="switch">Don't have an account? <a href="/u/signup?state=${input.state}">Sign up</a></p>` : ''}
${socialSlots(input, input.passwordLogin !== false)}`,
  );
}

export function signupPage(input: FormPageInput & { passwordHint: string }): string {
  return layout(
    input.theme,
    'Sign up',
    html`<h1>Create your account</h1>
<p class="lead">Sign up to ${input.theme.tenantName} to continue to ${input.clientName}.</p>
${errorBox(input.error)}
<form method="post" action="/u/signup" novalidate>
${hidden(input)}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="320" value="${input.email ?? ''}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required maxlength="1024" aria-describedby="password-hint">
<p class="hint" id="password-hint">${input.passwordHint}</p>
<button type="submit">Continue</button>
</form>
<p class="switch">Already have an account? <a href="/u/login?state=${input.state}">Log in</a></p>
${socialSlots(input)}`,
  );
}

export function messagePage(theme: LoginTheme, title: string, message: string, options: { alert?: boolean } = {}): string {
  return layout(theme, title, html`<h1>${title}</h1>${options.alert ? html`<div class="alert" role="alert">${message}</div>` : html`<p class="lead">${message}</p>`}`);
}

/** RP-initiated logout confirmation (oidc-provider's logoutSource): one button, no script. */
export function logoutPage(theme: LoginTheme, form: string, clientName: string | undefined): string {
  // `form` is oidc-provider's own hidden form (its xsrf token), built by the provider, not from user input.
  return layout(
    theme,
    'Log out',
    html`<h1>Log out</h1><p class="lead">Log out of ${theme.tenantName}${clientName ? html` and ${clientName}` : ''}?</p>
${new SafeHtml(form)}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Log out</button>`,
  );
}
