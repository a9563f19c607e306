/**
 * Throughput of the import front half: parse + validate + duplicate-track a users file of
 * 1,000,000 users (bcrypt password_hash, small metadata), as JSON array and as NDJSON.
 *
 *   node --import tsx bench/import-parse.ts [--users 1000000] [--format json|ndjson|both] [--compare-stream-json]
 *
 * Files are generated (streamed) into the temp directory, then each is read with fs defaults (64 KiB
 * chunks, what a multipart upload delivers too) and parsed in a fresh child
 * process so its peak RSS (getrusage maxrss) belongs to the parse alone.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUsersFile } from '../src/jobs/import/parse-users-file.ts';
import { JsonArraySplitter } from '../src/jobs/import/split-json-array.ts';
import { stringArg, writeUsersFile } from './users-file.ts';

/** Child process: parse one file and print its figures as JSON. */
async function parsePhase(path: string, mode: string): Promise<void> {
  const started = performance.now();
  let valid = 0, invalid = 0;
  if (mode === 'stream-json') {
    // Baseline: stream-json's tokenizer + StreamArray with packed values only, parse only (no validation).
    const { streamArray } = await import('stream-json/streamers/stream-array.js');
    const pipeline = createReadStream(path).pipe(streamArray.withParserAsStream({ streamValues: false }));
    for await (const _ of pipeline) valid++;
  } else if (mode === 'splitter') {
    // The same baseline for Portrait's splitter: JSON array cut into elements + JSON.parse, no validation.
    const splitter = new JsonArraySplitter(1 << 20);
    const texts: string[] = [];
    for await (const chunk of createReadStream(path)) {
      splitter.push(chunk as Buffer, texts);
      for (const t of texts) { JSON.parse(t); valid++; }
      texts.length = 0;
    }
    splitter.end();
  } else {
    for await (const r of parseUsersFile(createReadStream(path), { maxBytes: 4 * 1024 ** 3 })) {
      if ('user' in r) valid++; else invalid++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ valid, invalid, seconds, usersPerSecond: (valid + invalid) / seconds, peakRssMb }));
}

async function main(): Promise<void> {
  if (stringArg('phase', '') === 'parse') return parsePhase(stringArg('file', ''), stringArg('mode', 'portrait'));
  const n = Number(stringArg('users', '1000000'));
  const which = stringArg('format', 'both');
  const formats = (which === 'both' ? ['json', 'ndjson'] : [which]) as Array<'json' | 'ndjson'>;
  console.log(`machine: ${cpus().length} CPUs, ${cpus()[0]?.model}; node ${process.version}`);
  for (const format of formats) {
    const path = join(tmpdir(), `portrait-bench-users-${n}.${format === 'json' ? 'json' : 'ndjson'}`);
    const g = performance.now();
    await writeUsersFile(path, n, format);
    const size = statSync(path).size;
    console.log(`${format}: generated ${n} users, ${(size / 1e6).toFixed(0)} MB in ${((performance.now() - g) / 1000).toFixed(1)} s`);
    const modes = ['portrait', ...(process.argv.includes('--compare-stream-json') && format === 'json' ? ['splitter', 'stream-json'] : [])];
    for (const mode of modes) {
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--phase', 'parse', '--file', path, '--mode', mode], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(child.stderr);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
      console.log(`${format} [${mode}]: ${r.valid} valid, ${r.invalid} invalid in ${r.seconds.toFixed(2)} s = ` +
        `${Math.round(r.usersPerSecond).toLocaleString('en')} users/s, ${(size / 1e6 / r.seconds).toFixed(0)} MB/s, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    }
    if (!process.argv.includes('--keep')) rmSync(path);
  }
}

await main();
