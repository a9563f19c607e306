// Loaded into the server under soak (`--expose-gc --import bench/soak-probe.mjs`): every SOAK_SAMPLE_MS it
// collects garbage and appends the process's memory to SOAK_MEMORY_FILE, one JSON line per sample. Collecting
// first makes heap figures comparable over time: what is left is what the server keeps, not what it has yet to free.
import { appendFileSync } from 'node:fs';

const file = process.env.SOAK_MEMORY_FILE;
const every = Number(process.env.SOAK_SAMPLE_MS ?? 5000);
if (file) {
  setInterval(() => {
    globalThis.gc?.();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, arrayBuffers })}\n`);
  }, every).unref();
}
