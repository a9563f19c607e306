// The jobs domain's tables. A job's whole state lives here (never only in a process's memory), so any node
// can report on it, and a node can take over a job whose owner died: `locked_by`/`locked_until` is the lease,
// `processed_offset` the number of records of the users file already committed.
import type { Kysely } from 'kysely';
import type { Dialect } from '../platform/db/database.ts';
import type { DomainMigration } from '../platform/db/migrations.ts';

export interface JobsTable {
  id: string;
  type: 'users_import' | 'users_export';
  status: JobStatus;
  connection_id: string | null;
  /** The connection's name when the job was created (exports filter on it; the id may be deleted later). */
  connection_name: string | null;
  external_id: string | null;
  /** JSON: ImportParams or ExportParams. */
  params: string;
  /** The uploaded users file, or the finished export, in the job file store. */
  file_key: string | null;
  file_bytes: number | null;
  /** Import: users in the file (counted when it was uploaded); export: users written. */
  total: number;
  /** Import: records of the file already committed (the next run skips them). */
  processed_offset: number;
  inserted: number;
  updated: number;
  failed: number;
  status_details: string | null;
  /** Export: HMAC key of its download links (random per job, so links die with the job). */
  download_secret: string | null;
  locked_by: string | null;
  /** Epoch milliseconds. */
  locked_until: number | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface JobErrorsTable {
  job_id: string;
  /** Index of the user in the file. */
  position: number;
  /** JSON `{user, errors}` in Auth0's job-errors shape. */
  body: string;
}

export interface JobsTables {
  jobs: JobsTable;
  job_errors: JobErrorsTable;
}

export const jobsMigrations: DomainMigration[] = [
  {
    name: '20261127_50_jobs',
    async up(db: Kysely<unknown>, dialect: Dialect) {
      const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('type', 'varchar(32)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('connection_id', 'varchar(32)')
        .addColumn('connection_name', 'varchar(128)')
        .addColumn('external_id', 'varchar(255)')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('file_key', 'varchar(255)')
        .addColumn('file_bytes', bigint)
        .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('processed_offset', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('inserted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status_details', 'text')
        .addColumn('download_secret', 'varchar(64)')
        .addColumn('locked_by', 'varchar(64)')
        .addColumn('locked_until', bigint)
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(32)')
        .addColumn('finished_at', 'varchar(32)')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_status_created').on('jobs').columns(['status', 'created_at']).execute();
      await db.schema
        .createTable('job_errors')
        .addColumn('job_id', 'varchar(32)', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_errors_pk', ['job_id', 'position'])
        .execute();
    },
  },
];
