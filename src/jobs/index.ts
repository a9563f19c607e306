// The jobs domain's public surface: bulk import and export of users, the runner, and their routes.
export { createJobsService, type JobsService } from './jobs-service.ts';
export { jobsRoutes } from './jobs-routes.ts';
export { importRoute } from './import-route.ts';
export { downloadRoute } from './download-route.ts';
export { jobsMigrations } from './jobs-migrations.ts';
export { JobsStore, type JobRow } from './jobs-store.ts';
export { JobRunner, runClaimedJob } from './job-runner.ts';
