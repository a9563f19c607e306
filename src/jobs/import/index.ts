export { parseUsersFile, DEFAULT_MAX_IMPORT_BYTES, DEFAULT_MAX_USER_BYTES, type ImportRecord, type ParseUsersFileOptions } from './parse-users-file.ts';
export { validateImportUser, MAX_MFA_FACTORS } from './validate-import-user.ts';
export { DuplicateTracker } from './duplicate-tracker.ts';
export { ImportFileError, EMPTY_FILE_MESSAGE, type ImportFileErrorCode } from './import-file-error.ts';
export { fromAuth0Export } from './auth0-export-shape.ts';
export type { ImportUser, MfaFactor } from './import-user.ts';
