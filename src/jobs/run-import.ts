// Runs one import job: re-reads the stored users file from its start, skips the records a previous run already
// committed (`processed_offset`), and writes the rest in batches. Each batch is one transaction holding the
// lease check, the users, their per-user errors and the new offset, so a crash at any point leaves the job at
// the end of its last committed batch: resumed, every user ends up written exactly once.
import type { ConnectionsStore } from '../connections/connections-store.ts';
import type { BulkImportUser, UsersBulk } from '../users/index.ts';
import type { JobFiles } from './job-files.ts';
import { DuplicateTracker, ImportFileError, parseUsersFile, type ImportRecord } from './import/index.ts';
import { importParams, type JobRow, type JobsStore } from './jobs-store.ts';

export interface JobContext {
  jobs: JobsStore;
  files: JobFiles;
  usersBulk: UsersBulk;
  connections: ConnectionsStore;
  nodeId: string;
  leaseMs: number;
  batchSize: number;
  /** Aborted when the node stops or loses the lease: the job stops between batches. */
  signal: AbortSignal;
  /** Called after each committed batch (the command line's progress bar). */
  onProgress?: (job: JobRow) => void;
}

/** The outcome the runner records; a thrown error means "not finished, retry elsewhere". */
export type JobOutcome =
  | { status: 'completed'; fileKey?: string; fileBytes?: number; total?: number }
  | { status: 'failed'; details: string };

export async function runImport(job: JobRow, ctx: JobContext): Promise<JobOutcome> {
  const connection = job.connection_id ? await ctx.connections.get(job.connection_id) : null;
  if (!connection) return { status: 'failed', details: 'The connection does not exist.' };
  if (!job.file_key) return { status: 'failed', details: 'The users file of this job is missing.' };
  const { upsert } = importParams(job);
  const source = await ctx.files.read(job.file_key);
  const skip = job.processed_offset;
  let batch: ImportRecord[] = [];
  const commit = async (records: ImportRecord[]) => {
    const valid: BulkImportUser[] = [];
    const validAt: number[] = [];
    const errors: { position: number; body: string }[] = [];
    for (const r of records) {
      if ('user' in r) { valid.push(r.user); validAt.push(r.index); }
      else errors.push({ position: r.index, body: JSON.stringify({ user: redacted(r.raw), errors: r.errors }) });
    }
    let inserted = 0;
    let updated = 0;
    await ctx.jobs.transaction(async (trx) => {
      await ctx.jobs.fence(trx, job.id, ctx.nodeId, ctx.leaseMs);
      const results = valid.length > 0 ? await ctx.usersBulk.importBatch(trx, connection, valid, { upsert }) : [];
      results.forEach((result, i) => {
        if (result.outcome === 'inserted') inserted++;
        else if (result.outcome === 'updated') updated++;
        else if (result.outcome === 'failed') errors.push({ position: validAt[i], body: JSON.stringify({ user: redacted(valid[i]), errors: result.errors }) });
      });
      await ctx.jobs.recordBatch(trx, job.id, {
        offset: records[records.length - 1].index + 1, inserted, updated, failed: errors.length, errors,
      });
    });
    if (ctx.onProgress) ctx.onProgress((await ctx.jobs.get(job.id))!);
  };
  try {
    // The size limit was enforced when the file was uploaded; the job reads whatever was accepted.
    // Sized for the file's users (counted at upload) with email and user_id each, so it never has to double
    // (and briefly hold two tables) half-way through a large file.
    const duplicates = new DuplicateTracker(Math.ceil((Math.max(job.total, 1) * 2) / 0.75));
    for await (const record of parseUsersFile(source, { maxBytes: Number.MAX_SAFE_INTEGER, duplicates })) {
      if (record.index < skip) continue;
      batch.push(record);
      if (batch.length >= ctx.batchSize) {
        ctx.signal.throwIfAborted();
        await commit(batch);
        batch = [];
      }
    }
    ctx.signal.throwIfAborted();
    if (batch.length > 0) await commit(batch);
  } catch (error) {
    // The upload was checked for this already; reaching it means the stored file changed. What was committed
    // stays committed (the summary and errors say how far it got).
    if (error instanceof ImportFileError) return { status: 'failed', details: error.message };
    throw error;
  } finally {
    source.destroy();
  }
  return { status: 'completed' };
}

/**
 * The user as the errors endpoint shows it: as in the file, but without its password hash (the errors stay
 * readable for 24 hours to anyone with read:users, and a hash is no help in fixing a record).
 */
function redacted(user: unknown): unknown {
  if (typeof user !== 'object' || user === null || Array.isArray(user)) return user;
  const record = user as Record<string, unknown>;
  if (record.password_hash === undefined && record.custom_password_hash === undefined) return user;
  const { password_hash: _p, custom_password_hash: _c, ...rest } = record;
  void _p; void _c;
  return rest;
}
