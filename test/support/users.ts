// Helpers for the users black-box tests: SDK clients for a running server, user-context tokens minted the way
// the sign-in flow will mint them, and raw HTTPS calls for what the SDK cannot send.
import { ManagementClient } from 'auth0';
import { SignJWT } from 'jose';
import { sdkDomain, type TestServer } from './test-server.ts';

export const DB_CONNECTION = 'Username-Password-Authentication';
export const STRONG_PASSWORD = 'Correct-Horse-9';

export function adminClient(server: TestServer): ManagementClient {
  return new ManagementClient({ domain: sdkDomain(server), clientId: server.admin.clientId, clientSecret: server.admin.clientSecret });
}

export async function clientWithScopes(server: TestServer, scopes: string[]): Promise<ManagementClient> {
  const token = await server.managementToken(scopes);
  return new ManagementClient({ domain: sdkDomain(server), token });
}

/** A user-context access token for the Management API: sub = the user, no `gty`, current-user scopes. */
export async function userToken(server: TestServer, userId: string, scope = 'read:current_user update:current_user_metadata'): Promise<string> {
  const key = await server.services.keys.current();
  return new SignJWT({ scope, azp: server.admin.clientId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(server.issuer)
    .setAudience(`${server.issuer}api/v2/`)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);
}

export interface RawAnswer {
  status: number;
  body: unknown;
}

/** One HTTPS call to the Management API with full control over path, headers and body. */
export async function api(server: TestServer, token: string, method: string, path: string, body?: string, contentType = 'application/json'): Promise<RawAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await fetch(`${server.url}api/v2${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}
