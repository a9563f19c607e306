// S3 blob store: AWS S3 or any S3-compatible server (MinIO, R2, Ceph, s3rver in tests). Stateless, so any
// number of Portrait nodes can share one bucket.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { BlobStore, StoredBlob } from './blob-store.ts';
import { assertValidBlobKey, InvalidBlobKeyError } from './blob-key.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Prepended to every key, e.g. 'portrait/' (a missing trailing '/' is added). */
  prefix?: string;
  /** For S3-compatible servers; implies path-style addressing (http://host/bucket/key). */
  endpoint?: string;
  /** Defaults to AWS_REGION / AWS_DEFAULT_REGION as the SDK resolves it, else us-east-1. */
  region?: string;
  /** Omit to use the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(options: S3BlobStoreOptions) {
    if (!options.bucket) throw new Error('S3 blob store needs a bucket');
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? '');
    const config: S3ClientConfig = {
      region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      credentials: options.credentials,
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      config.forcePathStyle = true;
      // Since 2025 the SDK adds CRC32 checksums to every request and validates them on responses; many
      // S3-compatible servers reject or lack them. Only send them where the API requires them.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<StoredBlob | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      const bytes = answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      return {
        body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        contentType: answer.ContentType ?? 'application/octet-stream',
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too, which is the interface's contract.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  /** Closes the HTTP connections (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertValidBlobKey(key);
    return this.prefix + key;
  }
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  try {
    assertValidBlobKey(trimmed);
  } catch (error) {
    if (error instanceof InvalidBlobKeyError) throw new Error(`invalid S3 key prefix ${JSON.stringify(prefix)}: ${error.message}`);
    throw error;
  }
  return `${trimmed}/`;
}

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) {
    return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404;
  }
  return false;
}
