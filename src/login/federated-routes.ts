// <issuer>login/callback, Auth0's path for the upstream's answer: a GET (query) or, for form_post upstreams such
// as Apple, a POST. The answer is a redirect (to the app, through the provider's resume URL, with tokens or an
// OAuth error) or, when no login transaction can be named, a plain HTML page: never a stack trace.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FederatedOutcome, FederatedSignIn } from './federated-login.ts';
import type { LoginSettings } from './login-settings.ts';
import { answerPageOutages } from './outage.ts';
import { PAGE_HEADERS } from './pages/layout.ts';
import { messagePage } from './pages/login-pages.ts';
import type { ProviderHost } from './provider-host.ts';

export const CALLBACK_PATH = '/login/callback';

export interface FederatedRoutesDeps {
  host: ProviderHost;
  federated: FederatedSignIn;
  settings: LoginSettings;
  issuer: string;
}

/** Form fields as strings; anything else (arrays, objects) is dropped. */
function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && v.length <= 16384) out[k] = v;
  return out;
}

export async function federatedRoutes(app: FastifyInstance, deps: FederatedRoutesDeps): Promise<void> {
  answerPageOutages(app, deps.settings);
  async function answer(reply: FastifyReply, outcome: FederatedOutcome) {
    if ('redirect' in outcome) return reply.redirect(outcome.redirect, 303);
    const body = messagePage(await deps.settings.theme(), 'We could not sign you in', outcome.page.message, { alert: true });
    return reply.status(outcome.page.status).headers(PAGE_HEADERS).send(body);
  }

  const handle = (withForm: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    // The URL openid-client compares with the registered redirect_uri: the issuer's origin and path, this query.
    const url = new URL(`${deps.issuer}${CALLBACK_PATH.slice(1)}`);
    url.search = new URL(request.url, 'http://callback').search;
    const { provider } = await deps.host.current();
    return answer(reply, await deps.federated.callback(provider, { url, ...(withForm ? { form: formFields(request.body) } : {}) }, request));
  };

  app.get(CALLBACK_PATH, handle(false));
  app.post(CALLBACK_PATH, { bodyLimit: 64 * 1024 }, handle(true));
}
