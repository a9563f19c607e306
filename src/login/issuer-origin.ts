// Behind a TLS-terminating proxy the request's scheme and host are the proxy's view (http://127.0.0.1:3000), and
// oidc-provider builds discovery, redirects and logout URLs from its Koa context. So before the provider or a
// hosted page sees a request, its forwarded headers are replaced with the issuer's scheme and host (and the
// provider trusts them: `provider.proxy = true`), and X-Forwarded-For with the one client IP that fastify
// resolved under PORTRAIT_TRUST_PROXY. Whatever a client or proxy sent in X-Forwarded-Proto/-Host is never used.
import type { FastifyRequest } from 'fastify';

export function issuerOriginHook(issuer: string) {
  const url = new URL(issuer);
  const proto = url.protocol.slice(0, -1);
  const host = url.host;
  return async function useIssuerOrigin(request: FastifyRequest): Promise<void> {
    const ip = request.ip; // read before the headers it may come from are replaced
    const headers = request.raw.headers;
    headers['x-forwarded-proto'] = proto;
    headers['x-forwarded-host'] = host;
    headers['x-forwarded-for'] = ip;
  };
}
