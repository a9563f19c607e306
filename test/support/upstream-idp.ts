// Upstream identity providers for the social-login tests, each a real HTTPS server on another loopback port
// with the run's trusted certificate:
// - `startUpstreamIdp`: a second oidc-provider instance with its own in-memory configuration, serving users
//   whose claims (picture included) a test may change between logins; it signs users in without a page, or
//   answers access_denied when told to.
// - `startRogueIdp`: a hand-written OIDC server whose ID tokens are wrong in one chosen way.
// - `startSilentServer`: accepts connections and never answers (time-outs).
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';
import { inject } from 'vitest';
import type { TestCertificate } from './tls.ts';

export const UPSTREAM_CLIENT = { id: 'portrait-at-upstream', secret: 'upstream-client-secret-0123456789' };

export interface UpstreamAccount {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  email?: string;
  email_verified?: boolean;
  locale?: string;
}

function tlsOptions() {
  const cert = inject('tlsCert' as never) as TestCertificate;
  return { cert: readFileSync(cert.cert), key: readFileSync(cert.key) };
}

async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export interface UpstreamIdp {
  issuer: string;
  discoveryUrl: string;
  /** The users it knows, by sub; change them between logins. */
  accounts: Map<string, UpstreamAccount>;
  /** Who signs in at the next authorization, or 'deny' for access_denied. */
  next: { account: string } | 'deny';
  close(): Promise<void>;
}

export async function startUpstreamIdp(callbackUrl: string): Promise<UpstreamIdp> {
  const server = createHttpsServer(tlsOptions());
  const port = await listen(server);
  const issuer = `https://127.0.0.1:${port}`;
  const idp: UpstreamIdp = {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    accounts: new Map(),
    next: 'deny',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'upstream-1', alg: 'RS256', use: 'sig' }] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    clients: [{
      client_id: UPSTREAM_CLIENT.id,
      client_secret: UPSTREAM_CLIENT.secret,
      redirect_uris: [callbackUrl],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name', 'nickname', 'picture', 'locale'], email: ['email', 'email_verified'] },
    cookies: { keys: ['upstream-test-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = idp.accounts.get(sub);
      return account ? { accountId: sub, claims: async () => ({ ...account }) } : undefined;
    },
  });
  provider.proxy = false;
  const callback = provider.callback();
  // The upstream's "login page": signs in the chosen account at once, with consent for what was asked.
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      const finish = async (result: Record<string, unknown>) => {
        const returnTo = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
        res.writeHead(303, { location: returnTo });
        res.end();
      };
      if (idp.next === 'deny') return finish({ error: 'access_denied', error_description: 'The user cancelled.' });
      const accountId = idp.next.account;
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await finish({ login: { accountId }, consent: { grantId } });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  return idp;
}

export type RogueFault = 'signature' | 'nonce' | 'issuer';

export interface RogueIdp {
  issuer: string;
  fault: RogueFault;
  close(): Promise<void>;
}

/** An OIDC server whose discovery, JWKS and code flow look right, and whose ID token is wrong by `fault`. */
export async function startRogueIdp(): Promise<RogueIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = createHttpsServer(tlsOptions());
  const port = await listen(server);
  const issuer = `https://127.0.0.1:${port}/`;
  const rogue: RogueIdp = { issuer, fault: 'signature', close: () => new Promise((resolve) => server.close(() => resolve())) };
  const nonces = new Map<string, string>();
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (body: unknown) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer, authorization_endpoint: `${issuer}authorize`, token_endpoint: `${issuer}token`, jwks_uri: `${issuer}jwks`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = `code-${nonces.size + 1}`;
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const nonce = nonces.get(form.get('code') ?? '') ?? '';
        const idToken = await new SignJWT({ nonce: rogue.fault === 'nonce' ? 'not-the-nonce' : nonce, name: 'Mallory', picture: 'https://rogue.example/m.png' })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(rogue.fault === 'issuer' ? 'https://impostor.example/' : issuer)
          .setAudience(form.get('client_id') ?? '')
          .setSubject('mallory')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(rogue.fault === 'signature' ? stranger.privateKey : privateKey);
        json({ access_token: 'rogue-access-token', token_type: 'Bearer', expires_in: 300, id_token: idToken });
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return rogue;
}

/** A TCP server that accepts and never says a word: every call to it times out. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
