// A job as the Management API shows it (reference §5.1, §5.3, §5.5), with the Auth0 fields that apply to it.
import { Type } from '@sinclair/typebox';
import { signDownload } from './download-token.ts';
import { exportFileName } from './run-export.ts';
import { exportParams, type JobRow } from './jobs-store.ts';

export const JobSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    status: Type.String(),
    created_at: Type.String(),
    connection_id: Type.Optional(Type.String()),
    connection: Type.Optional(Type.String()),
    external_id: Type.Optional(Type.String()),
    format: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer()),
    fields: Type.Optional(Type.Array(Type.Object({ name: Type.String(), export_as: Type.Optional(Type.String()) }))),
    location: Type.Optional(Type.String()),
    percentage_done: Type.Optional(Type.Integer()),
    time_left_seconds: Type.Optional(Type.Integer()),
    status_details: Type.Optional(Type.String()),
    summary: Type.Optional(Type.Object({ failed: Type.Integer(), updated: Type.Integer(), inserted: Type.Integer(), total: Type.Integer() })),
  },
  { $id: 'Job', additionalProperties: false },
);

export type JobView = Record<string, unknown>;

/** The answer of POST users-imports / users-exports: what the job is, before it ran. */
export function createdJobView(job: JobRow): JobView {
  const view: JobView = { status: job.status, type: job.type, created_at: job.created_at, id: job.id };
  if (job.connection_id) {
    view.connection_id = job.connection_id;
    if (job.connection_name) view.connection = job.connection_name;
  }
  if (job.external_id) view.external_id = job.external_id;
  if (job.type === 'users_export') {
    const params = exportParams(job);
    view.format = params.format;
    if (params.limit !== null) view.limit = params.limit;
    if (params.fields) view.fields = params.fields;
  }
  return view;
}

/** GET /jobs/{id}: progress while running, the summary, and for a finished export a fresh 60-second link. */
export function jobView(job: JobRow, issuer: string, now = Date.now()): JobView {
  const view = createdJobView(job);
  if (job.type === 'users_import') {
    const done = job.status === 'completed' ? job.total : job.processed_offset;
    view.percentage_done = job.total > 0 ? Math.min(100, Math.floor((done * 100) / job.total)) : job.status === 'completed' ? 100 : 0;
    view.summary = { failed: job.failed, updated: job.updated, inserted: job.inserted, total: job.inserted + job.updated + job.failed };
    if (job.status === 'processing' && job.started_at && job.processed_offset > 0) {
      const elapsed = (now - Date.parse(job.started_at)) / 1000;
      const rate = job.processed_offset / Math.max(elapsed, 0.001);
      view.time_left_seconds = Math.max(0, Math.round((job.total - job.processed_offset) / rate));
    }
  } else {
    view.percentage_done = job.status === 'completed' ? 100 : 0;
    if (job.status === 'completed' && job.download_secret) {
      const file = exportFileName(exportParams(job).format);
      view.location = `${issuer}jobs-files/${job.id}/${file}?${signDownload(job.download_secret, job.id, undefined, now)}`;
    }
  }
  if (job.status_details) view.status_details = job.status_details;
  return view;
}
