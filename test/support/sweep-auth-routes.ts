// The robustness sweep's Authentication API and page routes. They have no OpenAPI document, so each is named
// here with the parameters it reads and a valid base request; the cases are generated from that, as for the
// Management API: each parameter mistyped and repeated, broken bodies in each content type, hostile path
// segments, the methods the route does not have. The login pages get a live transaction (state, CSRF cookie)
// so that their cases reach past the first check.
import { Browser, hiddenInputs } from '../login-support.ts';
import type { TestServer } from './test-server.ts';
import { ALL_METHODS, bodyShapeCases, pathCases, queryCases, type SweepCase } from './sweep-cases.ts';
import { QUERY_VARIANTS, renderJson, TYPE_VARIANTS } from './sweep-values.ts';

export interface AuthSeed {
  /** A regular web app with the hosted login page; the machine client below holds client_credentials. */
  clientId: string; clientSecret: string; callback: string; token: string;
  machine: { clientId: string; clientSecret: string; audience: string };
}

interface AuthRoute {
  path: string;
  methods: Array<'GET' | 'POST'>;
  /** Parameters read from the query (GET) or the body (POST), with the base request's values. */
  params: Record<string, string>;
  /** Body content types the route reads; form first. */
  json?: boolean;
  headers?: Record<string, string>;
}

function routes(seed: AuthSeed, login: { state: string; csrf: string; cookie: string }): AuthRoute[] {
  const authorize = {
    client_id: seed.clientId, response_type: 'code', redirect_uri: seed.callback, scope: 'openid profile email', state: 's', nonce: 'n',
    audience: '', connection: '', prompt: '', code_challenge: '', code_challenge_method: '', response_mode: '', login_hint: '', max_age: '', ui_locales: '', request: '',
  };
  const page = { cookie: login.cookie };
  return [
    { path: '/authorize', methods: ['GET', 'POST'], params: authorize },
    {
      path: '/oauth/token', methods: ['POST'], json: true,
      params: { grant_type: 'client_credentials', client_id: seed.machine.clientId, client_secret: seed.machine.clientSecret, audience: seed.machine.audience, scope: '', code: '', redirect_uri: '', refresh_token: '', username: '', password: '', realm: '', code_verifier: '', client_assertion: '', client_assertion_type: '' },
    },
    { path: '/userinfo', methods: ['GET', 'POST'], params: { access_token: seed.token }, headers: { authorization: `Bearer ${seed.token}` } },
    { path: '/oauth/revoke', methods: ['POST'], json: true, params: { token: seed.token, token_type_hint: 'access_token', client_id: seed.clientId, client_secret: seed.clientSecret } },
    { path: '/oauth/par', methods: ['POST'], params: { ...authorize, client_secret: seed.clientSecret } },
    { path: '/v2/logout', methods: ['GET'], params: { returnTo: 'http://127.0.0.1:9/logged-out', client_id: seed.clientId, federated: '' } },
    { path: '/oidc/logout', methods: ['GET', 'POST'], params: { id_token_hint: '', post_logout_redirect_uri: '', state: '', client_id: seed.clientId, logout_hint: '', ui_locales: '' } },
    {
      path: '/dbconnections/signup', methods: ['POST'], json: true,
      params: { client_id: seed.clientId, email: 'signup@example.com', password: 'Correct-Horse-9', connection: 'Username-Password-Authentication', username: '', given_name: '', family_name: '', name: '', nickname: '', picture: '', user_metadata: '' },
    },
    { path: '/u/login', methods: ['GET'], params: { state: login.state }, headers: page },
    { path: '/u/signup', methods: ['GET'], params: { state: login.state }, headers: page },
    { path: '/u/login', methods: ['POST'], params: { state: login.state, csrf: login.csrf, username: 'seed@example.com', password: 'wrong-password' }, headers: page },
    { path: '/u/signup', methods: ['POST'], params: { state: login.state, csrf: login.csrf, email: 'seed@example.com', password: 'short' }, headers: page },
    { path: '/u/login/social', methods: ['POST'], params: { state: login.state, csrf: login.csrf, connection: 'google-oauth2' }, headers: page },
    { path: '/login/callback', methods: ['GET', 'POST'], params: { state: 'x', code: 'x', error: '', error_description: '' } },
    { path: '/jobs-files/{id}/{file}', methods: ['GET'], params: { expires: '1', signature: 'x' } },
    { path: '/avatars/{file}', methods: ['GET'], params: {} },
    { path: '/avatars/gravatar/{file}', methods: ['GET'], params: { initials: 'jd' } },
    { path: '/pictures/{hash}/{file}', methods: ['GET'], params: {} },
    { path: '/authorize/{uid}', methods: ['GET'], params: {} },
    { path: '/healthz', methods: ['GET'], params: {} },
    { path: '/.well-known/openid-configuration', methods: ['GET'], params: {} },
    { path: '/.well-known/jwks.json', methods: ['GET'], params: {} },
  ];
}

