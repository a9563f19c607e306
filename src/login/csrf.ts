// CSRF protection for the hosted forms (double submit, signed): the browser holds a random cookie, and each form
// carries an HMAC of that cookie and the login transaction. A cross-site page can neither read the cookie nor
// forge the HMAC, and a token for one transaction does not fit another.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'portrait_csrf';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export class CsrfTokens {
  constructor(
    private readonly key: string,
    /** The issuer is https: the cookie is Secure whatever scheme the request arrived with (a TLS proxy's http). */
    private readonly secure: boolean,
  ) {}

  private sign(browserSecret: string, state: string): string {
    return createHmac('sha256', this.key).update(`${browserSecret}.${state}`).digest('base64url');
  }

  /** The token to put in a form, setting the browser's cookie when it has none yet. */
  issue(request: FastifyRequest, reply: FastifyReply, state: string): string {
    let secret = readCookie(request, COOKIE);
    if (!secret || !/^[A-Za-z0-9_-]{32,64}$/.test(secret)) {
      secret = randomBytes(24).toString('base64url');
      const secure = this.secure ? '; Secure' : '';
      reply.header('set-cookie', `${COOKIE}=${secret}; Path=/u; HttpOnly; SameSite=Lax${secure}`);
    }
    return this.sign(secret, state);
  }

  verify(request: FastifyRequest, state: string, token: unknown): boolean {
    const secret = readCookie(request, COOKIE);
    if (!secret || typeof token !== 'string' || token.length > 100) return false;
    const expected = Buffer.from(this.sign(secret, state));
    const actual = Buffer.from(token);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
