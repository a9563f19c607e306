// Races, through real concurrent HTTP requests on both dialects (issue #11): a burst of password guesses against
// the brute-force limit, a burst of sign-ups of one address, and a burst of picture uploads by one user. Each
// prints what it tried and what it saw.
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_REALM_GRANT } from '../src/login/client-metadata.ts';
import { MAX_FAILED_ATTEMPTS } from '../src/login/brute-force.ts';
import { passwordVerificationCount } from '../src/platform/passwords/index.ts';
import { dialects } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { createApp, createUser } from './login-support.ts';
import { storedObjects } from './support/picture-fixtures.ts';

const BURST = 200;
const PASSWORD = 'Right-Password-2026';

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe.each(dialects)('races on %s', (dialect) => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof createApp>>;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    web = await createApp(server, { grant_types: ['authorization_code', 'refresh_token', 'password', PASSWORD_REALM_GRANT] });
  });
  afterAll(async () => server?.close());

  const guess = (username: string, password: string) =>
    fetch(`${server.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: PASSWORD_REALM_GRANT, realm: 'Username-Password-Authentication', username, password, scope: 'openid',
        client_id: web.clientId, client_secret: web.clientSecret!,
      }),
    });

  /** Sends every guess at once; answers the statuses in order and how many passwords were verified meanwhile. */
  async function burst(username: string, passwords: string[]) {
    const before = passwordVerificationCount();
    const statuses = await Promise.all(passwords.map(async (p) => (await guess(username, p)).status));
    return { statuses, verified: passwordVerificationCount() - before };
  }

  it(`verifies no more than ${MAX_FAILED_ATTEMPTS} of ${BURST} concurrent wrong guesses, then refuses the right password`, async () => {
    const user = await createUser(server, `burst.${dialect}@example.com`, PASSWORD);
    const { statuses, verified } = await burst(user.email!, Array.from({ length: BURST }, (_, i) => `wrong-${i}`));
    console.log(`[races/${dialect}] ${BURST} concurrent wrong guesses: ${verified} verified, answers ${JSON.stringify(tally(statuses))}`);
    expect(verified).toBe(MAX_FAILED_ATTEMPTS);
    // The admitted ten answer "wrong password" or, when their verification ends after the count reached ten,
    // "blocked"; everything else is refused unverified.
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(MAX_FAILED_ATTEMPTS - 1);
    expect(statuses.filter((s) => s === 403 || s === 429)).toHaveLength(BURST);
    expect(await server.services.signIn.bruteForce.blocksForUser(user.user_id)).toHaveLength(1);
    const before = passwordVerificationCount();
    expect((await guess(user.email!, PASSWORD)).status).toBe(429);
    expect(passwordVerificationCount()).toBe(before);
  });

  it('lets a right password inside a burst log in only if it was among the admitted attempts', async () => {
    const user = await createUser(server, `mixed.${dialect}@example.com`, PASSWORD);
    // The positions at which the unguarded server let the right password in.
    const right = new Set([3, 150, 199]);
    const passwords = Array.from({ length: BURST }, (_, i) => (right.has(i) ? PASSWORD : `wrong-${i}`));
    const { statuses, verified } = await burst(user.email!, passwords);
    const successes = statuses.filter((s) => s === 200).length;
    console.log(`[races/${dialect}] ${BURST} concurrent guesses, right one at 4/151/200: ${verified} verified, answers ${JSON.stringify(tally(statuses))}`);
    expect(statuses.every((s) => s === 200 || s === 403 || s === 429)).toBe(true);
    // Only right passwords succeed; each success starts a new series of at most ten (Auth0 counts consecutive
    // failures), so the verifications are bounded by ten per series.
    expect(statuses.every((s, i) => s !== 200 || right.has(i))).toBe(true);
    expect(verified).toBeLessThanOrEqual(MAX_FAILED_ATTEMPTS * (successes + 1));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(BURST - MAX_FAILED_ATTEMPTS * (successes + 1));
  });

  it('counts guesses at an unknown address the same way: ten verifications against the decoy, then "blocked"', async () => {
    const { statuses, verified } = await burst(`nobody.${dialect}@example.com`, Array.from({ length: BURST }, (_, i) => `wrong-${i}`));
    console.log(`[races/${dialect}] ${BURST} concurrent guesses at an unknown address: ${verified} verified, answers ${JSON.stringify(tally(statuses))}`);
    expect(verified).toBe(MAX_FAILED_ATTEMPTS);
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(MAX_FAILED_ATTEMPTS - 1);
    expect(statuses.filter((s) => s === 403 || s === 429)).toHaveLength(BURST);
  });

  it('creates exactly one user from concurrent sign-ups of one address; the others get a clean 400', async () => {
    const email = `twin.${dialect}@example.com`;
    const attempts = 20;
    const answers = await Promise.all(
      Array.from({ length: attempts }, async () => {
        const res = await fetch(`${server.url}dbconnections/signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: web.clientId, connection: 'Username-Password-Authentication', email, password: PASSWORD }),
        });
        return { status: res.status, body: await res.json() };
      }),
    );
    console.log(`[races/${dialect}] ${attempts} concurrent sign-ups of one address: ${JSON.stringify(tally(answers.map((a) => a.status)))}`);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused).toEqual({ status: 400, body: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', message: 'Invalid sign up', statusCode: 400 } });
    }
    const mgmt = await server.managementToken();
    const found = await fetch(`${server.url}api/v2/users-by-email?email=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${mgmt}` } });
    expect(await found.json()).toHaveLength(1);
  });

  it('leaves the profile on a served picture and no orphaned objects after concurrent uploads by one user', async () => {
    const user = await createUser(server, `pictures.${dialect}@example.com`, PASSWORD);
    const blobRoot = path.join(server.config.dataDir, 'blobs');
    const before = storedObjects(blobRoot).length;
    const mgmt = await server.managementToken();
    const uploads = 6;
    const images = await Promise.all(Array.from({ length: uploads }, (_, i) =>
      sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 40 * i, g: 255 - 40 * i, b: 128 } } }).png().toBuffer()));
    const answers = await Promise.all(images.map(async (image) => {
      const res = await fetch(`${server.url}api/v2/users/${encodeURIComponent(user.user_id)}/picture`, {
        method: 'PUT', headers: { authorization: `Bearer ${mgmt}`, 'content-type': 'image/png' }, body: new Uint8Array(image),
      });
      return { status: res.status, picture: (await res.json()).picture as string };
    }));
    expect(answers.map((a) => a.status)).toEqual(Array(uploads).fill(200));
    const profile = await (await fetch(`${server.url}api/v2/users/${encodeURIComponent(user.user_id)}`, { headers: { authorization: `Bearer ${mgmt}` } })).json();
    const served = await fetch(profile.picture);
    const objects = storedObjects(blobRoot).length - before;
    console.log(`[races/${dialect}] ${uploads} concurrent uploads by one user: profile picture answers ${served.status}, ${objects} objects stored`);
    expect(answers.map((a) => a.picture)).toContain(profile.picture);
    expect(served.status).toBe(200);
    // One picture's eight variants (4 sizes × WebP and JPEG): every other upload was released.
    expect(objects).toBe(8);
  });
});
