// The guard behind the fetch signature, with real sockets: a "public" host (127.0.0.1, declared public by the
// test's policy) that redirects to an internal one (127.0.0.2, not allowed) is refused before any connection to
// the internal host; IP literals and names resolving to private addresses are refused before connecting.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundAddressPolicy } from './address-policy.ts';
import { createGuardedFetch } from './guarded-fetch.ts';
import { isOutboundRefusal } from './guarded-request.ts';

let publicHost: http.Server;
let internalHost: http.Server;
let publicBase: string;
let internalBase: string;
let internalConnections = 0;

beforeAll(async () => {
  internalHost = http.createServer((_req, res) => res.end('secret'));
  internalHost.on('connection', () => internalConnections++);
  await new Promise<void>((resolve) => internalHost.listen(0, '127.0.0.2', resolve));
  internalBase = `http://127.0.0.2:${(internalHost.address() as AddressInfo).port}`;
  publicHost = http.createServer((req, res) => {
    if (req.url === '/to-internal') return res.writeHead(302, { location: `${internalBase}/admin` }).end();
    if (req.url === '/to-internal-name') return res.writeHead(307, { location: `http://internal.example:${new URL(internalBase).port}/admin` }).end();
    if (req.url === '/to-self') return res.writeHead(302, { location: '/echo' }).end();
    if (req.url === '/no-content') return res.writeHead(204).end();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.setHeader('content-type', 'application/json').end(JSON.stringify({ method: req.method, url: req.url, body, type: req.headers['content-type'] ?? null })));
  });
  await new Promise<void>((resolve) => publicHost.listen(0, '127.0.0.1', resolve));
  publicBase = `http://127.0.0.1:${(publicHost.address() as AddressInfo).port}`;
});
afterAll(() => {
  for (const s of [publicHost, internalHost]) {
    s.closeAllConnections();
    s.close();
  }
});

/** 127.0.0.1 plays a public address; everything else keeps the default rules. */
const onlyPublicHost = (address: string) => address === '127.0.0.1';
const resolveNames = async (host: string) => [{ address: host === 'internal.example' ? '127.0.0.2' : '127.0.0.1', family: 4 }];

describe('createGuardedFetch', () => {
  it('refuses loopback and private addresses by default, as literals and through DNS (localhost)', async () => {
    const guarded = createGuardedFetch({ addressPolicy: outboundAddressPolicy(false) });
    for (const url of [`${internalBase}/`, `http://localhost:${new URL(internalBase).port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/']) {
      const error = await guarded(url).catch((e: unknown) => e);
      expect(isOutboundRefusal(error), String(error)).toBe(true);
    }
    expect(internalConnections).toBe(0);
  });

  it('re-checks every redirect hop: a public host cannot send the request to an internal one', async () => {
    const guarded = createGuardedFetch({ addressPolicy: onlyPublicHost, resolve: resolveNames });
    for (const path of ['/to-internal', '/to-internal-name']) {
      const error = await guarded(`${publicBase}${path}`).catch((e: unknown) => e);
      expect(isOutboundRefusal(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/127\.0\.0\.2.*outbound requests may not reach/);
    }
    expect(internalConnections).toBe(0);
  });

  it('with redirect: manual hands back the 3xx without following it', async () => {
    const res = await createGuardedFetch({ addressPolicy: onlyPublicHost })(`${publicBase}/to-internal`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${internalBase}/admin`);
    expect(internalConnections).toBe(0);
  });

  it('speaks fetch: form bodies, JSON answers, the final URL, bodiless statuses', async () => {
    const guarded = createGuardedFetch({ addressPolicy: onlyPublicHost });
    const posted = await guarded(`${publicBase}/token`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(await posted.json()).toEqual({ method: 'POST', url: '/token', body: 'a=1', type: 'application/x-www-form-urlencoded;charset=UTF-8' });
    const followed = await guarded(`${publicBase}/to-self`);
    expect(followed.url).toBe(`${publicBase}/echo`);
    expect(followed.redirected).toBe(true);
    expect((await guarded(`${publicBase}/no-content`)).status).toBe(204);
  });

  it('allows private addresses when the operator says so (PORTRAIT_ALLOW_PRIVATE_OUTBOUND=true)', async () => {
    const res = await createGuardedFetch({ addressPolicy: outboundAddressPolicy(true) })(`${internalBase}/`);
    expect(await res.text()).toBe('secret');
  });
});
