// Serves the built dashboard (dist/web) at /dashboard: hashed assets cached for good, every other path the
// single page (deep links survive a reload), a fresh style nonce per page, and headers that keep it unframeable
// and free of inline script. The page itself talks only to the public Management API.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_CLIENT_ID, consoleScope } from './console-client.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * No inline script anywhere. Styles: Mantine and CodeMirror insert <style> elements at run time, so style-src
 * admits the page's nonce (not 'unsafe-inline'); element styles are set through the CSSOM, which CSP allows.
 * Pictures may come from any https host (social providers, Gravatar) as on Auth0's dashboard.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' https: data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function secure(reply: FastifyReply, nonce: string): FastifyReply {
  return reply
    .header('content-security-policy', consoleCsp(nonce))
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

export async function consoleRoutes(app: FastifyInstance, opts: { dir: string; issuer: string; audience: string }): Promise<void> {
  const { dir, issuer, audience } = opts;
  let indexHtml: string | null = null;
  const page = (): string | null => {
    const file = path.join(dir, 'index.html');
    if (indexHtml === null && existsSync(file)) indexHtml = readFileSync(file, 'utf8');
    return indexHtml;
  };

  const serveIndex = async (_request: unknown, reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    const html = page();
    secure(reply, nonce).header('cache-control', 'no-store');
    if (!html) return reply.status(503).type('text/plain; charset=utf-8').send('The dashboard is not built. Run `npm run build:web` (npm install does it).');
    return reply.type('text/html; charset=utf-8').send(html.replace('name="portrait-style-nonce" content=""', `name="portrait-style-nonce" content="${nonce}"`));
  };

  app.get('/dashboard', async (_request, reply) => reply.redirect('/dashboard/'));
  app.get('/dashboard/config.json', async (_request, reply) => {
    secure(reply, '').header('cache-control', 'no-store');
    return { issuer, clientId: CONSOLE_CLIENT_ID, audience, scope: consoleScope() };
  });
  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', async (request, reply) => {
    const { file } = request.params;
    const type = TYPES[path.extname(file)];
    // Only the build's own flat file names: nothing outside dist/web/assets can be named.
    if (!/^[\w.-]+$/.test(file) || !type) return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'Not found' });
    try {
      const body = await readFile(path.join(dir, 'assets', file));
      return secure(reply, '').header('cache-control', 'public, max-age=31536000, immutable').type(type).send(body);
    } catch {
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'Not found' });
    }
  });
  app.get('/dashboard/', serveIndex);
  app.get('/dashboard/*', serveIndex);
}
