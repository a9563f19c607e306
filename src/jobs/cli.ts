// `portrait import FILE --connection NAME [--upsert]` and `portrait export --format csv|json [--output FILE]`.
// The command creates its job already claimed by itself and runs it in this process, through the same code
// as the server's runner: the job shows in GET /api/v2/jobs/{id} meanwhile, and if the command is killed the
// job is resumed from its last committed batch by the next node that looks for work.
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Services } from '../services.ts';
import { isDatabase } from '../users/connection-kinds.ts';
import { validateExportFields, type ExportField, type ExportFormat } from './export/index.ts';
import { ImportFileError, parseUsersFile } from './import/index.ts';
import { newJobFileKey } from './job-files.ts';
import type { JobRow } from './jobs-store.ts';
import { ProgressReporter } from './progress.ts';

export const JOBS_USAGE = `  import FILE --connection NAME [--upsert]
                 import a users file (Auth0's JSON array or NDJSON) into a database connection
  export --format csv|json [--output FILE] [--connection NAME] [--limit N] [--fields a,b:Title,…] [--with-password-hashes]
                 export users (JSON = NDJSON) to FILE, or to standard output
`;

class UsageError extends Error {}

export async function importCommand(services: Services, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { connection: { type: 'string' }, upsert: { type: 'boolean' } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('portrait import needs exactly one FILE');
  if (typeof values.connection !== 'string') throw new UsageError('portrait import needs --connection NAME');
  const connection = await services.connections.getByName(values.connection);
  if (!connection) return complain(`portrait import: there is no connection named ${values.connection} (a new tenant gets Username-Password-Authentication at its first portrait start)`);
  if (!isDatabase(connection)) return complain(`portrait import: ${connection.name} is not a database connection`);
  const { store, files, runner, deps } = services.jobs;

  const key = newJobFileKey('users');
  let total = 0;
  let bytes: number;
  try {
    bytes = await files.write(key, createReadStream(file));
    for await (const record of parseUsersFile(await files.read(key), { syntaxOnly: true, maxBytes: Number.MAX_SAFE_INTEGER })) { void record; total++; }
  } catch (error) {
    await files.delete(key).catch(() => undefined);
    if (error instanceof ImportFileError) return complain(`portrait import: ${file}: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return complain(`portrait import: ${file}: no such file`);
    throw error;
  }
  if (total === 0) {
    await files.delete(key);
    return complain(`portrait import: ${file}: the file holds no users`);
  }
  const job = await store.createImport({
    connectionId: connection.id, connectionName: connection.name, fileKey: key, fileBytes: bytes, total,
    params: { upsert: values.upsert === true, send_completion_email: false },
  }, { nodeId: runner.nodeId, leaseMs: deps.leaseMs });
  const progress = new ProgressReporter(process.stderr, `Importing ${job.id}`);
  const outcome = await runInterruptibly(services, job, (row) => progress.update(row.processed_offset, total));
  progress.finish();
  const done = (await store.get(job.id))!;
  const summary = `inserted ${done.inserted}, updated ${done.updated}, failed ${done.failed} of ${total} users`;
  if (outcome.status === 'failed') return complain(`Import ${job.id} failed: ${outcome.details} (${summary})`);
  process.stderr.write(`Import ${job.id} completed: ${summary}.\n`);
  if (done.failed > 0) {
    for (const { body } of await store.errorsPage(job.id, -1, 5)) {
      const { user, errors } = JSON.parse(body) as { user: { email?: unknown }; errors: { code: string; message: string }[] };
      process.stderr.write(`  ${String(user?.email ?? '(no email)')}: ${errors.map((e) => `${e.code} ${e.message}`).join('; ')}\n`);
    }
    process.stderr.write(`  All errors: GET /api/v2/jobs/${job.id}/errors (kept 24 hours).\n`);
  }
  return 0;
}

export async function exportCommand(services: Services, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    format: { type: 'string' }, output: { type: 'string' }, connection: { type: 'string' }, limit: { type: 'string' },
    fields: { type: 'string' }, 'with-password-hashes': { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const format = values.format as ExportFormat | undefined;
  if (format !== 'csv' && format !== 'json') throw new UsageError('portrait export needs --format csv or --format json');
  const limit = values.limit === undefined ? null : Number(values.limit);
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1)) throw new UsageError('--limit must be a whole number of at least 1');
  const fields: ExportField[] | null = typeof values.fields === 'string'
    ? values.fields.split(',').map((f: string) => { const [name, exportAs] = f.split(':'); return exportAs ? { name, export_as: exportAs } : { name }; })
    : null;
  if (fields) {
    const [problem] = validateExportFields(fields, format);
    if (problem) return complain(`portrait export: --fields: ${problem.message}`);
  }
  let connection;
  if (typeof values.connection === 'string') {
    connection = await services.connections.getByName(values.connection);
    if (!connection) return complain(`portrait export: there is no connection named ${values.connection}`);
  }
  const { store, runner, deps, files } = services.jobs;
  const total = Math.min(limit ?? Infinity, await deps.usersBulk.count(connection ? { connection: connection.name } : {}));
  const job = await store.createExport({
    connectionId: connection?.id, connectionName: connection?.name,
    params: { format, limit, fields, password_hashes: values['with-password-hashes'] === true },
  }, { nodeId: runner.nodeId, leaseMs: deps.leaseMs });
  const progress = new ProgressReporter(process.stderr, `Exporting ${job.id}`);
  const outcome = await runInterruptibly(services, job, (row) => progress.update(row.processed_offset, total));
  progress.finish();
  if (outcome.status === 'failed') return complain(`Export ${job.id} failed: ${outcome.details}`);
  const done = (await store.get(job.id))!;
  const source = await files.read(done.file_key!);
  if (typeof values.output === 'string') {
    const out = createWriteStream(values.output);
    source.pipe(out);
    await finished(out);
  } else {
    source.pipe(process.stdout, { end: false });
    await finished(source);
  }
  process.stderr.write(`Export ${job.id} completed: ${done.total} users${typeof values.output === 'string' ? ` written to ${values.output}` : ''}.\n`);
  return 0;
}

/** Runs the job here; Ctrl-C stops it after the current batch and leaves it for a server to finish. */
async function runInterruptibly(services: Services, job: JobRow, onProgress: (row: JobRow) => void) {
  const abort = new AbortController();
  const stop = () => {
    process.stderr.write(`\nStopping after the current batch; job ${job.id} stays queued and resumes on the next portrait start.\n`);
    abort.abort();
  };
  process.once('SIGINT', stop);
  try {
    return await services.jobs.runner.runHere(job, abort, onProgress);
  } finally {
    process.off('SIGINT', stop);
  }
}

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function complain(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

/** Runs one of the commands, turning usage mistakes into a message and exit code 2. */
export async function jobsCommand(services: Services, command: 'import' | 'export', argv: string[]): Promise<number> {
  try {
    return command === 'import' ? await importCommand(services, argv) : await exportCommand(services, argv);
  } catch (error) {
    if (error instanceof UsageError) return complain(`portrait ${command}: ${error.message}\n\nUsage:\n${JOBS_USAGE}`) + 1;
    throw error;
  }
}