const PATH_SAMPLES: Record<string, string> = { file: 'jd.png', hash: 'a'.repeat(64), id: 'job_0000000000000000', uid: 'sweep' };
const fill = (name: string) => PATH_SAMPLES[name] ?? 'sweep';

function without(params: Record<string, string>, name: string): string {
  return new URLSearchParams(Object.entries(params).filter(([k, v]) => k !== name && v !== '')).toString();
}

function casesFor(route: AuthRoute): SweepCase[] {
  const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => fill(n));
  const headers = route.headers ?? {};
  const out: SweepCase[] = [];
  for (const method of route.methods) {
    const label = `${method} ${route.path}`;
    for (const c of pathCases(label, route.path, fill)) out.push({ label: c.label, request: { method, path: c.path, headers } });
    const names = Object.keys(route.params);
    if (method === 'GET') {
      for (const c of queryCases(label, names)) {
        const name = c.query.split(/[=[]/)[0];
        const rest = without(route.params, name);
        out.push({ label: c.label, request: { method, path: `${path}?${[rest, c.query].filter(Boolean).join('&')}`, headers } });
      }
      continue;
    }
    const form = { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
    for (const name of names) {
      for (const [kind, value] of QUERY_VARIANTS) out.push({ label: `${label}: form ${name} ${kind}`, request: { method, path, headers: form, body: [without(route.params, name), `${name}=${value}`].filter(Boolean).join('&') } });
      out.push({ label: `${label}: form ${name} repeated`, request: { method, path, headers: form, body: `${without(route.params, name)}&${name}=1&${name}=2` } });
      out.push({ label: `${label}: form ${name} 200 KB`, request: { method, path, headers: form, body: `${without(route.params, name)}&${name}=${'x'.repeat(200_000)}` } });
      if (!route.json) continue;
      const base = Object.fromEntries(Object.entries(route.params).filter(([, v]) => v !== ''));
      for (const [kind, value] of TYPE_VARIANTS) {
        out.push({ label: `${label}: JSON ${name} as ${kind}`, request: { method, path, headers: { ...headers, 'content-type': 'application/json' }, body: renderJson({ ...base, [name]: value }) } });
      }
    }
    out.push({ label: `${label}: non-UTF-8 form`, request: { method, path, headers: form, body: Buffer.concat([Buffer.from(`${without(route.params, 'x')}&x=`), Buffer.from([0xff, 0xfe, 0xc0])]) } });
    for (const c of bodyShapeCases(label, Object.fromEntries(Object.entries(route.params).filter(([, v]) => v !== '')))) {
      out.push({ label: c.label, request: { method, path, headers: { ...headers, ...c.headers }, body: c.body } });
    }
  }
  for (const method of ALL_METHODS.filter((m) => !(route.methods as string[]).includes(m) && m !== 'GET' && m !== 'POST')) {
    out.push({ label: `${method} ${route.path}: a method the route does not have`, request: { method, path, headers } });
  }
  return out;
}

/** Opens a real login transaction (the hosted page's state, its CSRF token and cookies) for the page routes. */
async function openLogin(server: TestServer, seed: AuthSeed) {
  const browser = new Browser();
  const url = `${server.url}authorize?${new URLSearchParams({ client_id: seed.clientId, response_type: 'code', redirect_uri: seed.callback, scope: 'openid', state: 's' })}`;
  const page = await browser.follow(url, server.url);
  const inputs = hiddenInputs(await page.res.text());
  return { state: inputs.state ?? '', csrf: inputs.csrf ?? '', cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}

export async function authenticationCases(server: TestServer, seed: AuthSeed): Promise<SweepCase[]> {
  const login = await openLogin(server, seed);
  if (!login.state) throw new Error('could not open a login transaction for the sweep');
  return routes(seed, login).flatMap(casesFor);
}
