// GET /jobs-files/{job}/{file}: a finished export, streamed from the job file store. No bearer token: the
// link itself is the credential (HMAC-signed, valid for 60 seconds, see download-token.ts), as Auth0's
// `location` links are, so a browser or curl can fetch it directly.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { fail } from '../platform/errors.ts';
import { verifyDownload } from './download-token.ts';
import { exportFileName } from './run-export.ts';
import { exportParams } from './jobs-store.ts';
import type { JobsService } from './jobs-service.ts';

const Params = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9]{16}$' }), file: Type.String({ maxLength: 64 }) });
const Query = Type.Object({ expires: Type.String({ maxLength: 16 }), signature: Type.String({ maxLength: 128 }) }, { additionalProperties: false });

export async function downloadRoute(app: FastifyInstance, opts: { jobs: JobsService }): Promise<void> {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>('/jobs-files/:id/:file', {
    schema: { hide: true, params: Params, querystring: Query },
  }, async (request, reply) => {
    const job = await opts.jobs.store.get(request.params.id);
    if (!job || job.type !== 'users_export' || !job.download_secret) return fail('not_found', 'The file does not exist.');
    const verdict = verifyDownload(job.download_secret, job.id, request.query.expires, request.query.signature);
    if (verdict === 'invalid') fail('forbidden', 'The download link is not valid.');
    if (verdict === 'expired') fail('forbidden', 'The download link has expired; get the job again for a new one.');
    const format = exportParams(job).format;
    if (job.status !== 'completed' || !job.file_key || request.params.file !== exportFileName(format)) fail('not_found', 'The file does not exist.');
    const stream = await opts.jobs.files.read(job.file_key);
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${exportFileName(format)}"`);
    reply.header('cache-control', 'private, no-store');
    // The file is users' own text (names, metadata): never sniffed into HTML, never active if opened anyway.
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', "default-src 'none'; sandbox");
    if (job.file_bytes !== null) reply.header('content-length', String(job.file_bytes));
    return reply.send(stream);
  });
}
