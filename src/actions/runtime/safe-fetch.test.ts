import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetch } from './safe-fetch.ts';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/redirect-to?')) {
      res.writeHead(302, { location: new URL(req.url, 'http://x').searchParams.get('to')! }).end();
    } else if (req.url === '/headers') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null, other: req.headers['x-other'] ?? null }));
    } else if (req.url === '/redirect-to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (req.url === '/big') {
      res.end('x'.repeat(5000));
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 2_000);
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, path: req.url }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const never = new AbortController().signal;
const get = (url: string) => ({ url, method: 'GET', headers: [] as [string, string][] });

describe('createSafeFetch', () => {
  it('refuses loopback, link-local metadata and private literals by default', async () => {
    const fetch = createSafeFetch();
    for (const url of [base, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/']) {
      expect(await fetch(get(url), never)).toMatchObject({ error: expect.stringMatching(/may not reach/) });
    }
  });

  it('checks the resolved addresses, not the name', async () => {
    const fetch = createSafeFetch({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const port = new URL(base).port;
    expect(await fetch(get(`http://innocent.example:${port}/`), never)).toEqual({
      error: 'innocent.example resolves to 127.0.0.1, which actions may not reach',
    });
  });

  it('refuses localhost through real DNS', async () => {
    const reply = await createSafeFetch()(get(`http://localhost:${new URL(base).port}/`), never);
    expect(reply).toMatchObject({ error: expect.stringMatching(/may not reach/) });
  });

  it('refuses non-http schemes', async () => {
    expect(await createSafeFetch()(get('file:///etc/passwd'), never)).toMatchObject({ error: expect.stringMatching(/only http and https/) });
  });

  describe('with loopback explicitly allowed (to exercise the transport itself)', () => {
    const loopbackOnly = (a: string) => a === '127.0.0.1';

    it('fetches from a local server', async () => {
      const reply = await createSafeFetch({ addressPolicy: loopbackOnly })({ url: `${base}/hello`, method: 'POST', headers: [], body: '{}' }, never);
      expect(reply).toMatchObject({ status: 200, body: JSON.stringify({ method: 'POST', path: '/hello' }), redirected: false });
    });

    it('re-checks every redirect hop', async () => {
      const reply = await createSafeFetch({ addressPolicy: loopbackOnly })(get(`${base}/redirect-to-metadata`), never);
      expect(reply).toEqual({ error: '169.254.169.254 is an address actions may not reach' });
    });

    // Found by the security sweep: every hop was sent the action's original headers, so an API that redirected
    // elsewhere handed the action's bearer token to that other host.
    it('drops credentials when a redirect leaves the origin, keeps them within it', async () => {
      const fetch = createSafeFetch({ addressPolicy: loopbackOnly, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const port = new URL(base).port;
      const headers: [string, string][] = [['Authorization', 'Bearer secret'], ['Cookie', 'a=b'], ['X-Other', 'kept']];
      const via = (to: string) => fetch({ url: `${base}/redirect-to?to=${encodeURIComponent(to)}`, method: 'GET', headers }, never);
      const other = await via(`http://elsewhere.example:${port}/headers`);
      expect(JSON.parse((other as { body: string }).body)).toEqual({ authorization: null, cookie: null, other: 'kept' });
      const same = await via(`${base}/headers`);
      expect(JSON.parse((same as { body: string }).body)).toEqual({ authorization: 'Bearer secret', cookie: 'a=b', other: 'kept' });
    });

    it('limits the response size', async () => {
      const reply = await createSafeFetch({ addressPolicy: loopbackOnly, maxResponseBytes: 1000 })(get(`${base}/big`), never);
      expect(reply).toEqual({ error: 'response body exceeds 1000 bytes' });
    });

    it('times out', async () => {
      const reply = await createSafeFetch({ addressPolicy: loopbackOnly, timeoutMs: 100 })(get(`${base}/slow`), never);
      expect(reply).toEqual({ error: 'request timed out after 100 ms' });
    });
  });
});
