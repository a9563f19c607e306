// The jobs domain as the rest of the process sees it: its store, its files, the bulk users paths it drives,
// and this node's runner. Built once in services.ts.
import type { Config } from '../config.ts';
import type { ConnectionsStore } from '../connections/connections-store.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { UsersBulk } from '../users/index.ts';
import { createJobFiles, type JobFiles } from './job-files.ts';
import { JobRunner, type RunnerDeps } from './job-runner.ts';
import { JobsStore } from './jobs-store.ts';

export interface JobsService {
  store: JobsStore;
  files: JobFiles;
  runner: JobRunner;
  /** What a job needs to run, for the runner and for the command line (which runs its job itself). */
  deps: RunnerDeps;
}

export function createJobsService(config: Config, db: DatabaseHandle, connections: ConnectionsStore, usersBulk: UsersBulk): JobsService {
  const store = new JobsStore(db);
  const files = createJobFiles(config.blobStore);
  const deps: RunnerDeps = {
    jobs: store, files, usersBulk, connections, leaseMs: config.jobs.leaseSeconds * 1000, batchSize: config.jobs.importBatchSize,
  };
  const runner = new JobRunner(deps, { maxConcurrent: config.jobs.maxConcurrent });
  return { store, files, runner, deps };
}
