// Item 8 of the hardening issue, through real HTTP: a connection's enabled_clients naming a client twice keeps
// it once; a wildcard callback (`https://*.example.com/cb`, Auth0's subdomain wildcard) is saved AND matches at
// /authorize for one subdomain label, while other hosts, deeper subdomains and the pattern itself are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { api } from './support/users.ts';

describe('client URL and connection rules', () => {
  let server: TestServer;
  let token: string;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    token = await server.managementToken();
    const created = await api(server, token, 'POST', '/clients', JSON.stringify({
      name: 'Preview apps', app_type: 'regular_web', callbacks: ['https://*.preview.example.com/cb', 'https://pr-*-web.example.org/cb'],
      allowed_logout_urls: ['https://*.preview.example.com/bye'],
    }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    clientId = (created.body as { client_id: string }).client_id;
  });
  afterAll(async () => server?.close());

  it('enabled_clients naming a client twice keeps it once (create and update)', async () => {
    const created = await api(server, token, 'POST', '/connections', JSON.stringify({ name: 'twice', strategy: 'auth0', enabled_clients: [clientId, clientId, server.admin.clientId, clientId] }));
    expect(created.status).toBe(201);
    expect((created.body as { enabled_clients: string[] }).enabled_clients).toEqual([clientId, server.admin.clientId]);
    const id = (created.body as { id: string }).id;
    const updated = await api(server, token, 'PATCH', `/connections/${id}`, JSON.stringify({ enabled_clients: [server.admin.clientId, server.admin.clientId] }));
    expect((updated.body as { enabled_clients: string[] }).enabled_clients).toEqual([server.admin.clientId]);
  });

  it('refuses at save a wildcard over a public suffix or outside the leftmost label', async () => {
    for (const callback of ['https://*.co.uk/cb', 'https://x.*.example.com/cb', 'https://example.com/*']) {
      const answer = await api(server, token, 'POST', '/clients', JSON.stringify({ name: 'bad', callbacks: [callback] }));
      expect(answer.status, callback).toBe(400);
    }
  });

  const authorize = (redirectUri: string) =>
    fetch(`${server.url}authorize?${new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 'st' })}`, { redirect: 'manual' });

  it.each(['https://app.preview.example.com/cb', 'https://pr-17-web.example.org/cb'])('%s matches a wildcard callback: on to the login page', async (redirectUri) => {
    const res = await authorize(redirectUri);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/u\/login\?state=/);
  });

  it.each([
    'https://a.b.preview.example.com/cb',
    'https://preview.example.com/cb',
    'https://app.preview.example.com.evil.com/cb',
    'https://app.preview.example.com/cb/other',
    'http://app.preview.example.com/cb',
    'https://*.preview.example.com/cb',
  ])('%s does not match: refused, no redirect to it', async (redirectUri) => {
    const res = await authorize(redirectUri);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
