// Auth0's rate-limit answers on the Management API: x-ratelimit-limit/-remaining/-reset on every answer (success,
// client errors, refused tokens), and under a burst 429 with Auth0's body and retry-after. The limit is set low
// through the environment for this server only; the window is a day so that a test run never straddles two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

const LIMIT = 8;

describe('Management API rate limits', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ env: {
      PORTRAIT_MGMT_RATE_LIMIT: String(LIMIT), PORTRAIT_MGMT_RATE_WINDOW_SECONDS: '86400',
      PORTRAIT_TOKEN_RATE_LIMIT: '3', PORTRAIT_TOKEN_RATE_WINDOW_SECONDS: '86400',
    } });
    token = await server.managementToken();
  });
  afterAll(async () => server?.close());

  const call = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? token}`);
    return fetch(`${server.url}api/v2/${path}`, { ...init, headers });
  };
  const rateHeaders = (res: Response) => ({
    limit: res.headers.get('x-ratelimit-limit'),
    remaining: res.headers.get('x-ratelimit-remaining'),
    reset: Number(res.headers.get('x-ratelimit-reset')),
  });

  it('puts the headers on every answer and refuses the burst past the limit with 429 and retry-after', async () => {
    const answers = [
      await call('users'), // 200
      await call('users/auth0%7Cnobody'), // 404
      await call('users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), // 400
      await call('clients', { token: await server.managementToken(['read:users']) }), // 403
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 404, 400, 403]);
    const day = Math.floor(Date.now() / 1000 / 86400) * 86400 + 86400;
    answers.forEach((res, i) => expect(rateHeaders(res)).toEqual({ limit: String(LIMIT), remaining: String(LIMIT - 1 - i), reset: day }));

    // Requests without a valid token are counted by IP, apart from the client's.
    const anonymous = await call('users', { token: null });
    expect(anonymous.status).toBe(401);
    expect(rateHeaders(anonymous)).toEqual({ limit: String(LIMIT), remaining: String(LIMIT - 1), reset: day });

    const burst = await Promise.all(Array.from({ length: 6 }, () => call('connections')));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = burst.find((r) => r.status === 429)!;
    expect(await refused.json()).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached', errorCode: 'too_many_requests' });
    expect(rateHeaders(refused)).toEqual({ limit: String(LIMIT), remaining: '0', reset: day });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86400);
    // Nothing was done for the refused request, and the limit holds for every route.
    expect((await call('clients')).status).toBe(429);
  });

  it('limits POST /oauth/token per client IP when PORTRAIT_TOKEN_RATE_LIMIT is set', async () => {
    const tokenRequest = () =>
      fetch(`${server.url}oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: server.admin.clientId, client_secret: server.admin.clientSecret, audience: `${server.issuer}api/v2/` }),
      });
    const answers = [await tokenRequest(), await tokenRequest(), await tokenRequest(), await tokenRequest()];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(await answers[3].json()).toEqual({ error: 'too_many_requests', error_description: 'Global limit has been reached' });
    expect(Number(answers[3].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
