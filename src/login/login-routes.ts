// The hosted login pages: GET renders, POST checks the CSRF token, then the password (or creates the account),
// then hands the login back to the provider with a 303. Every answer is a full HTML page, so the flow works
// without JavaScript; errors are re-rendered in the form, never revealing whether an account exists.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { ApiError } from '../platform/errors.ts';
import type { BruteForceGuard } from './brute-force.ts';
import type { CsrfTokens } from './csrf.ts';
import type { FederatedOutcome, FederatedSignIn } from './federated-login.ts';
import { completeConsent, completeLogin, loadTransaction, LoginTransactionError, type LoginTransaction } from './login-transaction.ts';
import type { LoginSettings } from './login-settings.ts';
import { answerPageOutages } from './outage.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { loginPage, messagePage, signupPage } from './pages/login-pages.ts';
import { LOGIN_MESSAGES, passwordLogin } from './password-login.ts';
import { checkPasswordPolicy, describePasswordPolicy, MAX_PASSWORD_LENGTH } from './password-policy.ts';
import type { RegistrationHooks } from './action-hooks.ts';
import type { LoginStates, PostLoginHook } from './post-login.ts';
import { signUpWithActions } from './sign-up.ts';
import type { ProviderHost } from './provider-host.ts';
import type { LoginUsersPort } from './users-port.ts';
import type { Listeners } from '../platform/listeners.ts';
import type { SignedUp } from './sign-up.ts';

export interface LoginRoutesDeps {
  host: ProviderHost;
  clients: ClientsStore;
  connections: ConnectionsStore;
  users: LoginUsersPort;
  bruteForce: BruteForceGuard;
  settings: LoginSettings;
  csrf: CsrfTokens;
  postLogin: () => PostLoginHook;
  registration: () => RegistrationHooks;
  loginStates: LoginStates;
  federated: FederatedSignIn;
  signUps: Listeners<SignedUp>;
}

