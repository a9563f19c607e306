// Server-side request forgery through the server's own outbound requests: with PORTRAIT_ALLOW_PRIVATE_OUTBOUND
// off (the default) an `oidc` connection whose discovery_url names a loopback address (as an IP literal, or as
// a name that resolves to one) never makes the server connect there; the visitor's login ends at the app with a
// clean OAuth error. The Gravatar proxy pointed at loopback is refused the same way. (Actions' fetch:
// test/actions-login-hostile.test.ts; redirects to private addresses: src/platform/outbound/guarded-fetch.test.ts.)
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gravatarHash } from '../src/pictures/gravatar.ts';
import { startGravatarStandIn, type GravatarStandIn } from './support/gravatar-stand-in.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { APP_CALLBACK, createConnection, federatedLogin, relyingParty, type RelyingParty } from './social-support.ts';
import { api } from './support/users.ts';

/** A TCP listener that only counts who connects to it (and closes them). */
async function countingListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket: Socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => count };
}

describe('outbound requests to private addresses (PORTRAIT_ALLOW_PRIVATE_OUTBOUND off)', () => {
  let server: TestServer;
  let internal: Awaited<ReturnType<typeof countingListener>>;
  let standIn: GravatarStandIn;
  let rp: RelyingParty;

  beforeAll(async () => {
    internal = await countingListener();
    standIn = await startGravatarStandIn();
    server = await startTestServer({ tls: true, env: { PORTRAIT_GRAVATAR_BASE_URL: standIn.baseUrl } });
    for (const [name, host] of [['internal-literal', '127.0.0.1'], ['internal-name', 'localhost']]) {
      await createConnection(server, {
        name, strategy: 'oidc',
        options: { discovery_url: `https://${host}:${internal.port}/.well-known/openid-configuration`, client_id: 'x', client_secret: 'y', type: 'back_channel' },
      });
    }
    rp = await relyingParty(server);
  });
  afterAll(async () => {
    await server?.close();
    await standIn?.close();
    internal?.server.close();
  });

  it.each(['internal-literal', 'internal-name'])('an oidc connection at loopback (%s): no connection is made, the app gets server_error', async (connection) => {
    const result = await federatedLogin(server, rp, connection);
    expect(result.url.href.startsWith(APP_CALLBACK)).toBe(true);
    expect(result.url.searchParams.get('error')).toBe('server_error');
    expect(result.url.searchParams.get('error_description')).toBe('The connection is not configured correctly.');
    expect(internal.connections()).toBe(0);
  });

  it('the Gravatar proxy does not reach a loopback base URL; the avatar falls back to initials', async () => {
    const token = await server.managementToken();
    expect((await api(server, token, 'PATCH', '/tenants/settings', JSON.stringify({ picture: { gravatar: 'proxy', default_url: null } }))).status).toBe(200);
    const res = await fetch(`${server.url}avatars/gravatar/${gravatarHash('someone@example.com')}.png?initials=so`, { redirect: 'manual' });
    expect(res.status).toBeLessThan(500);
    expect(standIn.requests).toEqual([]);
  });
});
