import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { isPublicAddress, type AddressPolicy } from './blocked-addresses.ts';

/** What the sandbox's fetch sends to the host (JSON across the isolate boundary). */
export interface FetchRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string;
}

export type FetchReply =
  | { status: number; statusText: string; url: string; redirected: boolean; headers: [string, string][]; body: string }
  | { error: string };

export interface SafeFetchOptions {
  /** Which resolved addresses may be connected to; default: public unicast only. */
  addressPolicy?: AddressPolicy;
  /** Per request, including redirects and reading the body. The flow's own deadline also aborts it. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRequestBytes?: number;
  maxRedirects?: number;
  /** Name resolution; injectable so tests can make a hostname resolve to loopback. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export type SafeFetch = (request: FetchRequest, signal: AbortSignal) => Promise<FetchReply>;

export const SAFE_FETCH_DEFAULTS = {
  timeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
  maxRequestBytes: 1024 * 1024,
  maxRedirects: 5,
} as const;

class FetchRefused extends Error {}

/** Request headers that do not follow a redirect to another origin. */
const CROSS_ORIGIN_DROPPED = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * fetch for actions, guarded against SSRF. The check is made on the addresses the connection will actually
 * use: a custom `lookup` resolves the name, refuses it if ANY address is not allowed, and hands the checked
 * address to the socket, so a DNS answer cannot change between check and connect. IP literals never go
 * through lookup, so they are checked before the request. Each redirect hop is a new request, checked again.
 * Failures come back as `{ error }` so the sandbox can throw a TypeError with the reason, as fetch does.
 */
export function createSafeFetch(options: SafeFetchOptions = {}): SafeFetch {
  const policy = options.addressPolicy ?? isPublicAddress;
  const timeoutMs = options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? SAFE_FETCH_DEFAULTS.maxResponseBytes;
  const maxRequestBytes = options.maxRequestBytes ?? SAFE_FETCH_DEFAULTS.maxRequestBytes;
  const maxRedirects = options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !policy(a.address));
        if (addresses.length === 0) return callback(new FetchRefused(`${hostname} did not resolve`), '', 0);
        if (refused) {
          return callback(new FetchRefused(`${hostname} resolves to ${refused.address}, which actions may not reach`), '', 0);
        }
        if (lookupOptions.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };

  return async function safeFetch(request, runSignal) {
    const signal = AbortSignal.any([runSignal, AbortSignal.timeout(timeoutMs)]);
    try {
      if (request.body !== undefined && Buffer.byteLength(request.body) > maxRequestBytes) {
        throw new FetchRefused(`request body exceeds ${maxRequestBytes} bytes`);
      }
      let url = new URL(request.url);
      let method = request.method;
      let body = request.body;
      let headers = request.headers;
      for (let hop = 0; ; hop++) {
        checkUrl(url, policy);
        const res = await send(url, method, headers, body, lookup, signal);
        const location = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && location) {
          res.resume();
          if (hop >= maxRedirects) throw new FetchRefused(`more than ${maxRedirects} redirects`);
          const next = new URL(location, url);
          // As fetch does (Fetch standard, HTTP-redirect fetch): credentials an action sent to one origin are
          // not handed to another one that origin redirects to.
          if (next.origin !== url.origin) headers = headers.filter(([name]) => !CROSS_ORIGIN_DROPPED.has(name.toLowerCase()));
          url = next;
          if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        const text = await readBody(res, maxResponseBytes);
        return {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          url: url.href,
          redirected: hop > 0,
          headers: Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
          body: text,
        };
      }
    } catch (err) {
      if (signal.aborted) {
        return { error: runSignal.aborted ? 'the action run ended' : `request timed out after ${timeoutMs} ms` };
      }
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
}

function checkUrl(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchRefused(`only http and https URLs can be fetched, not ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !policy(host)) throw new FetchRefused(`${host} is an address actions may not reach`);
}

function send(
  url: URL,
  method: string,
  headers: [string, string][],
  body: string | undefined,
  lookup: LookupFunction,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method, headers: Object.fromEntries(headers), lookup, signal, agent: false });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

function readBody(res: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new FetchRefused(`response body exceeds ${maxBytes} bytes`)); // first settle wins
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('aborted', () => reject(new FetchRefused('response aborted')));
  });
}
