// Runs jobs in the background on this node: claims runnable jobs from the jobs table (up to
// PORTRAIT_MAX_CONCURRENT_JOBS at once), keeps their leases alive while they run, and records how they end.
// Every node runs one; the lease makes sure a job runs on exactly one node at a time, and that a dead node's
// job is taken over once its lease runs out.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { Listeners } from '../platform/listeners.ts';
import { LeaseLostError, MAX_ATTEMPTS, type JobRow } from './jobs-store.ts';
import { runExport } from './run-export.ts';
import { runImport, type JobContext, type JobOutcome } from './run-import.ts';

export type RunnerDeps = Omit<JobContext, 'signal' | 'onProgress' | 'nodeId'>;

export interface RunnerOptions {
  maxConcurrent: number;
  /** How often to look for jobs when nothing woke the runner. */
  pollMs?: number;
  log?: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

export const JOB_RETENTION_MS = 24 * 3600 * 1000;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export const newNodeId = (): string => `${hostname().slice(0, 32)}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** Runs one claimed job to its end and records the outcome; errors other than the job's own propagate. */
export async function runClaimedJob(job: JobRow, ctx: JobContext): Promise<JobOutcome> {
  const outcome = job.type === 'users_import' ? await runImport(job, ctx) : await runExport(job, ctx);
  if (outcome.status === 'completed' && job.type === 'users_import' && job.file_key) {
    await ctx.files.delete(job.file_key).catch(() => undefined); // the users file is not needed any more
  }
  const recorded = await ctx.jobs.finish(job.id, ctx.nodeId, outcome.status === 'failed'
    ? { status: 'failed', details: outcome.details }
    : { status: 'completed', fileKey: outcome.fileKey, fileBytes: outcome.fileBytes, total: outcome.total });
  if (!recorded) throw new LeaseLostError(job.id);
  return outcome;
}

export class JobRunner {
  readonly nodeId = newNodeId();
  /** A job this node ran to its end (completed or failed), as recorded; the email domain's completion mail. */
  readonly finished = new Listeners<JobRow>('job-finished');
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private ticking = false;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: RunnerDeps, private readonly options: RunnerOptions) {}

  get activeJobs(): string[] {
    return [...this.running.keys()];
  }

  start(log?: RunnerOptions['log']): void {
    if (log) this.options.log = log;
    if (this.options.maxConcurrent === 0 || this.timer) return;
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.wake();
  }

  /** Auth0 keeps a job, its errors and its file for 24 hours; so does Portrait. Any node may sweep. */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    try {
      for (const job of await this.deps.jobs.expired(new Date(now - JOB_RETENTION_MS).toISOString(), 100)) {
        if (job.file_key) await this.deps.files.delete(job.file_key).catch(() => undefined);
        await this.deps.jobs.delete(job.id);
        removed++;
      }
    } catch (error) {
      this.options.log?.warn({ err: error }, 'job runner: could not remove expired jobs');
    }
    return removed;
  }

  /** Looks for work now (a job was just created, or one finished). */
  wake(): void {
    if (this.stopped || !this.timer) return;
    if (this.ticking) { this.again = true; return; }
    this.ticking = true;
    void this.fill().finally(() => {
      this.ticking = false;
      if (this.again) { this.again = false; this.wake(); }
    });
  }

  private async fill(): Promise<void> {
    try {
      while (!this.stopped && this.running.size < this.options.maxConcurrent) {
        const job = await this.deps.jobs.claim(this.nodeId, this.deps.leaseMs, new Set(this.running.keys()));
        if (!job) return;
        if (job.attempts > MAX_ATTEMPTS) {
          await this.deps.jobs.abandon(job.id, `The job was given up after ${MAX_ATTEMPTS} attempts.`);
          continue;
        }
        this.launch(job);
      }
    } catch (error) {
      this.options.log?.error({ err: error }, 'job runner: could not claim a job');
    }
  }

  private launch(job: JobRow): void {
    const abort = new AbortController();
    this.options.log?.info({ job: job.id, type: job.type, attempt: job.attempts, resumeAt: job.processed_offset }, 'job started');
    const done = this.runHere(job, abort).then(
      (outcome) => this.options.log?.info({ job: job.id, status: outcome.status }, 'job finished'),
      (error: unknown) => {
        if (error instanceof LeaseLostError || abort.signal.aborted) {
          this.options.log?.warn({ job: job.id }, 'job stopped on this node (lease lost or shutting down); it resumes where its last batch ended');
        } else {
          this.options.log?.error({ err: error, job: job.id }, 'job interrupted by an error; it will be retried');
        }
      },
    ).finally(() => {
      this.running.delete(job.id);
      this.wake();
    });
    this.running.set(job.id, { abort, done });
  }

  /**
   * Runs a job this node holds (claimed, or created locked by the command line) while keeping its lease alive.
   * If it does not finish, its lease is handed back: at once when stopped or taken over, after a back-off when
   * an error interrupted it (a database outage should not burn its attempts in a second).
   */
  async runHere(job: JobRow, abort = new AbortController(), onProgress?: JobContext['onProgress']): Promise<JobOutcome> {
    const ctx: JobContext = { ...this.deps, nodeId: this.nodeId, signal: abort.signal, onProgress };
    // Renewed well before it runs out; the batches renew it too (their fence). On SQLite a batch holds the
    // event loop for a few tens of milliseconds, far below a third of any sensible lease.
    const renew = setInterval(() => {
      void this.deps.jobs.renewLease(job.id, this.nodeId, this.deps.leaseMs).then((held) => { if (!held) abort.abort(new LeaseLostError(job.id)); }, () => undefined);
    }, Math.max(500, Math.floor(this.deps.leaseMs / 3)));
    renew.unref();
    try {
      const outcome = await runClaimedJob(job, ctx);
      const recorded = await this.deps.jobs.get(job.id);
      if (recorded) await this.finished.announce(recorded);
      return outcome;
    } catch (error) {
      const stopped = error instanceof LeaseLostError || abort.signal.aborted;
      await this.release(job.id, stopped ? -1 : Math.min(60_000, 1000 * 2 ** job.attempts));
      throw error;
    } finally {
      clearInterval(renew);
    }
  }

  /** Hands a job back (its lease ends after `delayMs`) so any node may resume it without waiting for expiry. */
  private async release(jobId: string, delayMs = -1): Promise<void> {
    await this.deps.jobs.renewLease(jobId, this.nodeId, delayMs).catch(() => undefined);
  }

  /** Stops claiming, asks running jobs to stop after their current batch, and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    for (const { abort } of this.running.values()) abort.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
