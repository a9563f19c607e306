// The seed's two Actions, exactly as printed in shared/seed/ ("Change user pictures"), and the fix its reader
// would make to the second. One copy for unit tests, black-box tests and benchmarks.

/** "Use Actions": user_metadata.picture becomes the ID token's picture. */
export const PICTURE_FROM_METADATA = `exports.onExecutePostLogin = async (event, api) => {
  const { picture } = event.user.user_metadata;
  if (picture) {
    // Return the persisted user_metadata.picture in the ID token
    api.idToken.setCustomClaim("picture", picture)
  }
};`;

/** "Change default picture for all users", as printed: it passes `{defaultProfileImage}`, a name never defined. */
export const DEFAULT_PICTURE_AS_PRINTED = `exports.onExecutePostLogin = async (event, api) => {
  const DEFAULT_PROFILE_IMAGE = '{yourDefaultImageUrl}';
  api.idToken.setCustomClaim("picture", {defaultProfileImage});
};`;

/** The corrected form: the constant it declares, and only for users without a picture of their own. */
export function defaultPictureCorrected(imageUrl: string): string {
  return `exports.onExecutePostLogin = async (event, api) => {
  const DEFAULT_PROFILE_IMAGE = '${imageUrl}';
  if (!event.user.user_metadata.picture) api.idToken.setCustomClaim("picture", DEFAULT_PROFILE_IMAGE);
};`;
}
