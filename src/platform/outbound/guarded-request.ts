// The one way the server sends a request to another host (upstream identity providers, Gravatar, Actions'
// fetch), guarded against server-side request forgery. The check is made on the addresses the connection will
// actually use: a custom `lookup` resolves the name, refuses it if ANY address is not allowed, and hands the
// checked address to the socket, so a DNS answer cannot change between check and connect. IP literals never go
// through lookup, so they are checked before the request. Each redirect hop is a new request, checked again.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { isPublicAddress, type AddressPolicy } from './address-policy.ts';

export interface GuardOptions {
  /** Which resolved addresses may be connected to; default: public unicast only. */
  addressPolicy?: AddressPolicy;
  /** Who is refused, for messages: "… which <subject> may not reach" (default "outbound requests"). */
  subject?: string;
  /** Per request, including redirects and reading the body. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRequestBytes?: number;
  maxRedirects?: number;
  /** Name resolution; injectable so tests can make a hostname resolve to loopback. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export interface OutboundRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string | Buffer;
  /** 'follow' (default): redirects are followed, each hop checked; 'manual': a 3xx is the answer. */
  redirect?: 'follow' | 'manual';
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  /** The URL of the last hop. */
  url: string;
  redirected: boolean;
  headers: [string, string][];
  body: Buffer;
}

export type GuardedRequester = (request: OutboundRequest, signal?: AbortSignal) => Promise<OutboundResponse>;

export const GUARD_DEFAULTS = {
  timeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
  maxRequestBytes: 1024 * 1024,
  maxRedirects: 5,
} as const;

/** A request the guard would not send, or an answer it would not read (size). The message says why. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

/** Whether `error`, or an error it was caused by (openid-client wraps fetch's), is the guard's refusal. */
export function isOutboundRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefused) return true;
  }
  return false;
}

/** Request headers that do not follow a redirect to another origin (Fetch standard, HTTP-redirect fetch). */
const CROSS_ORIGIN_DROPPED = new Set(['authorization', 'cookie', 'proxy-authorization']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createGuardedRequester(options: GuardOptions = {}): GuardedRequester {
  const policy = options.addressPolicy ?? isPublicAddress;
  const subject = options.subject ?? 'outbound requests';
  const timeoutMs = options.timeoutMs ?? GUARD_DEFAULTS.timeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? GUARD_DEFAULTS.maxResponseBytes;
  const maxRequestBytes = options.maxRequestBytes ?? GUARD_DEFAULTS.maxRequestBytes;
  const maxRedirects = options.maxRedirects ?? GUARD_DEFAULTS.maxRedirects;
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !policy(a.address));
        if (addresses.length === 0) return callback(new OutboundRefused(`${hostname} did not resolve`), '', 0);
        if (refused) {
          return callback(new OutboundRefused(`${hostname} resolves to ${refused.address}, which ${subject} may not reach`), '', 0);
        }
        if (lookupOptions.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };

  // Connections are kept alive and reused (a TLS handshake per request made a login's four upstream calls slow);
  // a socket is only ever opened through `lookup`, so every address the agents connect to was checked.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup, timeout: timeoutMs }),
    'https:': new https.Agent({ keepAlive: true, lookup, timeout: timeoutMs }),
  };

  const checkUrl = (url: URL) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundRefused(`only http and https URLs can be fetched, not ${url.protocol}`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !policy(host)) throw new OutboundRefused(`${host} is an address ${subject} may not reach`);
  };

  return async function guardedRequest(request, callerSignal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    if (request.body !== undefined && Buffer.byteLength(request.body) > maxRequestBytes) {
      throw new OutboundRefused(`request body exceeds ${maxRequestBytes} bytes`);
    }
    let url = new URL(request.url);
    let { method, body, headers } = request;
    try {
      for (let hop = 0; ; hop++) {
        checkUrl(url);
        const res = await send(url, method, headers, body, agents[url.protocol as 'http:' | 'https:'], signal);
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode ?? 0) && location && request.redirect !== 'manual') {
          res.resume();
          if (hop >= maxRedirects) throw new OutboundRefused(`more than ${maxRedirects} redirects`);
          const next = new URL(location, url);
          if (next.origin !== url.origin) headers = headers.filter(([name]) => !CROSS_ORIGIN_DROPPED.has(name.toLowerCase()));
          url = next;
          if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        return {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          url: url.href,
          redirected: hop > 0,
          headers: Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
          body: await readBody(res, maxResponseBytes),
        };
      }
    } catch (err) {
      if (timeout.aborted && !callerSignal?.aborted) {
        // Not a refusal: a time-out, named as AbortSignal.timeout names its own.
        throw Object.assign(new Error(`request timed out after ${timeoutMs} ms`, { cause: err }), { name: 'TimeoutError' });
      }
      throw err;
    }
  };
}

function send(
  url: URL,
  method: string,
  headers: [string, string][],
  body: string | Buffer | undefined,
  agent: http.Agent,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method, headers: Object.fromEntries(headers), signal, agent });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new OutboundRefused(`response body exceeds ${maxBytes} bytes`)); // first settle wins
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', reject);
    res.once('aborted', () => reject(new OutboundRefused('response aborted')));
  });
}
