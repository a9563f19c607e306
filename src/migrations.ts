// Every domain's migrations, in the one order they run. A domain adds its list here when it adds tables.
import { actionsMigrations } from './actions/actions-tables.ts';
import { clientsMigrations } from './clients/clients-store.ts';
import { connectionsMigrations } from './connections/connections-store.ts';
import { keysMigrations } from './keys/signing-keys.ts';
import { pictureUploadsMigrations } from './pictures/picture-uploads-store.ts';
import { tenantMigrations } from './tenant/tenant-settings-store.ts';
import { bruteForceMigrations, loginSettingsMigrations, oidcPayloadsMigrations } from './login/index.ts';
import type { DomainMigration } from './platform/db/migrations.ts';
import { usersMigrations } from './users/users-migrations.ts';
import { jobsMigrations } from './jobs/jobs-migrations.ts';
import { rateLimitMigrations } from './management/rate-limits.ts';
import { authzMigrations } from './authz/index.ts';
import { revokedTokensMigrations } from './management/revoked-tokens.ts';
import { emailMigrations } from './email/index.ts';

export const allMigrations: DomainMigration[] = [...connectionsMigrations, ...keysMigrations, ...clientsMigrations, ...usersMigrations,
  ...oidcPayloadsMigrations, ...loginSettingsMigrations, ...bruteForceMigrations, ...actionsMigrations,
  ...tenantMigrations, ...pictureUploadsMigrations, ...jobsMigrations, ...authzMigrations, ...rateLimitMigrations, ...revokedTokensMigrations, ...emailMigrations].sort((a, b) =>
  a.name.localeCompare(b.name),
);
