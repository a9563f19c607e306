// Avatar throughput of a real Portrait server over loopback HTTP: `portrait start` in a child process (its own
// event loop, production logger at info), autocannon in this one. Both share the machine's cores, so the
// figures are a floor for a node whose load generator lives elsewhere.
//
// Run: node --import tsx bench/avatars.ts [seconds] [connections]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Request as CannonRequest } from 'autocannon';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);
const port = 39000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : os.cpus()[0]?.model ?? 'unknown';
}

async function startServer(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts', 'start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PORTRAIT_DATA_DIR: dataDir, PORTRAIT_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Portrait is serving')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  // Keep draining its stdout so a chatty logger can never block it.
  child.stdout!.resume();
  return child;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: CannonRequest[];
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function run(title: string, opts: Partial<CannonOptions>): Promise<Figures> {
  const result = await autocannon({ url: base, connections, duration: seconds, ...opts });
  const figures = {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  // 304s count as non-2xx in autocannon's figures; they are the expected answer to the revalidation case.
  console.log(`${title.padEnd(44)} ${figures.rps.toFixed(0).padStart(7)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  non-2xx ${figures.non2xx}  errors ${figures.errors}`);
  return figures;
}

/** Two-letter initials and sizes enumerated so that no request repeats within a run: every one renders. */
function coldRequests(): CannonRequest[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let n = Math.floor(Math.random() * 1e6);
  return [
    {
      setupRequest: (request) => {
        n++;
        const initials = letters[n % 26] + letters[Math.floor(n / 26) % 26];
        const size = 16 + (Math.floor(n / 676) % 497); // 16..512
        return { ...request, path: `/avatars/${initials}.png?s=${size}` };
      },
    },
  ];
}

async function main() {
  console.log(`machine: ${os.cpus().length} CPUs (${cpuModel()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`);
  console.log(`autocannon: ${connections} connections, ${seconds} s per case; load average before: ${loadAverage()}\n`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portrait-bench-'));
  const server = await startServer(dataDir);
  try {
    const warm = await fetch(`${base}/avatars/jd.png?s=64`);
    const etag = warm.headers.get('etag')!;
    await fetch(`${base}/avatars/jd.svg?s=64`);
    await run('warm-up', { url: `${base}/avatars/jd.png?s=64`, duration: 3 });
    await run('cached PNG /avatars/jd.png?s=64', { url: `${base}/avatars/jd.png?s=64` });
    await run('cached PNG, 480 px (default size)', { url: `${base}/avatars/jd.png` });
    await run('cached SVG /avatars/jd.svg?s=64', { url: `${base}/avatars/jd.svg?s=64` });
    await run('revalidation: If-None-Match → 304', { url: `${base}/avatars/jd.png?s=64`, headers: { 'if-none-match': etag } });
    await run('cold PNG: every request a new render', { requests: coldRequests() });
    // The VM is shared: other processes' load is part of every figure, so it is printed with them.
    console.log(`\nload average after: ${loadAverage()}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
