// Filesystem blob store: the embedded default (./data/blobs). Objects are plain files at <root>/<key>, so an
// operator can inspect them or serve them with any static server.
//
// Content type: a sidecar file `.<name>.meta` (JSON `{"contentType": …}`) next to each object. Keys may not
// have a segment starting with '.', so a sidecar can never collide with an object, and temp files
// (`.<name>.<random>.tmp`) cannot either. An extension map was rejected because keys need not carry an
// extension (export files) and a sidecar keeps the object file byte-identical to what was put.
//
// Atomicity: each file is written to a temp file in the same directory and renamed into place, so a reader
// never sees a partial object. The pair is not atomic together: put renames the sidecar first, then the object,
// and delete removes the object first, so an object is never visible without its sidecar except for a concurrent
// overwrite that changes the content type, where a reader may briefly get the new type with the old bytes.
// Portrait's picture keys are content-addressed (same key, same bytes, same type), so that case does not arise.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore, StoredBlob } from './blob-store.ts';
import { assertValidBlobKey, InvalidBlobKeyError } from './blob-key.ts';

export { InvalidBlobKeyError };

const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

export class FsBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const { objectPath, metaPath, dir, name } = this.locate(key);
    await mkdir(dir, { recursive: true });
    const tag = randomBytes(6).toString('hex');
    const objectTemp = path.join(dir, `.${name}.${tag}.tmp`);
    const metaTemp = path.join(dir, `.${name}.${tag}.meta.tmp`);
    try {
      await writeFile(objectTemp, body);
      await writeFile(metaTemp, JSON.stringify({ contentType }));
      await rename(metaTemp, metaPath);
      await rename(objectTemp, objectPath);
    } catch (error) {
      await Promise.all([rm(objectTemp, { force: true }), rm(metaTemp, { force: true })]);
      throw error;
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    const { objectPath, metaPath } = this.locate(key);
    let body: Buffer;
    try {
      body = await readFile(objectPath);
    } catch (error) {
      // ENOTDIR: a prefix of the key is an object (a/b asked while a is a file); EISDIR: the key is a "folder".
      if (isFsError(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return null;
      throw error;
    }
    return { body, contentType: await readContentType(metaPath) };
  }

  async delete(key: string): Promise<void> {
    const { objectPath, metaPath } = this.locate(key);
    try {
      await rm(objectPath, { force: true });
    } catch (error) {
      if (!isFsError(error, 'ENOTDIR')) throw error;
    }
    await rm(metaPath, { force: true }).catch((error) => {
      if (!isFsError(error, 'ENOTDIR')) throw error;
    });
    // Empty directories are left behind on purpose: removing them races with a concurrent put into them.
  }

  private locate(key: string) {
    assertValidBlobKey(key);
    const objectPath = path.resolve(this.root, key);
    // Belt and braces: the key rules already make escaping the root impossible.
    if (!objectPath.startsWith(this.root + path.sep)) throw new InvalidBlobKeyError(key, 'outside the store root');
    const dir = path.dirname(objectPath);
    const name = path.basename(objectPath);
    return { objectPath, metaPath: path.join(dir, `.${name}.meta`), dir, name };
  }
}

async function readContentType(metaPath: string): Promise<string> {
  try {
    const meta: unknown = JSON.parse(await readFile(metaPath, 'utf8'));
    if (meta && typeof meta === 'object' && typeof (meta as { contentType?: unknown }).contentType === 'string') {
      return (meta as { contentType: string }).contentType;
    }
  } catch {
    // A missing or damaged sidecar (an object copied in by hand) still serves, as opaque bytes.
  }
  return FALLBACK_CONTENT_TYPE;
}

function isFsError(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}
