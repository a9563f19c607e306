// Runs one export job: pages through the users in user_id order and streams NDJSON or CSV lines into a job
// file. An export has no partial state worth keeping: if its node dies, the next run starts it over.
import type { ExportedUser, StoredPasswordHash } from '../users/index.ts';
import { csvHeader, csvValues, DEFAULT_EXPORT_FIELDS, formatCsvRow, formatNdjsonUser, type ExportField } from './export/index.ts';
import { newJobFileKey } from './job-files.ts';
import { exportParams, type JobRow } from './jobs-store.ts';
import type { JobContext, JobOutcome } from './run-import.ts';

const PAGE = 1000;

/** Attributes that carry the stored password hash, in the users-file shape (`password_hash` / `custom_password_hash`). */
export const HASH_FIELDS = new Set(['password_hash', 'custom_password_hash']);

export const exportFileName = (format: 'json' | 'csv'): string => `users.${format}`;

export async function runExport(job: JobRow, ctx: JobContext): Promise<JobOutcome> {
  const params = exportParams(job);
  const csv = params.format === 'csv';
  const fields: readonly ExportField[] | undefined = params.fields && params.fields.length > 0 ? params.fields : csv ? DEFAULT_EXPORT_FIELDS : undefined;
  const limit = params.limit ?? Number.POSITIVE_INFINITY;
  const filter = job.connection_name ? { connection: job.connection_name } : {};
  let written = 0;

  async function* lines(): AsyncGenerator<Buffer> {
    if (csv) yield Buffer.from(formatCsvRow(csvHeader(fields!)));
    let after: string | null = null;
    while (written < limit) {
      ctx.signal.throwIfAborted();
      const page: ExportedUser[] = await ctx.usersBulk.exportPage(after, Math.min(PAGE, limit - written), filter);
      if (page.length === 0) return;
      let text = '';
      for (const { user, passwordHash } of page) {
        const record = params.password_hashes && passwordHash ? { ...user, ...asImportHash(passwordHash) } : user;
        text += csv ? formatCsvRow(csvValues(record, fields!)) : formatNdjsonUser(record, fields);
      }
      written += page.length;
      after = page[page.length - 1].user.user_id;
      yield Buffer.from(text);
      ctx.onProgress?.({ ...job, processed_offset: written });
    }
  }

  const fileKey = newJobFileKey(exportFileName(params.format));
  const fileBytes = await ctx.files.write(fileKey, lines());
  return { status: 'completed', fileKey, fileBytes, total: written };
}

/**
 * A stored hash in the form the users file takes it, so an export re-imports with its passwords (into
 * Portrait or Auth0): bcrypt as `password_hash`, native argon2id as an `argon2` custom_password_hash.
 */
export function asImportHash(hash: StoredPasswordHash): Record<string, unknown> {
  switch (hash.kind) {
    case 'bcrypt':
      return { password_hash: hash.hash };
    case 'auth0-custom':
      return { custom_password_hash: hash.spec };
    case 'argon2id':
      return { custom_password_hash: { algorithm: 'argon2', hash: { value: hash.phc, encoding: 'utf8' } } };
  }
}
