// Benchmark for the pictures domain: how long an upload takes (12 MP JPEG → 8 variants) and how many initials
// avatars a process renders per second, cold and cached. Run: node --import tsx bench/pictures.ts [runs]
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { avatarImage, clearAvatarCache } from '../src/pictures/initials-avatar.ts';
import { processUpload } from '../src/pictures/upload-pipeline.ts';

const runs = Number(process.argv[2] ?? 15);
// sharp picks its own libvips thread count (1 on glibc without jemalloc); SHARP_CONCURRENCY overrides it.
if (process.env.SHARP_CONCURRENCY) sharp.concurrency(Number(process.env.SHARP_CONCURRENCY));

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : os.cpus()[0]?.model ?? 'unknown';
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** A photo-like 4000×3000 JPEG: smooth low-frequency shapes plus sensor-like grain, quality 90. */
async function twelveMegapixelJpeg(): Promise<Buffer> {
  const shapes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .blur(4)
    .resize(4000, 3000, { kernel: 'cubic' })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const grain = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 10 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp(shapes).composite([{ input: grain, blend: 'overlay' }]).jpeg({ quality: 90 }).toBuffer();
}

async function timeUploads(label: string, bytes: Buffer, crop?: { x: number; y: number; width: number; height: number }) {
  const options = { maxBytes: 25 * 1024 * 1024, maxPixels: 40_000_000, crop };
  for (let i = 0; i < 2; i++) await processUpload(bytes, options); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await processUpload(bytes, options);
    samples.push(performance.now() - start);
  }
  const s = stats(samples);
  console.log(`${label}: median ${ms(s.median)}, p90 ${ms(s.p90)}, min ${ms(s.min)}, max ${ms(s.max)} (${runs} runs)`);
  return s;
}

async function rendersPerSecond(label: string, concurrency: number, cold: boolean, seconds = 2) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let count = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  clearAvatarCache();
  if (!cold) await avatarImage('jd', 128, 'png');
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = next++;
      // Cold: a different initials/size each time and the cache emptied; cached: the same avatar over and over.
      if (cold) {
        clearAvatarCache();
        await avatarImage(letters[n % 26] + letters[Math.floor(n / 26) % 26], 64 + (n % 400), 'png');
      } else {
        await avatarImage('jd', 128, 'png');
      }
      count++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const perSecond = count / ((performance.now() - start) / 1000);
  console.log(`${label}: ${Math.round(perSecond).toLocaleString('en')} renders/s (concurrency ${concurrency})`);
  return perSecond;
}

console.log(`node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`);
console.log(`nproc ${os.availableParallelism()}, CPU ${cpuModel()}, sharp.concurrency ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`);

const photo = await twelveMegapixelJpeg();
const meta = await sharp(photo).metadata();
console.log(`fixture: ${meta.width}×${meta.height} JPEG, ${(photo.length / 1024 / 1024).toFixed(2)} MB`);

await timeUploads('12 MP JPEG → 8 variants, centre crop', photo);
await timeUploads('12 MP JPEG → 8 variants, crop box 2400×2400', photo, { x: 800, y: 300, width: 2400, height: 2400 });

await rendersPerSecond('initials PNG, cold (uncached, sizes 64..463)', 1, true);
await rendersPerSecond('initials PNG, cold (uncached, sizes 64..463)', 4, true);
await rendersPerSecond('initials PNG, cached', 1, false);
await rendersPerSecond('initials PNG, cached', 4, false);
