// The Management API scopes, named as Auth0 names them. The bootstrap client holds all of them.
const RESOURCES = ['users', 'clients', 'client_grants', 'connections', 'actions', 'tenant_settings', 'signing_keys', 'user_blocks', 'jobs', 'branding', 'resource_servers', 'roles',
  'email_provider', 'email_templates'];

export const MANAGEMENT_SCOPES: readonly string[] = [
  ...RESOURCES.flatMap((r) => [`read:${r}`, `create:${r}`, `update:${r}`, `delete:${r}`]),
  'update:users_app_metadata',
  'read:user_idp_tokens',
  'create:user_tickets',
  'read:client_keys',
  'update:client_keys',
  'read:logs',
  'read:role_members',
  'create:role_members',
  'delete:role_members',
  'blacklist:tokens',
  // Sign-in sessions and what they issued (src/login/session-routes.ts).
  ...['sessions', 'refresh_tokens', 'grants', 'device_credentials'].flatMap((r) => [`read:${r}`, `delete:${r}`]),
];

/** Scopes a token issued to a user (not a client) may carry; they reach only that user. */
export const USER_CONTEXT_SCOPES: readonly string[] = [
  'read:current_user',
  'update:current_user_identities',
  'create:current_user_metadata',
  'update:current_user_metadata',
  'delete:current_user_metadata',
  'create:current_user_device_credentials',
  'delete:current_user_device_credentials',
];
