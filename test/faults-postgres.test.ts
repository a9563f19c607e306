// PostgreSQL stopped and started again under load, with two real Portrait nodes on a throwaway cluster of their
// own (the run's shared server is never stopped). Before the fix a checked-out `pg` client emitted an unheard
// 'error' event and killed its node. Now: no node exits; while the database is down every answer is a 503 in the
// shape its caller expects (Auth0's body on /api/v2, an OAuth error on /oauth/token, a page on the hosted pages,
// `/healthz` 503), never a 500; and once the database is back both nodes serve again without a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.ts';
import { startCluster, type Cluster } from './support/postgres-cluster.ts';
import { freePort, portraitEnv, processManagementToken, startPortrait, type PortraitProcess } from './support/portrait-process.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';

interface Seen { node: number; what: string; status: number; body: string }

const nodes: PortraitProcess[] = [];

/** Waits for a condition; a node that exits meanwhile fails the test with what it printed. */
async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const dead = nodes.find((n) => !n.alive());
    if (dead) throw new Error(`a node exited while waiting for ${what}:\n${dead.err().slice(-2000)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(dialects.filter((d) => d === 'postgres'))('a %s outage under load', () => {
  let cluster: Cluster;
  let dataDir = '';
  beforeAll(async () => {
    cluster = (await startCluster())!;
    dataDir = mkdtempSync(path.join(tmpdir(), 'portrait-faults-'));
  });
  afterAll(() => {
    cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('kills no node, answers 503 while down, and serves again by itself once the database is back', { timeout: 240_000 }, async () => {
    const ports = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${ports[0]}/`;
    const bases = ports.map((p) => `http://127.0.0.1:${p}/`);
    for (const port of ports) nodes.push(await startPortrait(portraitEnv({ port, dataDir, databaseUrl: cluster.url, issuer })));
    const token = await processManagementToken(bases[0], issuer);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const created = await fetch(`${bases[0]}api/v2/users`, {
      method: 'POST', headers: auth, body: JSON.stringify({ connection: 'Username-Password-Authentication', email: 'outage@example.com', password: 'Str0ng!Passw0rd#2026' }),
    });
    expect(created.status).toBe(201);
    const userId = encodeURIComponent(((await created.json()) as { user_id: string }).user_id);
    const app = (await (await fetch(`${bases[0]}api/v2/clients`, {
      method: 'POST', headers: auth, body: JSON.stringify({ name: 'Outage App', app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code'] }),
    })).json()) as { client_id: string };
    const authorize = `authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(CALLBACK)}&scope=openid&state=s1&nonce=n1`;
    const started = await fetch(`${bases[1]}${authorize}`, { redirect: 'manual' });
    expect(started.status).toBe(303);
    const loginPage = new URL(started.headers.get('location')!, bases[1]).href;
    expect(loginPage).toContain('/u/login?state=');

    // Mixed traffic on both nodes for the whole test: tokens, reads, writes, searches, health.
    const requests: Record<string, (base: string, i: number) => Promise<Response>> = {
      token: (base) => fetch(`${base}oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'process-test-admin', client_secret: 'process-test-admin-secret-0123456789abcdef', audience: `${issuer}api/v2/` }),
      }),
      read: (base) => fetch(`${base}api/v2/users/${userId}`, { headers: auth }),
      write: (base, i) => fetch(`${base}api/v2/users/${userId}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ user_metadata: { [`k${i % 20}`]: i } }) }),
      search: (base) => fetch(`${base}api/v2/users?q=${encodeURIComponent('email:"outage@example.com"')}&search_engine=v3`, { headers: auth }),
      health: (base) => fetch(`${base}healthz`),
    };
    const kinds = Object.keys(requests);
    const seen: Seen[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = w; !stop; i += 8) {
        const node = i % 2;
        const what = kinds[i % kinds.length];
        try {
          const res = await requests[what](bases[node], i);
          seen.push({ node, what, status: res.status, body: await res.text() });
        } catch (error) {
          seen.push({ node, what, status: -1, body: String((error as Error).cause ?? error) });
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await until(async () => seen.filter((s) => s.status === 200).length >= 40, 'traffic before the outage');

    // A clean stop first (the server tells each session it is terminating: 57P01), then a crash or a cut network
    // (the sessions just vanish: "Connection terminated unexpectedly" on the clients checked out at that moment).
    for (const mode of ['fast', 'immediate'] as const) {
      cluster.halt(mode);
      const downFrom = seen.length;
      for (const base of bases) await until(async () => (await fetch(`${base}healthz`)).status === 503, '/healthz to say 503');
      // Keep the load on for a while into the outage (a count, not a time).
      await until(async () => seen.length - downFrom >= 200, 'traffic during the outage');

      for (const base of bases) {
        const api = await fetch(`${base}api/v2/users/${userId}`, { headers: auth });
        expect(api.status).toBe(503);
        expect(api.headers.get('retry-after')).toBe('5');
        expect(await api.json()).toEqual({
          statusCode: 503, error: 'Service Unavailable', errorCode: 'temporarily_unavailable', message: 'The service is temporarily unavailable. Try again in a few seconds.',
        });
        // A known client's token may still be issued from the node's 5-second client cache; one it has not seen
        // needs the database.
        const oauth = await fetch(`${base}oauth/token`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: `unseen-${mode}`, client_secret: 'x'.repeat(40), audience: `${issuer}api/v2/` }),
        });
        expect(oauth.status).toBe(503);
        expect(await oauth.json()).toMatchObject({ error: 'temporarily_unavailable' });
        for (const page of [`${base}${authorize}`, loginPage.replace(bases[1], base)]) {
          const html = await fetch(page, { headers: { accept: 'text/html' }, redirect: 'manual' });
          expect(html.status).toBe(503);
          expect(html.headers.get('content-type')).toContain('text/html');
          expect(await html.text()).toContain('Service temporarily unavailable');
        }
      }
      expect(nodes.map((n) => n.alive())).toEqual([true, true]);

      cluster.resume();
      for (const base of bases) await until(async () => (await fetch(`${base}healthz`)).status === 200, '/healthz to recover');
      const upFrom = seen.length;
      await until(async () => seen.slice(upFrom).filter((s) => s.status === 200).length >= 40, 'traffic after the outage');
    }
    stop = true;
    await load;

    for (const base of bases) {
      expect((await fetch(`${base}api/v2/users/${userId}`, { headers: auth })).status).toBe(200);
      expect((await requests.token(base, 0)).status).toBe(200);
      expect((await fetch(loginPage.replace(bases[1], base), { headers: { accept: 'text/html' } })).status).toBe(200);
    }
    // The same processes throughout: none exited, none was restarted.
    expect(nodes.map((n) => n.alive())).toEqual([true, true]);
    for (const node of nodes) expect(node.err()).not.toContain("Unhandled 'error' event");
    const unexpected = seen.filter((s) => ![200, 201, 503].includes(s.status));
    expect(unexpected).toEqual([]);
    const outage = seen.filter((s) => s.status === 503);
    expect(outage.length).toBeGreaterThan(0);
    for (const s of outage) {
      const body = JSON.parse(s.body) as Record<string, unknown>;
      if (s.what === 'token') expect(body).toMatchObject({ error: 'temporarily_unavailable' });
      else if (s.what === 'health') expect(body).toEqual({ status: 'unavailable' });
      else expect(body).toMatchObject({ statusCode: 503, errorCode: 'temporarily_unavailable' });
    }
  });
});
