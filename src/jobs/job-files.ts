// Where job files live: the uploaded users file (re-read from the start when a job resumes on another node)
// and finished exports. Same place as the blob store (data directory, or the S3 bucket) but streamed both
// ways: the BlobStore interface moves whole Buffers, and a users file may be a gigabyte.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BlobStoreConfig } from '../config.ts';
import { assertValidBlobKey } from '../platform/blobs/blob-key.ts';

export interface JobFiles {
  /**
   * Stores `source` under `key` and returns its size. Calls `onChunk` with each chunk on the way (to count or
   * check it); an error thrown there, or by the source, stores nothing.
   */
  write(key: string, source: AsyncIterable<Buffer>, onChunk?: (chunk: Buffer) => void): Promise<number>;
  read(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

/** A fresh key for a new job file: jobs/<random>/<name>. */
export const newJobFileKey = (name: string): string => `jobs/${randomBytes(12).toString('hex')}/${name}`;

/** Writes `source` to a local file (temp name, renamed into place when complete). */
async function spool(target: string, source: AsyncIterable<Buffer>, onChunk?: (chunk: Buffer) => void): Promise<number> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const out = createWriteStream(temp);
  let bytes = 0;
  try {
    for await (const chunk of source) {
      onChunk?.(chunk);
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain'); // rejects on the stream's 'error', and removes its listeners
    }
    out.end();
    await finished(out);
    await rename(temp, target);
    return bytes;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

export class FsJobFiles implements JobFiles {
  constructor(private readonly root: string) {}

  private locate(key: string): string {
    assertValidBlobKey(key);
    return path.join(this.root, key);
  }

  write(key: string, source: AsyncIterable<Buffer>, onChunk?: (chunk: Buffer) => void): Promise<number> {
    return spool(this.locate(key), source, onChunk);
  }

  async read(key: string): Promise<Readable> {
    const file = this.locate(key);
    await stat(file); // a missing file fails here, not later inside a stream
    return createReadStream(file, { highWaterMark: 64 * 1024 });
  }

  async delete(key: string): Promise<void> {
    await rm(this.locate(key), { force: true });
  }
}

/** S3: spooled to a local temp file first (PutObject needs the length), then streamed up; read back streamed. */
export class S3JobFiles implements JobFiles {
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly config: Extract<BlobStoreConfig, { kind: 's3' }>) {
    this.client = new S3Client({
      region: config.region ?? 'us-east-1',
      ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    });
    this.prefix = config.prefix ? `${config.prefix}/` : '';
  }

  async write(key: string, source: AsyncIterable<Buffer>, onChunk?: (chunk: Buffer) => void): Promise<number> {
    assertValidBlobKey(key);
    const local = path.join(tmpdir(), `portrait-job-${randomBytes(8).toString('hex')}`);
    try {
      const bytes = await spool(local, source, onChunk);
      await this.client.send(new PutObjectCommand({
        Bucket: this.config.bucket, Key: this.prefix + key, Body: createReadStream(local), ContentLength: bytes, ContentType: 'application/octet-stream',
      }));
      return bytes;
    } finally {
      await rm(local, { force: true });
    }
  }

  async read(key: string): Promise<Readable> {
    assertValidBlobKey(key);
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.prefix + key }));
    return answer.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.prefix + key }));
  }
}

export function createJobFiles(config: BlobStoreConfig): JobFiles {
  return config.kind === 'fs' ? new FsJobFiles(config.root) : new S3JobFiles(config);
}
