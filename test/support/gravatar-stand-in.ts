// A local HTTPS server standing in for s.gravatar.com (this network has no internet): it records every
// request, and answers per email hash as the test configures. Uses the run's trusted test certificate.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import type { TestCertificate } from './tls.ts';

export type StandInAnswer =
  | { status: number; body?: Buffer | string; contentType?: string; delayMs?: number }
  | undefined;

export interface GravatarStandIn {
  /** e.g. https://127.0.0.1:40123/avatar/ — give it to PORTRAIT_GRAVATAR_BASE_URL. */
  baseUrl: string;
  /** Every request path with its query, in order. */
  requests: string[];
  /** Answers by email hash; unknown hashes get 404, as Gravatar gives with d=404. */
  answers: Map<string, StandInAnswer>;
  close(): Promise<void>;
}

export async function startGravatarStandIn(): Promise<GravatarStandIn> {
  const cert = inject('tlsCert' as never) as TestCertificate;
  const requests: string[] = [];
  const answers = new Map<string, StandInAnswer>();
  const server: Server = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (req, res) => {
    requests.push(req.url ?? '');
    const md5 = /^\/avatar\/([0-9a-f]{32})/.exec(req.url ?? '')?.[1] ?? '';
    const answer = answers.get(md5) ?? { status: 404, body: 'Not Found', contentType: 'text/plain' };
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'image/png' });
      res.end(answer.body ?? '');
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `https://127.0.0.1:${port}/avatar/`,
    requests,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
