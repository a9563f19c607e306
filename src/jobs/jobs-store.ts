// The jobs table: creating jobs, claiming them under a lease, recording an import's progress inside the
// transaction that writes its users, finishing them, and their per-user errors.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { newJobId } from '../platform/ids.ts';
import type { ExportField, ExportFormat } from './export/index.ts';
import type { JobsTable, JobsTables } from './jobs-migrations.ts';

export interface ImportParams {
  upsert: boolean;
  send_completion_email: boolean;
}

export interface ExportParams {
  format: ExportFormat;
  limit: number | null;
  fields: ExportField[] | null;
  /** Only from the command line or when PORTRAIT_EXPORT_PASSWORD_HASHES allows it. */
  password_hashes: boolean;
}

export type JobRow = JobsTable;

export interface JobLock {
  nodeId: string;
  leaseMs: number;
}

/** Another node took the job over (this node's lease ran out): stop without writing anything more. */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`lost the lease on job ${jobId}`);
    this.name = 'LeaseLostError';
  }
}

/** A job is given up after this many claims: something in it kills the nodes that run it. */
export const MAX_ATTEMPTS = 5;

export class JobsStore {
  private readonly db: Kysely<JobsTables>;

  constructor(handle: DatabaseHandle) {
    this.db = handle.tables<JobsTables>();
  }

