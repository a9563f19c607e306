// One HTTPS request with nothing normalized: the path goes out byte for byte (`..`, `%00`, `%2F` stay as
// written, which fetch's URL parser would rewrite), the body is any bytes, any method, any headers.
import https from 'node:https';

export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the request line. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });

export async function rawRequest(base: string, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  try {
    return await send(base, request, timeoutMs);
  } catch (error) {
    // A kept-alive socket the server had already closed (it closes after some 4xx): Node's advice is to retry.
    if ((error as { reusedSocket?: boolean }).reusedSocket) return send(base, request, timeoutMs);
    throw error;
  }
}

function send(base: string, request: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const url = new URL(base);
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...request.headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${request.method} ${request.path.slice(0, 200)}`)));
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

export function closeRawAgent(): void {
  agent.destroy();
}
