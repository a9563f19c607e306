// POST /oauth/token for the client-credentials grant: machine clients get RS256 access tokens for the APIs
// their client grants name (the Management API first). Errors follow OAuth 2.0: {error, error_description}.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClientsStore } from '../clients/clients-store.ts';
import type { AccessTokens, ManagementAudience } from './access-tokens.ts';

export interface TokenEndpointOptions {
  clients: ClientsStore;
  tokens: AccessTokens;
  managementAudience: ManagementAudience;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  reply.header('cache-control', 'no-store');
  return reply.status(status).send({ error, error_description: description });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  // RFC 6749 §2.3.1 form-encodes both parts; a stray '%' must not throw (that would answer 500).
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    return null;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 4096 ? v : undefined);

export function registerClientCredentialsGrant(app: FastifyInstance, options: TokenEndpointOptions): void {
  const { clients, tokens, managementAudience } = options;

  app.post('/oauth/token', { bodyLimit: 64 * 1024 }, async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const grantType = str(body.grant_type);
    if (!grantType) return oauthError(reply, 400, 'invalid_request', 'Missing required parameter: grant_type');
    if (grantType !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    }
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? str(body.client_id);
    const secret = basic?.secret ?? str(body.client_secret);
    if (!clientId || !secret) return oauthError(reply, 401, 'access_denied', 'Unauthorized');
    const client = await clients.get(clientId);
    if (!client || !(await clients.verifySecret(clientId, secret))) {
      return oauthError(reply, 401, 'access_denied', 'Unauthorized');
    }
    if (!client.grant_types.includes('client_credentials')) {
      return oauthError(reply, 403, 'unauthorized_client', 'Grant type \'client_credentials\' not allowed for the client.');
    }
    const requested = str(body.audience);
    if (!requested) return oauthError(reply, 400, 'invalid_request', 'Missing required parameter: audience');
    const audience = managementAudience.accepted.includes(requested) ? managementAudience.canonical : requested;
    const [grant] = await clients.listGrants({ client_id: clientId, audience });
    if (!grant) {
      return oauthError(reply, 403, 'access_denied', `Client is not authorized to access "${requested}". You need to create a "client-grant" associated to this API.`);
    }
    const asked = str(body.scope)?.split(' ').filter(Boolean);
    const scopes = asked ? grant.scope.filter((s) => asked.includes(s)) : grant.scope;
    const { token, expiresIn } = await tokens.issueForClient({ clientId, audience, scopes });
    reply.header('cache-control', 'no-store');
    return { access_token: token, scope: scopes.join(' '), expires_in: expiresIn, token_type: 'Bearer' };
  });
}
