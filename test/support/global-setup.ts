// Once per test run: one PostgreSQL server (unless PORTRAIT_TEST_DATABASE_URL names one) and one self-signed
// certificate trusted through NODE_EXTRA_CA_CERTS; both handed to the test files through provide/inject.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster, type Cluster } from './postgres-cluster.ts';
import { makeTestCertificate } from './tls.ts';

let cluster: Cluster | null = null;
let certDir = '';

export async function setup(project: TestProject) {
  let url = process.env.PORTRAIT_TEST_DATABASE_URL ?? '';
  if (!url) {
    cluster = await startCluster();
    url = cluster?.url ?? '';
  }
  if (!url) {
    console.warn('\n!!! NO POSTGRESQL: no PORTRAIT_TEST_DATABASE_URL and no initdb/pg_ctl found — PostgreSQL tests are SKIPPED !!!\n');
  }
  certDir = mkdtempSync(path.join(tmpdir(), 'portrait-tls-'));
  const tls = makeTestCertificate(certDir);
  // Read by Node at start-up: the test workers are forked after this, so they trust the certificate.
  process.env.NODE_EXTRA_CA_CERTS = tls.cert;
  // vitest's ProvidedContext augmentation does not resolve under NodeNext here; the keys are typed where read.
  project.provide('postgresAdminUrl' as never, url as never);
  project.provide('tlsCert' as never, tls as never);
}

export async function teardown() {
  cluster?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
}
