// The guarded requester (guarded-request.ts) behind the WHATWG fetch signature, for code written against fetch:
// openid-client's `customFetch` (discovery, token, userinfo, JWKS), the OAuth 2.0 upstreams and the Gravatar
// proxy. The answer is read whole (bounded) before the Response is built.
import { createGuardedRequester, type GuardOptions } from './guarded-request.ts';

/** The parts of RequestInit the server's own callers use (openid-client's CustomFetchOptions among them). */
export interface GuardedFetchInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | URLSearchParams | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | null;
  redirect?: RequestRedirect;
  signal?: AbortSignal | null;
}

export type GuardedFetch = (input: string | URL, init?: GuardedFetchInit) => Promise<Response>;

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

async function bodyOf(body: GuardedFetchInit['body']): Promise<string | Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body).arrayBuffer());
}

function headersList(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => out.push([name, value]));
  return out;
}

export function createGuardedFetch(options: GuardOptions = {}): GuardedFetch {
  const request = createGuardedRequester(options);
  return async function guardedFetch(input, init = {}) {
    const headers = new Headers(init.headers);
    if (init.body instanceof URLSearchParams && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
    if (init.redirect === 'error') throw new TypeError('redirect: "error" is not supported by the outbound guard');
    const answer = await request(
      { url: String(input), method: (init.method ?? 'GET').toUpperCase(), headers: headersList(headers), body: await bodyOf(init.body), redirect: init.redirect ?? 'follow' },
      init.signal ?? undefined,
    );
    const response = new Response(NULL_BODY.has(answer.status) ? null : new Uint8Array(answer.body), {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers.filter(([name]) => name.toLowerCase() !== 'set-cookie'),
    });
    // A constructed Response has no url or redirected; callers (openid-client's error messages) may read them.
    Object.defineProperties(response, { url: { value: answer.url }, redirected: { value: answer.redirected } });
    return response;
  };
}
