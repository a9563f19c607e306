// The little the sample app needs of the Management API, over fetch: a machine token from client credentials
// and JSON calls that throw with Auth0's error message. (The official `auth0` SDK always speaks https, and the
// embedded default serves http://localhost:3000.)

export class ManagementCallError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export interface Management {
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

/** A client for `<issuer>api/v2/` holding a token from the client-credentials grant. */
export async function managementClient(issuer: string, clientId: string, clientSecret: string): Promise<Management> {
  const answer = await fetch(new URL('oauth/token', issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: `${issuer}api/v2/` }),
  });
  const token = await answer.json() as { access_token?: string; error_description?: string };
  if (!answer.ok || !token.access_token) throw new ManagementCallError(answer.status, `token: ${token.error_description ?? answer.status}`);
  return withToken(issuer, token.access_token);
}

/** A client for `<issuer>api/v2/` calling with the given access token (a machine's, or a user's own). */
export function withToken(issuer: string, accessToken: string): Management {
  return {
    async call(method, path, body) {
      const answer = await fetch(new URL(`api/v2${path}`, issuer), {
        method,
        headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if (!answer.ok) throw new ManagementCallError(answer.status, parsed?.message ?? `${method} ${path}: ${answer.status}`);
      return parsed;
    },
  };
}
