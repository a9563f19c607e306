import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionsEngine } from './run-flow.ts';
import { action, loginEvent, silentLogger } from './test-support/actions.ts';

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-test', 'yes');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const FETCH_ACTION = `exports.onExecutePostLogin = async (event, api) => {
  const res = await fetch(event.secrets.URL, { method: 'POST', headers: { Authorization: 'Bearer t' }, body: JSON.stringify({ a: 1 }) });
  const data = await res.json();
  api.idToken.setCustomClaim('https://app.example/remote', { status: res.status, header: res.headers.get('X-Test'), data });
};`;

describe('fetch from inside an action', () => {
  const defaultEngine = new ActionsEngine({ logger: silentLogger, flowTimeoutMs: 5_000 });
  afterAll(() => defaultEngine.close());

  it.each([
    ['a local HTTP server on 127.0.0.1', () => `http://127.0.0.1:${port}/`],
    ['localhost', () => `http://localhost:${port}/`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses %s: the action sees a TypeError and the login is denied', async (_label, url) => {
    const result = await defaultEngine.runFlow({
      trigger: 'post-login', actions: [action('fetcher', FETCH_ACTION, { secrets: { URL: url() } })], event: loginEvent(),
    });
    expect(result).toMatchObject({ ok: false, reason: 'error', errorName: 'TypeError', line: 2 });
    if (!result.ok) expect(result.message).toMatch(/^fetch failed: .*may not reach/);
  });

  it('refuses a hostname that resolves to loopback', async () => {
    const engine = new ActionsEngine({ logger: silentLogger, fetch: { resolve: async () => [{ address: '127.0.0.1', family: 4 }] } });
    try {
      const result = await engine.runFlow({
        trigger: 'post-login', actions: [action('fetcher', FETCH_ACTION, { secrets: { URL: `http://rebind.example:${port}/` } })], event: loginEvent(),
      });
      expect(result).toMatchObject({ ok: false, message: 'fetch failed: rebind.example resolves to 127.0.0.1, which actions may not reach' });
    } finally {
      engine.close();
    }
  });

  it('works end to end through the host bridge when loopback is explicitly allowed', async () => {
    const engine = new ActionsEngine({ logger: silentLogger, fetch: { addressPolicy: (a) => a === '127.0.0.1' } });
    try {
      const result = await engine.runFlow({
        trigger: 'post-login', actions: [action('fetcher', FETCH_ACTION, { secrets: { URL: `http://127.0.0.1:${port}/x` } })], event: loginEvent(),
      });
      expect(result).toMatchObject({
        ok: true,
        idTokenClaims: { 'https://app.example/remote': { status: 200, header: 'yes', data: { method: 'POST', auth: 'Bearer t', body: '{"a":1}' } } },
      });
    } finally {
      engine.close();
    }
  });
});
