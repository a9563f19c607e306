// User enumeration (issue #11, item 7): an existing account and an unknown address must answer alike — the same
// status and words on the hosted pages and the password grant, the same work (one argon2id verification each,
// the unknown one against a decoy), and after ten failures the same "blocked" answer. Work is compared by the
// count of hash verifications, never by timings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { MAX_FAILED_ATTEMPTS } from '../src/login/brute-force.ts';
import { SIGNUP_REFUSED } from '../src/login/login-routes.ts';
import { passwordVerificationCount } from '../src/platform/passwords/index.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { Browser, CALLBACK, createApp, createUser, hiddenInputs, loginThroughPage } from './login-support.ts';

const PASSWORD = 'Known-Password-2026';

describe('existing and unknown accounts answer alike', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof createApp>>;
  beforeAll(async () => {
    server = await startTestServer();
    web = await createApp(server, { grant_types: ['authorization_code', 'refresh_token', PASSWORD_REALM_GRANT] });
    await createUser(server, 'known@example.com', PASSWORD);
  });
  afterAll(async () => server?.close());

  const authorizeUrl = (extra: Record<string, string> = {}) =>
    `${server.url}authorize?${new URLSearchParams({ client_id: web.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', ...extra })}`;
  const alertOf = (html: string) => /role="alert"[^>]*>([^<]*)</.exec(html)?.[1];

  /** One password-grant attempt: status, body, and how many passwords the server verified for it. */
  async function grant(username: string, password: string) {
    const before = passwordVerificationCount();
    const res = await fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PASSWORD_REALM_GRANT, realm: 'Username-Password-Authentication', username, password, client_id: web.clientId, client_secret: web.clientSecret! }),
    });
    return { status: res.status, body: await res.json(), verified: passwordVerificationCount() - before };
  }

  /** One hosted-page attempt: status, the alert's words, and the verifications it cost. */
  async function page(username: string, password: string) {
    const before = passwordVerificationCount();
    const { res } = await loginThroughPage(new Browser(), server, authorizeUrl(), username, password);
    return { status: res.status, alert: alertOf(await res.text()), verified: passwordVerificationCount() - before };
  }

  it('answers a wrong password and an unknown address with the same words and the same work, then the same block', async () => {
    let cases = 0;
    for (let i = 1; i <= MAX_FAILED_ATTEMPTS + 2; i++) {
      const known = await grant('known@example.com', `wrong-${i}`);
      const unknown = await grant('unknown@example.com', `wrong-${i}`);
      cases += 2;
      expect(unknown).toEqual(known);
      // One verification per admitted attempt; none once the limit is reached.
      expect(known.verified).toBe(i <= MAX_FAILED_ATTEMPTS ? 1 : 0);
      if (i < MAX_FAILED_ATTEMPTS) expect(known.body).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
      else expect(known).toMatchObject({ status: 429, body: { error: 'too_many_attempts' } });
    }
    // The hosted page, from the same IP: both blocked alike, without a verification.
    const knownPage = await page('known@example.com', PASSWORD);
    const unknownPage = await page('unknown@example.com', PASSWORD);
    expect(unknownPage).toEqual(knownPage);
    expect(knownPage).toMatchObject({ status: 429, verified: 0 });
    console.log(`[enumeration] ${cases + 2} attempts compared, 0 differences`);
  });

  it('shows the same alert on the hosted login page for a wrong password and an unknown address', async () => {
    const mgmt = await server.managementToken();
    await fetch(`${server.url}api/v2/user-blocks?identifier=known%40example.com`, { method: 'DELETE', headers: { authorization: `Bearer ${mgmt}` } });
    await fetch(`${server.url}api/v2/user-blocks?identifier=unknown%40example.com`, { method: 'DELETE', headers: { authorization: `Bearer ${mgmt}` } });
    const known = await page('known@example.com', 'not-the-password');
    const unknown = await page('unknown@example.com', 'not-the-password');
    expect(unknown).toEqual(known);
    expect(known).toEqual({ status: 400, alert: 'Wrong email or password.', verified: 1 });
  });

  it('does not say on the sign-up page that an address is taken', async () => {
    const browser = new Browser();
    const signup = await browser.follow(authorizeUrl({ screen_hint: 'signup' }), server.url);
    expect(signup.url).toContain('/u/signup');
    const form = new URLSearchParams({ ...hiddenInputs(await signup.res.text()), email: 'known@example.com', password: 'Another-Password-99' });
    const res = await browser.fetch(`${server.url}u/signup`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(alertOf(html)).toBe(SIGNUP_REFUSED);
    expect(html).not.toMatch(/already exists/i);
  });
});
