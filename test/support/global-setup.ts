// Starts one PostgreSQL server for the whole test run (unless PORTRAIT_TEST_DATABASE_URL names one) and
// hands its URL to every test file through vitest's provide/inject.
import type { TestProject } from 'vitest/node';
import { startCluster, type Cluster } from './postgres-cluster.ts';

let cluster: Cluster | null = null;

export async function setup(project: TestProject) {
  let url = process.env.PORTRAIT_TEST_DATABASE_URL ?? '';
  if (!url) {
    cluster = await startCluster();
    url = cluster?.url ?? '';
  }
  if (!url) {
    console.warn('\n!!! NO POSTGRESQL: no PORTRAIT_TEST_DATABASE_URL and no initdb/pg_ctl found — PostgreSQL tests are SKIPPED !!!\n');
  }
  // vitest's ProvidedContext augmentation does not resolve under NodeNext here; the key is typed in databases.ts.
  project.provide('postgresAdminUrl' as never, url as never);
}

export async function teardown() {
  cluster?.stop();
}

