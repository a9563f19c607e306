// The users domain's public surface: what other domains (sign-in, jobs, actions) may use. Never the table.
export { UsersStore, notFound, type UsersStoreDeps, type UserPage } from './users-store.ts';
export { usersMigrations } from './users-migrations.ts';
export { mergeMetadata } from './metadata-merge.ts';
export { checkMetadata, RESERVED_APP_METADATA_KEYS } from './metadata-rules.ts';
export { checkPasswordPolicy } from './password-policy.ts';
export type { SearchRequest } from './search/search-query.ts';
export type {
  Identity, Metadata, NewFederatedUser, NewUser, StoredPasswordHash, User, UserPatch,
} from './user-model.ts';
export { UserIdentities, type FederatedLogin, type RootAttributesMode } from './identities.ts';
export { identitiesRoutes } from './identities-routes.ts';
export { UsersBulk, type BulkImportResult, type BulkImportUser, type ExportedUser } from './bulk.ts';
