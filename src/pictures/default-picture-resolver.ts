// The function the users domain calls, at READ time, for every profile without a picture of its own. It must
// be synchronous (it runs inside serialization of user lists), so it reads the tenant settings this process
// already holds; the settings store refreshes them in the background and updates them at once on PATCH.
// Computing at read time is what makes a tenant's change of Gravatar mode or default_url apply to existing
// users without rewriting a row.
import { LruCache } from '../platform/lru-cache.ts';
import { defaultPicture, type PictureSettings, type PictureSources } from './gravatar.ts';

// Deriving initials (Unicode graphemes) and hashing the email cost more than reading the user's row, and a list
// of users repeats the work on every read; the answer depends only on these inputs, so it is remembered.
const RESOLVED_CACHE_ENTRIES = 50_000;

export type DefaultPictureResolver = (sources: PictureSources) => string;

/** Anything that can hand over the current picture settings without waiting (TenantSettingsStore does). */
export interface PictureSettingsSource {
  current(): { picture: PictureSettings };
}

export function makeDefaultPictureResolver(tenantSettings: PictureSettingsSource, issuer: string): DefaultPictureResolver {
  const resolved = new LruCache<string, string>(RESOLVED_CACHE_ENTRIES);
  return (sources) => {
    const settings = tenantSettings.current().picture;
    // \u0000 cannot occur in these fields' JSON-safe text, so the key is unambiguous.
    const key = [settings.gravatar, settings.default_url, sources.providerPicture, sources.email, sources.name, sources.nickname].join('\u0000');
    let picture = resolved.get(key);
    if (picture === undefined) {
      picture = defaultPicture(sources, settings, issuer);
      resolved.set(key, picture);
    }
    return picture;
  };
}
