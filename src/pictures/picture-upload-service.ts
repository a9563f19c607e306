// Replacing and removing a user's uploaded picture:
//
//   processUpload (nothing stored yet; a refusal leaves everything as it was)
//   → record (user, hash) in picture_uploads → write every variant to the blob store
//   → point the profile at <issuer>pictures/<hash>/480.webp with one UsersStore.update
//   → only then release the user's previous uploads (rows, and objects nobody else references).
//
// Recording before writing means a concurrent release by another user of the same content-addressed picture
// sees it as referenced and leaves the objects alone. If the profile update fails, what this call added is
// released again and the old picture stays. A crash between steps leaves an unused row and objects behind,
// which the user's next upload or delete releases.
//
// Concurrent uploads by one user: an upload is "in flight" from its record until it has pointed the profile at
// itself, then "settled". After settling, an upload re-reads the profile and releases every settled upload the
// profile does not point at; in-flight uploads are never released by another. The last upload to settle reads
// the profile after every point has landed, so the profile ends on the picture whose update landed last, and
// every other picture is released: no broken image, no orphaned objects (issue #11, test/races.test.ts).
import type { BlobStore } from '../platform/blobs/blob-store.ts';
import { ApiError } from '../platform/errors.ts';
import { issuerBase } from './gravatar.ts';
import type { PictureUpload, PictureUploadsStore } from './picture-uploads-store.ts';
import { PICTURE_SIZES, pictureKey, processUpload, type CropBox } from './upload-pipeline.ts';

/** The little a picture upload needs from a user profile. */
export interface PictureOwner {
  user_id: string;
  picture?: string;
  user_metadata?: Record<string, unknown>;
}

/** What the pictures domain needs of the users domain; UsersStore satisfies it. */
export interface PictureUsersPort<U extends PictureOwner> {
  get(userId: string): Promise<U | null>;
  update(userId: string, patch: { picture?: string | null; user_metadata?: Record<string, unknown> }): Promise<U>;
}

/** The users domain's refusal to set a root attribute its identity provider overwrites at each login. */
function isRootAttributeRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.errorCode === 'operation_not_supported';
}

export type PictureVariantUrls = Record<string, { webp: string; jpeg: string }>;

export interface PictureUploadLimits {
  maxBytes: number;
  maxPixels: number;
}

export class PictureUploadService<U extends PictureOwner> {
  constructor(
    private readonly deps: {
      blobs: BlobStore;
      uploads: PictureUploadsStore;
      users: PictureUsersPort<U>;
      issuer: string;
      limits: PictureUploadLimits;
    },
  ) {}

  /** Public URL of a stored variant: the issuer followed by its blob key. */
  pictureUrl(hash: string, size: number, format: 'webp' | 'jpeg'): string {
    return `${issuerBase(this.deps.issuer)}${pictureKey(hash, size as (typeof PICTURE_SIZES)[number], format)}`;
  }

  variantUrls(hash: string): PictureVariantUrls {
    return Object.fromEntries(
      PICTURE_SIZES.map((size) => [String(size), { webp: this.pictureUrl(hash, size, 'webp'), jpeg: this.pictureUrl(hash, size, 'jpeg') }]),
    );
  }

  /**
   * Replaces the user's picture with this upload. Throws PictureRejectedError for unacceptable bytes (before
   * anything is stored) and whatever the users domain throws for an unknown user.
   */
  async replace(user: U, bytes: Buffer, crop?: CropBox): Promise<{ user: U; variants: PictureVariantUrls }> {
    const processed = await processUpload(bytes, { ...this.deps.limits, crop });
    const { hash } = processed;
    const keys = processed.variants.map((v) => v.key);
    const added = await this.deps.uploads.record(user.user_id, hash, keys);
    let updated: U;
    try {
      await Promise.all(processed.variants.map((v) => this.deps.blobs.put(v.key, v.body, v.contentType)));
      updated = await this.point(user, this.pictureUrl(hash, 480, 'webp'));
    } catch (error) {
      // Only what this call added is taken back: re-uploading the current picture must not delete it.
      if (added) {
        const upload = { userId: user.user_id, hash, keys, createdAt: '', settled: false };
        await this.release(user.user_id, upload).catch(() => undefined);
      }
      throw error;
    }
    await this.deps.uploads.settle(user.user_id, hash);
    await this.releaseAllButCurrent(user.user_id);
    return { user: updated, variants: this.variantUrls(hash) };
  }

  /** Back to the default chain: the stored picture is cleared, then the uploads are released. */
  async remove(user: U): Promise<U> {
    const updated = await this.point(user, null);
    await this.releaseAllButCurrent(user.user_id);
    return updated;
  }

  /** A deleted user's uploads: their rows go, and the objects no other user references. */
  async forgetUser(userId: string): Promise<void> {
    for (const upload of await this.deps.uploads.listForUser(userId)) await this.release(userId, upload);
  }

  /**
   * The `picture` root attribute where the users domain lets it be set (database and passwordless users,
   * providers not syncing at each login); otherwise `user_metadata.picture`, the seed's recipe for users whose
   * provider overwrites `picture` at each login (an Action then puts it in the ID token). Which one is the
   * users domain's rule, asked by trying, so it lives in one place.
   */
  private async point(user: U, url: string | null): Promise<U> {
    try {
      return await this.deps.users.update(user.user_id, { picture: url });
    } catch (error) {
      if (!isRootAttributeRefusal(error)) throw error;
      // user_metadata merges at the first level, so this touches only the `picture` key (null removes it).
      return this.deps.users.update(user.user_id, { user_metadata: { picture: url } });
    }
  }

  /** Releases the user's settled uploads that the profile (root `picture` or user_metadata.picture) does not show. */
  private async releaseAllButCurrent(userId: string): Promise<void> {
    // The uploads first, then the profile: an upload listed as settled had pointed the profile before this read,
    // so a profile that does not show it now will never show it again. (Read the other way round, a point landing
    // between the two reads would get its picture released while the profile shows it.)
    const uploads = await this.deps.uploads.listForUser(userId);
    const user = await this.deps.users.get(userId);
    const shown = [user?.picture, user?.user_metadata?.picture].filter((p): p is string => typeof p === 'string');
    for (const upload of uploads) {
      if (!upload.settled) continue;
      if (shown.some((url) => url === this.pictureUrl(upload.hash, 480, 'webp'))) continue;
      await this.release(userId, upload);
    }
  }

  /** Forgets one upload of one user; its objects go when no user references the picture any more. */
  private async release(userId: string, upload: PictureUpload): Promise<void> {
    await this.deps.uploads.remove(userId, upload.hash);
    if (await this.deps.uploads.isReferenced(upload.hash)) return;
    await Promise.all(upload.keys.map((key) => this.deps.blobs.delete(key)));
  }
}
