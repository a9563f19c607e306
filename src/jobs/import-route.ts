// POST /api/v2/jobs/users-imports: the one multipart route of the API. @fastify/multipart is registered in this
// plugin's scope only, and only this route accepts a large body (PORTRAIT_MAX_IMPORT_BYTES, 1 GiB by default,
// instead of Auth0's 500 KB); the rest of the API keeps 1 MB. The users file is streamed to the job file store,
// never held in memory, then read back once to check that it is well-formed JSON before the job is created:
// a truncated or malformed file is refused with a 400 here rather than failing half-way through the job.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import { Auth0Error, withErrors } from '../management/schemas.ts';
import { ApiError, fail } from '../platform/errors.ts';
import { isDatabase, isDisabled } from '../users/connection-kinds.ts';
import { EMPTY_FILE_MESSAGE, ImportFileError, parseUsersFile } from './import/index.ts';
import { newJobFileKey } from './job-files.ts';
import { createdJobView, JobSchema } from './job-view.ts';
import type { JobsService } from './jobs-service.ts';
import { CONNECTION_ID_PATTERN } from './jobs-routes.ts';

export interface ImportRouteOptions {
  jobs: JobsService;
  connections: ConnectionsStore;
  maxImportBytes: number;
}

/** Room for the multipart framing and the small fields around the file. */
const ENVELOPE_BYTES = 64 * 1024;
const FIELDS = new Set(['connection_id', 'upsert', 'external_id', 'send_completion_email']);

const invalid = (detail: string, property?: string): ApiError =>
  new ApiError('invalid_body', `Payload validation error: '${detail}'${property ? ` on property ${property}` : ''}.`);
const tooLarge = (max: number): ApiError => new ApiError('payload_too_large', `Payload content length greater than maximum allowed: ${max}.`);

function fileError(error: ImportFileError, max: number): ApiError {
  return error.statusCode === 413 ? tooLarge(max) : new ApiError('invalid_body', error.message);
}

export async function importRoute(api: FastifyInstance, opts: ImportRouteOptions): Promise<void> {
  const max = opts.maxImportBytes;
  await api.register(multipart, {
    limits: { fileSize: max, files: 1, fields: 10, fieldSize: 4096, fieldNameSize: 100, parts: 12 },
    throwFileSizeLimit: true,
  });

  api.post('/jobs/users-imports', {
    bodyLimit: max + ENVELOPE_BYTES,
    config: { scopes: ['create:users'] },
    schema: { tags: ['jobs'], consumes: ['multipart/form-data'], response: withErrors({ 202: JobSchema, 413: Auth0Error }) },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw invalid('Invalid multipart payload format');
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > max + ENVELOPE_BYTES) {
      reply.header('connection', 'close'); // do not make the client send a body we refuse anyway
      throw tooLarge(max);
    }
    let fileKey: string | null = null;
    let created = false;
    try {
      const upload = await receive(request, opts, max, (key) => { fileKey = key; });
      const job = await createJob(upload, opts, max);
      created = true;
      opts.jobs.runner.wake();
      return reply.status(202).send(createdJobView(job));
    } finally {
      if (!created && fileKey) await opts.jobs.files.delete(fileKey).catch(() => undefined);
    }
  });
}

interface Upload {
  fileKey: string | null;
  bytes: number;
  fields: Map<string, string>;
}

/** Streams the parts: the `users` file to the job file store, the small fields into a map. */
async function receive(request: FastifyRequest, opts: ImportRouteOptions, max: number, onFileKey: (key: string) => void): Promise<Upload> {
  const upload: Upload = { fileKey: null, bytes: 0, fields: new Map() };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (!FIELDS.has(part.fieldname)) throw invalid(`Additional properties not allowed: ${part.fieldname}`);
        upload.fields.set(part.fieldname, String(part.value));
        continue;
      }
      if (part.fieldname !== 'users') {
        part.file.resume();
        throw invalid(`Unexpected file part: ${part.fieldname} (the users file goes in the 'users' part)`);
      }
      const key = newJobFileKey('users');
      onFileKey(key);
      upload.fileKey = key;
      let seen = 0;
      upload.bytes = await opts.jobs.files.write(key, part.file, (chunk) => {
        seen += chunk.length;
        if (seen > max) throw tooLarge(max);
      });
      if (part.file.truncated) throw tooLarge(max);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(max);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION') {
      throw invalid('Invalid multipart payload format');
    }
    // busboy's own complaints about a malformed body (missing boundary, part cut short) are the client's.
    if (error instanceof Error && /multipart|boundary|terminated|Unexpected end/i.test(error.message)) throw invalid('Invalid multipart payload format');
    throw error;
  }
  return upload;
}

async function createJob(upload: Upload, opts: ImportRouteOptions, max: number) {
  const { fields } = upload;
  if (!upload.fileKey) fail('invalid_body', "Must provide 'users' file as multipart part.");
  if (upload.bytes === 0) fail('invalid_body', EMPTY_FILE_MESSAGE);
  const connectionId = fields.get('connection_id');
  if (connectionId === undefined) fail('invalid_body', "Must provide 'connection_id' as multipart part.");
  if (!new RegExp(CONNECTION_ID_PATTERN).test(connectionId)) {
    throw invalid(`String does not match pattern ${CONNECTION_ID_PATTERN}`, 'connection_id');
  }
  const upsert = booleanField(fields, 'upsert', false);
  const sendCompletionEmail = booleanField(fields, 'send_completion_email', true);
  const externalId = fields.get('external_id');
  if (externalId !== undefined && (externalId.length === 0 || externalId.length > 255)) throw invalid('String length must be between 1 and 255', 'external_id');
  const connection = (await opts.connections.get(connectionId)) ?? fail('bad_request', 'The connection does not exist.');
  if (!isDatabase(connection)) fail('bad_request', 'Connection must be a database connection.');
  if (isDisabled(connection)) fail('bad_request', 'Connection must be enabled.');

  let total = 0;
  try {
    for await (const record of parseUsersFile(await opts.jobs.files.read(upload.fileKey), { syntaxOnly: true, maxBytes: max })) {
      void record;
      total++;
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw fileError(error, max);
    throw error;
  }
  if (total === 0) fail('invalid_body', EMPTY_FILE_MESSAGE);
  return opts.jobs.store.createImport({
    connectionId: connection.id, connectionName: connection.name, externalId, fileKey: upload.fileKey, fileBytes: upload.bytes, total,
    params: { upsert, send_completion_email: sendCompletionEmail },
  });
}

function booleanField(fields: Map<string, string>, name: string, fallback: boolean): boolean {
  const raw = fields.get(name);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalid('Expected type boolean but found type string', name);
}