  transaction<T>(work: (trx: Transaction<JobsTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** `lock`: created already claimed by that node (the command line runs its own job; no runner may take it). */
  async createImport(input: {
    connectionId: string; connectionName: string; externalId?: string; params: ImportParams; fileKey: string; fileBytes: number; total: number;
  }, lock?: JobLock): Promise<JobRow> {
    return this.insert(lock, {
      id: newJobId(), type: 'users_import', connection_id: input.connectionId, connection_name: input.connectionName,
      external_id: input.externalId ?? null, params: JSON.stringify(input.params), file_key: input.fileKey, file_bytes: input.fileBytes,
      total: input.total, download_secret: null,
    });
  }

  async createExport(input: { connectionId?: string; connectionName?: string; params: ExportParams }, lock?: JobLock): Promise<JobRow> {
    return this.insert(lock, {
      id: newJobId(), type: 'users_export', connection_id: input.connectionId ?? null, connection_name: input.connectionName ?? null,
      external_id: null, params: JSON.stringify(input.params), file_key: null, file_bytes: null, total: 0,
      download_secret: randomBytes(32).toString('base64url'),
    });
  }

  private async insert(lock: JobLock | undefined, values: Pick<JobRow, 'id' | 'type' | 'connection_id' | 'connection_name' | 'external_id' | 'params' | 'file_key' | 'file_bytes' | 'total' | 'download_secret'>): Promise<JobRow> {
    const now = new Date().toISOString();
    const row: JobRow = {
      ...values, status: lock ? 'processing' : 'pending', processed_offset: 0, inserted: 0, updated: 0, failed: 0, status_details: null,
      locked_by: lock?.nodeId ?? null, locked_until: lock ? Date.now() + lock.leaseMs : null, attempts: lock ? 1 : 0,
      created_at: now, started_at: lock ? now : null, finished_at: null, updated_at: now,
    };
    await this.db.insertInto('jobs').values(row).execute();
    return row;
  }

  async get(id: string): Promise<JobRow | null> {
    return (await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /**
   * Takes the oldest runnable job (pending, or processing under an expired lease) for `nodeId`, or null. The
   * UPDATE repeats the lease condition, so of several nodes racing for one job exactly one gets a row back.
   */
  async claim(nodeId: string, leaseMs: number, exclude: ReadonlySet<string>): Promise<JobRow | null> {
    const now = Date.now();
    const candidates = await this.db.selectFrom('jobs').select('id')
      .where('status', 'in', ['pending', 'processing'])
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('created_at').limit(10).execute();
    for (const { id } of candidates) {
      if (exclude.has(id)) continue;
      const result = await this.db.updateTable('jobs')
        .set((eb) => ({
          locked_by: nodeId, locked_until: now + leaseMs, status: 'processing', attempts: eb('attempts', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(new Date(now).toISOString())), updated_at: new Date(now).toISOString(),
        }))
        .where('id', '=', id).where('status', 'in', ['pending', 'processing'])
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) return this.get(id);
    }
    return null;
  }

  /** Extends the lease; false when this node no longer holds it. */
  async renewLease(id: string, nodeId: string, leaseMs: number, executor: Kysely<JobsTables> = this.db): Promise<boolean> {
    const result = await executor.updateTable('jobs').set({ locked_until: Date.now() + leaseMs })
      .where('id', '=', id).where('locked_by', '=', nodeId).where('status', '=', 'processing').executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Inside the batch's transaction: the fence first (throws LeaseLostError), so a stale node writes no users. */
  async fence(trx: Transaction<JobsTables>, id: string, nodeId: string, leaseMs: number): Promise<void> {
    if (!(await this.renewLease(id, nodeId, leaseMs, trx))) throw new LeaseLostError(id);
  }

  /** Inside the same transaction: the batch's counts, its per-user errors, and the new offset. */
  async recordBatch(trx: Transaction<JobsTables>, id: string, batch: {
    offset: number; inserted: number; updated: number; failed: number; errors: { position: number; body: string }[];
  }): Promise<void> {
    // Row counts in powers of two (at most 256): few distinct statement texts for the statement cache.
    for (let start = 0, size = 0; start < batch.errors.length; start += size) {
      size = Math.min(256, 2 ** Math.floor(Math.log2(batch.errors.length - start)));
      await trx.insertInto('job_errors').values(batch.errors.slice(start, start + size).map((e) => ({ job_id: id, ...e }))).execute();
    }
    await trx.updateTable('jobs').set((eb) => ({
      processed_offset: batch.offset,
      inserted: eb('inserted', '+', batch.inserted),
      updated: eb('updated', '+', batch.updated),
      failed: eb('failed', '+', batch.failed),
      updated_at: new Date().toISOString(),
    })).where('id', '=', id).execute();
  }

  /** Ends a job this node holds; a no-op (false) when the lease was lost meanwhile. */
  async finish(id: string, nodeId: string, outcome: { status: 'completed' | 'failed'; details?: string; fileKey?: string; fileBytes?: number; total?: number }): Promise<boolean> {
    const now = new Date().toISOString();
    const set: Partial<JobRow> = {
      status: outcome.status, status_details: outcome.details ?? null, finished_at: now, updated_at: now, locked_by: null, locked_until: null,
    };
    if (outcome.fileKey !== undefined) set.file_key = outcome.fileKey;
    if (outcome.fileBytes !== undefined) set.file_bytes = outcome.fileBytes;
    if (outcome.total !== undefined) set.total = outcome.total;
    const result = await this.db.updateTable('jobs').set(set).where('id', '=', id).where('locked_by', '=', nodeId).executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Gives up a job that failed too often, whoever held it. */
  async abandon(id: string, details: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db.updateTable('jobs').set({ status: 'failed', status_details: details, finished_at: now, updated_at: now, locked_by: null, locked_until: null })
      .where('id', '=', id).execute();
  }

  async countErrors(id: string): Promise<number> {
    const { n } = await this.db.selectFrom('job_errors').select((eb) => eb.fn.countAll<number>().as('n')).where('job_id', '=', id).executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Per-user errors in file order, a page at a time (a job may have millions). */
  async errorsPage(id: string, afterPosition: number, limit: number): Promise<{ position: number; body: string }[]> {
    return this.db.selectFrom('job_errors').select(['position', 'body']).where('job_id', '=', id).where('position', '>', afterPosition)
      .orderBy('position').limit(limit).execute();
  }

  /** Finished jobs older than `before` (ISO), for the 24-hour clean-up. */
  async expired(before: string, limit: number): Promise<JobRow[]> {
    return this.db.selectFrom('jobs').selectAll().where('status', 'in', ['completed', 'failed']).where('finished_at', '<', before).limit(limit).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('job_errors').where('job_id', '=', id).execute();
      await trx.deleteFrom('jobs').where('id', '=', id).execute();
    });
  }
}

export const importParams = (job: JobRow): ImportParams => JSON.parse(job.params) as ImportParams;
export const exportParams = (job: JobRow): ExportParams => JSON.parse(job.params) as ExportParams;
