// Helpers for the jobs black-box tests: users files, waiting for a job through the SDK, raw multipart uploads.
import type { ManagementClient } from 'auth0';
import { hashSync } from '@node-rs/bcrypt';
import type { TestServer } from './test-server.ts';

export const DB_CONNECTION = 'Username-Password-Authentication';

/** One bcrypt hash (cost 4: fast to verify in tests) shared by generated users; its password is `PASSWORD`. */
export const PASSWORD = 'Import-Me-1';
export const BCRYPT = hashSync(PASSWORD, { cost: 4 });

export interface GeneratedUser {
  email: string;
  [key: string]: unknown;
}

/** `n` valid users with bcrypt hashes and small metadata, emails user<start+i>@<domain>. */
export function generateUsers(n: number, options: { start?: number; domain?: string; hash?: string } = {}): GeneratedUser[] {
  const start = options.start ?? 0;
  const domain = options.domain ?? 'example.com';
  return Array.from({ length: n }, (_, i) => ({
    email: `user${start + i}@${domain}`,
    email_verified: (start + i) % 2 === 0,
    given_name: `Given${start + i}`,
    family_name: 'Family',
    password_hash: options.hash ?? BCRYPT,
    user_metadata: { theme: 'dark', n: start + i },
    app_metadata: { plan: 'pro' },
  }));
}

/** A users file as one JSON array, built as a Buffer without one giant intermediate string per user list. */
export function usersFile(users: readonly unknown[]): Buffer {
  return Buffer.from(`[${users.map((u) => JSON.stringify(u)).join(',\n')}]`);
}

export async function connectionId(management: ManagementClient, name = DB_CONNECTION): Promise<string> {
  const page = await management.connections.list({ name });
  const found = page.data.find((c) => c.name === name);
  if (!found?.id) throw new Error(`no connection ${name}`);
  return found.id;
}

/** Polls GET /jobs/{id} through the SDK until the job is completed or failed. */
export async function waitForJob(management: ManagementClient, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await management.jobs.get(id);
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A raw multipart upload to users-imports (for what the SDK cannot send: missing parts, odd values). */
export async function rawImport(server: TestServer, token: string, parts: Record<string, string | { data: Buffer; filename?: string }>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value.data)], { type: 'application/json' }), value.filename ?? 'users.json');
  }
  const res = await fetch(`${server.url}api/v2/jobs/users-imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}