type Form = Record<string, unknown>;
const field = (form: Form, name: string, max: number): string => {
  const v = form[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
};
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
/** What the sign-up page says when the address is already registered: nothing about the account. */
export const SIGNUP_REFUSED = 'Something went wrong, please try again later.';

export async function loginRoutes(app: FastifyInstance, deps: LoginRoutesDeps): Promise<void> {
  const { host, users, bruteForce, settings, csrf } = deps;
  answerPageOutages(app, settings);

  const page = async (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(PAGE_HEADERS).send(body);
  const problem = async (reply: FastifyReply, status: number, message: string) =>
    page(reply, status, messagePage(await settings.theme(), 'We could not continue', message, { alert: true }));
  const federatedAnswer = async (reply: FastifyReply, outcome: FederatedOutcome) =>
    'redirect' in outcome ? reply.redirect(outcome.redirect, 303) : problem(reply, outcome.page.status, outcome.page.message);
  const expired = (reply: FastifyReply) =>
    problem(reply, 400, 'Your login session has expired or is not valid. Go back to the application and sign in again.');

  async function withTransaction(request: FastifyRequest, reply: FastifyReply, state: unknown, run: (tx: LoginTransaction) => Promise<unknown>) {
    const { provider } = await host.current();
    let tx: LoginTransaction;
    try {
      tx = await loadTransaction(provider, deps, state);
    } catch (error) {
      if (error instanceof LoginTransactionError) return expired(reply);
      throw error;
    }
    return run(tx);
  }

  async function render(request: FastifyRequest, reply: FastifyReply, tx: LoginTransaction, kind: 'login' | 'signup', status = 200, extra: { email?: string; error?: string } = {}) {
    // An app with only social connections gets their buttons without the password form.
    if (!tx.connection && tx.socialConnections.length === 0) return problem(reply, 400, 'This application has no connection enabled.');
    if (!tx.connection) kind = 'login';
    const input = {
      theme: await settings.theme(),
      state: tx.uid,
      csrf: csrf.issue(request, reply, tx.uid),
      clientName: tx.client.name,
      passwordLogin: tx.connection !== null,
      signupAllowed: tx.connection !== null && tx.connection.options.disable_signup !== true,
      socialButtons: tx.socialConnections.map((c) => ({ connection: c.name, label: c.display_name ?? c.name })),
      ...(tx.connection ? { forgotPasswordUrl: `/u/reset-password/request?${new URLSearchParams({ connection: tx.connection.name, client_id: tx.client.client_id, state: tx.uid })}` } : {}),
      ...extra,
    };
    if (kind === 'signup' && tx.connection) return page(reply, status, signupPage({ ...input, passwordHint: describePasswordPolicy(tx.connection) }));
    return page(reply, status, loginPage(input));
  }

  const show = (kind: 'login' | 'signup') => async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    return withTransaction(request, reply, query.state, async (tx) => {
      if (tx.interaction.prompt?.name === 'consent') return reply.redirect(await completeConsent((await host.current()).provider, tx), 303);
      // /authorize?connection=<social or enterprise connection> skips the login page, as on Auth0.
      const upstream = deps.federated.connectionFor(tx, tx.params.connection);
      if (upstream) return federatedAnswer(reply, await deps.federated.start(tx, upstream, request));
      if (kind === 'signup' && tx.connection?.options.disable_signup === true) return render(request, reply, tx, 'login');
      const hint = typeof tx.params.login_hint === 'string' && EMAIL.test(tx.params.login_hint) ? tx.params.login_hint : undefined;
      return render(request, reply, tx, kind, 200, { email: hint });
    });
  };

  /** Every POST: a form body, a known transaction, a valid CSRF token. */
  const submit = (handler: (request: FastifyRequest, reply: FastifyReply, tx: LoginTransaction, form: Form) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const form = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
      return withTransaction(request, reply, form.state, async (tx) => {
        if (!csrf.verify(request, tx.uid, form.csrf)) return problem(reply, 403, 'This form has expired. Go back to the application and sign in again.');
        return handler(request, reply, tx, form);
      });
    };

  const formOptions = { bodyLimit: 16 * 1024 };

  app.get('/u/login', show('login'));
  app.get('/u/signup', show('signup'));

  app.post('/u/login', formOptions, submit(async (request, reply, tx, form) => {
    if (!tx.connection) return problem(reply, 400, 'This application has no database connection enabled.');
    const email = field(form, 'username', 320).trim();
    const password = field(form, 'password', MAX_PASSWORD_LENGTH + 1);
    if (!email || !password) return render(request, reply, tx, 'login', 400, { email, error: 'Enter your email address and your password.' });
    const result = await passwordLogin({ users, bruteForce }, { connection: tx.connection, identifier: email, password, ip: request.ip });
    if (!result.ok) {
      const message = result.reason === 'user_blocked' ? 'Your account is blocked. Contact the administrator.' : LOGIN_MESSAGES[result.reason];
      return render(request, reply, tx, 'login', result.reason === 'too_many_attempts' ? 429 : 400, { email, error: message });
    }
    const { provider } = await host.current();
    return reply.redirect(await completeLogin(provider, { postLogin: deps.postLogin(), loginStates: deps.loginStates }, tx, result.user, tx.connection, request), 303);
  }));

  app.post('/u/signup', formOptions, submit(async (request, reply, tx, form) => {
    const connection = tx.connection;
    if (!connection || connection.options.disable_signup === true) return problem(reply, 403, 'Sign-up is disabled for this application.');
    const email = field(form, 'email', 320).trim();
    const password = field(form, 'password', MAX_PASSWORD_LENGTH + 1);
    if (!EMAIL.test(email)) return render(request, reply, tx, 'signup', 400, { email, error: 'Enter a valid email address.' });
    const weak = checkPasswordPolicy(connection, password);
    if (weak) return render(request, reply, tx, 'signup', 400, { email, error: `${weak}. ${describePasswordPolicy(connection)}` });
    let user;
    try {
      const requested = typeof tx.params.scope === 'string' ? tx.params.scope.split(' ').filter(Boolean) : [];
      const result = await signUpWithActions(users, deps.registration(), { connection: connection.name, email, password }, {
        client: tx.client, connection, request, transaction: { id: tx.uid, requested_scopes: requested }, signUps: deps.signUps,
      });
      if (!result.ok) return render(request, reply, tx, 'signup', 400, { email, error: result.userMessage ?? result.message });
      user = result.user;
    } catch (error) {
      if (error instanceof ApiError && error.errorCode === 'user_exists') {
        // Auth0's Universal Login text for user-exists: it does not say that the address is taken (issue #11).
        return render(request, reply, tx, 'signup', 400, { email, error: SIGNUP_REFUSED });
      }
      if (error instanceof ApiError && error.statusCode < 500) return render(request, reply, tx, 'signup', 400, { email, error: error.message });
      throw error;
    }
    await users.recordLogin(user.user_id, { ip: request.ip });
    const { provider } = await host.current();
    return reply.redirect(await completeLogin(provider, { postLogin: deps.postLogin(), loginStates: deps.loginStates }, tx, user, connection, request), 303);
  }));

  // A social connection's button: the round trip to its upstream (federated-login.ts).
  app.post('/u/login/social', formOptions, submit(async (request, reply, tx, form) => {
    const upstream = deps.federated.connectionFor(tx, form.connection);
    if (!upstream) return problem(reply, 400, 'This connection is not available for this application.');
    return federatedAnswer(reply, await deps.federated.start(tx, upstream, request));
  }));
}
