// /api/v2/jobs: a job's state and progress, its per-user errors, and new export jobs. Imports arrive as
// multipart uploads and have their own plugin (import-route.ts), the one place multipart is accepted.
import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { Auth0Error, withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import { validateExportFields } from './export/index.ts';
import { createdJobView, JobSchema, jobView } from './job-view.ts';
import type { JobsService } from './jobs-service.ts';
import { HASH_FIELDS } from './run-export.ts';

export const JobIdParams = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9]{16}$' }) });
export const CONNECTION_ID_PATTERN = '^con_[A-Za-z0-9]{16}$';

const ExportBody = Type.Object(
  {
    connection_id: Type.Optional(Type.String({ pattern: CONNECTION_ID_PATTERN })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    fields: Type.Optional(Type.Array(
      Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), export_as: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
      { maxItems: 1000 },
    )),
  },
  { additionalProperties: false },
);

const ERRORS_PAGE = 1000;

export interface JobsRoutesOptions {
  jobs: JobsService;
  connections: ConnectionsStore;
  issuer: string;
  exportPasswordHashes: boolean;
}

export async function jobsRoutes(api: FastifyInstance, opts: JobsRoutesOptions): Promise<void> {
  const { store, runner } = opts.jobs;
  const found = async (id: string) => (await store.get(id)) ?? fail('inexistent_job', 'Job not found.');

  api.get<{ Params: Static<typeof JobIdParams> }>('/jobs/:id', {
    config: { scopes: ['create:users', 'read:users'] },
    schema: { tags: ['jobs'], params: JobIdParams, response: withErrors({ 200: JobSchema }) },
  }, async (request) => jobView(await found(request.params.id), opts.issuer));

  api.get<{ Params: Static<typeof JobIdParams> }>('/jobs/:id/errors', {
    config: { scopes: ['create:users', 'read:users'] },
    schema: { tags: ['jobs'], params: JobIdParams, response: { 400: Auth0Error, 401: Auth0Error, 403: Auth0Error, 404: Auth0Error } },
  }, async (request, reply) => {
    const job = await found(request.params.id);
    if ((await store.countErrors(job.id)) === 0) {
      // A job that failed as a whole (its file, its connection) has no per-user errors: Auth0 then answers
      // with the job itself and its status_details.
      if (job.status === 'failed') {
        const { status, type, created_at, id, connection_id, status_details } = jobView(job, opts.issuer);
        return { status, type, created_at, id, connection_id, status_details };
      }
      return reply.status(204).send();
    }
    // Streamed a page at a time: an import of millions of bad records must not build one huge string.
    async function* body(): AsyncGenerator<string> {
      yield '[';
      let after = -1;
      let first = true;
      for (;;) {
        const page = await store.errorsPage(job.id, after, ERRORS_PAGE);
        if (page.length === 0) break;
        yield (first ? '' : ',') + page.map((e) => e.body).join(',');
        first = false;
        after = page[page.length - 1].position;
      }
      yield ']';
    }
    return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
  });

  api.post<{ Body: Static<typeof ExportBody> }>('/jobs/users-exports', {
    config: { scopes: ['read:users'] },
    schema: { tags: ['jobs'], body: ExportBody, response: withErrors({ 200: JobSchema }) },
  }, async (request) => {
    const body = request.body;
    const format = body.format ?? 'csv';
    if (body.fields) {
      const [problem] = validateExportFields(body.fields, format);
      if (problem) fail('invalid_body', `Payload validation error: '${problem.message}'.`);
    }
    const wantsHashes = (body.fields ?? []).some((f) => HASH_FIELDS.has(f.name));
    if (wantsHashes && !opts.exportPasswordHashes) {
      fail('invalid_body', "Payload validation error: 'Password hashes can only be exported when the server allows it (PORTRAIT_EXPORT_PASSWORD_HASHES=true), or with the portrait export command'.");
    }
    if (wantsHashes && format === 'csv') fail('invalid_body', "Payload validation error: 'Password hashes can only be exported in the json format'.");
    let connection;
    if (body.connection_id !== undefined) {
      connection = (await opts.connections.get(body.connection_id)) ?? fail('bad_request', 'The connection does not exist.');
    }
    const job = await store.createExport({
      connectionId: connection?.id, connectionName: connection?.name,
      params: { format, limit: body.limit ?? null, fields: body.fields ?? null, password_hashes: wantsHashes },
    });
    runner.wake();
    return createdJobView(job);
  });
}
