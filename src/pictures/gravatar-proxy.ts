// Fetches Gravatar images server-side for tenants in 'proxy' mode, so browsers talk only to Portrait.
//
// Only `<base>{md5}?s=480&r=pg&d=404` is ever fetched: the base comes from configuration (https only, default
// https://s.gravatar.com/avatar/) and the hash is validated as 32 hex digits by the route, so no request can
// steer the fetch elsewhere; redirects are not followed. The answer is capped (3 s, 1 MB), sniffed, and
// re-encoded through sharp to PNG, so nothing Gravatar (or anyone between) sends passes through as is.
//
// Cache: in process memory, bounded by bytes, hits for a day and misses for an hour. Not the blob store: it has
// no expiry or listing, so cached copies keyed by email hash would stay there forever after Gravatar dropped
// them, which is the kind of leftover personal data a tenant choosing 'proxy' wants to avoid. Each node warms
// its own cache; at one fetch per email hash per node per day that is nothing for Gravatar.
import sharp from 'sharp';
import type { GuardedFetch } from '../platform/outbound/guarded-fetch.ts';
import { strongEtag } from './initials-avatar.ts';
import { sniffImageType } from './sniff-image-type.ts';

export const GRAVATAR_SIZE = 480;
const HIT_TTL_MS = 24 * 60 * 60 * 1000;
const MISS_TTL_MS = 60 * 60 * 1000;
/** Timeouts and 5xx are retried sooner than a clean 404. */
const ERROR_TTL_MS = 60 * 1000;
const MD5_HEX = /^[0-9a-f]{32}$/;
const MAX_ENTRIES = 100_000;

export interface GravatarProxyOptions {
  /** Ends with '/'; config.gravatarBaseUrl. */
  baseUrl: string;
  /** The server's guarded outbound fetch (platform/outbound). */
  fetch: GuardedFetch;
  timeoutMs?: number;
  maxBytes?: number;
  /** Total bytes of cached PNGs kept in memory. */
  cacheBytes?: number;
  now?: () => number;
}

export interface GravatarImage {
  body: Buffer;
  etag: string;
}

interface CacheEntry {
  image: GravatarImage | null;
  expires: number;
}

export class GravatarProxy {
  /** Insertion order is recency order: a hit is re-inserted, eviction takes from the front. */
  private readonly cache = new Map<string, CacheEntry>();
  private cachedBytes = 0;
  private readonly inFlight = new Map<string, Promise<GravatarImage | null>>();
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly cacheBytes: number;
  private readonly now: () => number;
  /** Requests sent to Gravatar by this process (for tests and metrics). */
  fetches = 0;

  constructor(private readonly options: GravatarProxyOptions) {
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.cacheBytes = options.cacheBytes ?? 32 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  /** The PNG for this email hash, or null when Gravatar has none (or could not be reached). */
  async lookup(md5: string): Promise<GravatarImage | null> {
    if (!MD5_HEX.test(md5)) throw new RangeError('not an MD5 hex digest');
    const cached = this.cache.get(md5);
    if (cached && cached.expires > this.now()) {
      this.cache.delete(md5);
      this.cache.set(md5, cached);
      return cached.image;
    }
    let pending = this.inFlight.get(md5);
    if (!pending) {
      pending = this.fetchAndCache(md5).finally(() => this.inFlight.delete(md5));
      this.inFlight.set(md5, pending);
    }
    return pending;
  }

  private async fetchAndCache(md5: string): Promise<GravatarImage | null> {
    let image: GravatarImage | null = null;
    let ttl = MISS_TTL_MS;
    try {
      image = await this.fetchPng(md5);
      if (image) ttl = HIT_TTL_MS;
    } catch {
      ttl = ERROR_TTL_MS;
    }
    this.remember(md5, { image, expires: this.now() + ttl });
    return image;
  }

  /** null for a clean miss (404); throws for anything unexpected (timeouts, 5xx, bad bytes). */
  private async fetchPng(md5: string): Promise<GravatarImage | null> {
    this.fetches++;
    const url = `${this.options.baseUrl}${md5}?s=${GRAVATAR_SIZE}&r=pg&d=404`;
    const response = await this.options.fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { accept: 'image/png,image/jpeg,image/webp,image/gif;q=0.8' },
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      throw new Error(`Gravatar answered ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.maxBytes) {
      await response.body.cancel();
      throw new Error('Gravatar image too large');
    }
    const bytes = await readCapped(response.body, this.maxBytes);
    const sniffed = sniffImageType(bytes);
    if ('rejected' in sniffed) throw new Error('Gravatar answered something that is not a raster image');
    const body = await sharp(bytes, { limitInputPixels: 4096 * 4096, failOn: 'truncated', pages: 1 })
      .resize(GRAVATAR_SIZE, GRAVATAR_SIZE, { fit: 'cover' })
      .png({ compressionLevel: 6 })
      .toBuffer();
    return { body, etag: strongEtag(body) };
  }

  private remember(md5: string, entry: CacheEntry): void {
    this.forget(md5);
    this.cache.set(md5, entry);
    if (entry.image) this.cachedBytes += entry.image.body.length;
    // Least recently used first, until within the byte budget and the entry cap (misses cost a few bytes each).
    while (this.cachedBytes > this.cacheBytes || this.cache.size > MAX_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
  }

  private forget(md5: string): void {
    const entry = this.cache.get(md5);
    if (entry?.image) this.cachedBytes -= entry.image.body.length;
    this.cache.delete(md5);
  }
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error('Gravatar image too large');
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
