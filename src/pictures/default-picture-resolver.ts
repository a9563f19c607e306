// The function the users domain calls, at READ time, for every profile without a picture of its own. It must
// be synchronous (it runs inside serialization of user lists), so it reads the tenant settings this process
// already holds; the settings store refreshes them in the background and updates them at once on PATCH.
// Computing at read time is what makes a tenant's change of Gravatar mode or default_url apply to existing
// users without rewriting a row.
import { defaultPicture, type PictureSettings, type PictureSources } from './gravatar.ts';

export type DefaultPictureResolver = (sources: PictureSources) => string;

/** Anything that can hand over the current picture settings without waiting (TenantSettingsStore does). */
export interface PictureSettingsSource {
  current(): { picture: PictureSettings };
}

export function makeDefaultPictureResolver(tenantSettings: PictureSettingsSource, issuer: string): DefaultPictureResolver {
  return (sources) => defaultPicture(sources, tenantSettings.current().picture, issuer);
}
