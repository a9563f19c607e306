// Access tokens for the Management API: RS256 JWTs signed with the tenant's current key, verified against the
// published keys. Only RS256 is accepted, so `alg: none` and HS256-with-the-public-key forgeries fail.
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload, type JWK, importJWK } from 'jose';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { LruCache } from '../platform/lru-cache.ts';
import { dependencyFault } from '../platform/dependency-faults.ts';
import { randomAlphanumeric } from '../platform/ids.ts';

export const MANAGEMENT_TOKEN_LIFETIME_SECONDS = 86400;

export interface ManagementAudience {
  /** `<issuer>api/v2/` — what tokens carry as `aud`. */
  canonical: string;
  /** Every spelling accepted in requests and on tokens: also the https:// form, which the auth0 SDK always writes. */
  accepted: string[];
}

export function managementAudience(issuer: string): ManagementAudience {
  const canonical = `${issuer}api/v2/`;
  const https = canonical.replace(/^http:/, 'https:');
  return { canonical, accepted: [...new Set([canonical, https])] };
}

export interface IssueClientTokenInput {
  clientId: string;
  audience: string;
  scopes: string[];
  extraClaims?: Record<string, unknown>;
  lifetimeSeconds?: number;
}

export class InvalidAccessToken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAccessToken';
  }
}

/** How many verified tokens to remember; a hit skips the RSA verification, half the cost of a small request. */
const VERIFIED_CACHE_ENTRIES = 10_000;

export class AccessTokens {
  private readonly publicKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();
  // Keyed by the whole token string: only the exact bytes that were verified hit. Expiry and audience are
  // still checked on every hit, so a cached token stops working the second it expires.
  private readonly verified = new LruCache<string, JWTPayload>(VERIFIED_CACHE_ENTRIES);

  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: string,
  ) {}

  async issueForClient(input: IssueClientTokenInput): Promise<{ token: string; expiresIn: number }> {
    const key = await this.keys.current();
    const expiresIn = input.lifetimeSeconds ?? MANAGEMENT_TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({
      ...input.extraClaims,
      scope: input.scopes.join(' '),
      gty: 'client-credentials',
      azp: input.clientId,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(this.issuer)
      .setSubject(`${input.clientId}@clients`)
      .setAudience(input.audience)
      .setIssuedAt()
      // A jti, so that the token can be blacklisted (/api/v2/blacklists/tokens).
      .setJti(randomAlphanumeric(24))
      .setExpirationTime(`${expiresIn}s`)
      .sign(key.privateKey);
    return { token, expiresIn };
  }

  /** Verifies signature (RS256 only), issuer, audience and expiry; throws InvalidAccessToken with Auth0's wording. */
  async verify(token: string, audiences: string[]): Promise<JWTPayload> {
    const cached = this.verified.get(token);
    if (cached) {
      if (typeof cached.exp !== 'number' || cached.exp * 1000 <= Date.now()) {
        this.verified.delete(token);
        throw new InvalidAccessToken('Expired token received for JSON Web Token validation');
      }
      const aud = Array.isArray(cached.aud) ? cached.aud : [cached.aud];
      if (!aud.some((a) => a !== undefined && audiences.includes(a))) throw new InvalidAccessToken('Bad audience claim.');
      return cached;
    }
    const payload = await this.verifyUncached(token, audiences);
    this.verified.set(token, payload);
    return payload;
  }

  private async verifyUncached(token: string, audiences: string[]): Promise<JWTPayload> {
    const keyFor = async (header: { kid?: string; alg?: string }) => {
      let keys = await this.keys.all();
      let found = keys.find((k) => k.kid === header.kid);
      if (!found) {
        keys = await this.keys.all(true);
        found = keys.find((k) => k.kid === header.kid);
      }
      if (!found) throw new InvalidAccessToken('Invalid token.');
      let key = this.publicKeys.get(found.kid);
      if (!key) {
        key = importJWK(found.publicJwk as JWK, 'RS256');
        this.publicKeys.set(found.kid, key);
      }
      return key;
    };
    try {
      const { payload } = await jwtVerify(token, keyFor, { issuer: this.issuer, audience: audiences, algorithms: ['RS256'] });
      return payload;
    } catch (error) {
      if (error instanceof InvalidAccessToken) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new InvalidAccessToken('Expired token received for JSON Web Token validation');
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
        throw new InvalidAccessToken('Invalid signature received for JSON Web Token validation');
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw new InvalidAccessToken(`Bad ${error.claim === 'aud' ? 'audience' : error.claim === 'iss' ? 'issuer' : error.claim} claim.`);
      }
      // The key set could not be read (database away): not the token's fault, so not a 401 that makes clients drop it.
      if (dependencyFault(error)) throw error;
      throw new InvalidAccessToken('Invalid token.');
    }
  }
}
