// The tenant themes its hosted pages the Auth0 way: /api/v2/branding (primary colour, logo) and the tenant's
// friendly_name, through the official SDK; the login page a browser gets shows them.
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, CALLBACK, createApp } from './login-support.ts';
import { sdkDomain, startTestServer, type TestServer } from './support/test-server.ts';

describe('branding of the hosted login page', () => {
  let server: TestServer;
  let management: ManagementClient;
  let clientId: string;
  beforeAll(async () => {
    server = await startTestServer({ tls: true });
    management = new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
    ({ clientId } = await createApp(server, { name: 'Branded App' }));
  });
  afterAll(async () => server?.close());

  const loginPage = async () => {
    const authorize = `${server.url}authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 'st', nonce: 'n' })}`;
    const { res } = await new Browser().follow(authorize, server.url);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('shows the defaults, then the colour, logo and name the tenant set', async () => {
    expect(await management.branding.get()).toEqual({ colors: { primary: '#635dff' } });
    const before = await loginPage();
    expect(before).toContain('--primary:#635dff');
    expect(before).not.toContain('class="logo"');

    const updated = await management.branding.update({ colors: { primary: '#0a7d3e' }, logo_url: 'https://cdn.example.com/acme.png' });
    expect(updated).toEqual({ colors: { primary: '#0a7d3e' }, logo_url: 'https://cdn.example.com/acme.png' });
    await management.tenants.settings.update({ friendly_name: 'Acme Corp' });

    const after = await loginPage();
    expect(after).toContain('--primary:#0a7d3e');
    expect(after).toContain('<img class="logo" src="https://cdn.example.com/acme.png" alt="Acme Corp">');
    expect(after).toContain('Log in to Acme Corp to continue to Branded App.');

    await management.branding.update({ logo_url: null });
    expect(await management.branding.get()).toEqual({ colors: { primary: '#0a7d3e' } });
  });

  it.each([
    [{ colors: { primary: 'green' } }],
    [{ colors: { primary: '#0a7d3e', page_background: '#fff' } }],
    [{ logo_url: 'http://cdn.example.com/logo.png' }],
    [{ logo_url: 'javascript:alert(1)' }],
    [{ font: { url: 'https://x/f.woff' } }],
  ])('refuses %j with 400 invalid_body and changes nothing', async (body) => {
    const before = await management.branding.get();
    const res = await fetch(`${server.url}api/v2/branding`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await server.managementToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    expect(await management.branding.get()).toEqual(before);
  });

  it('checks the branding scopes', async () => {
    const res = await fetch(`${server.url}api/v2/branding`, { headers: { authorization: `Bearer ${await server.managementToken(['read:users'])}` } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ message: 'Insufficient scope, expected any of: read:branding' });
  });
});
