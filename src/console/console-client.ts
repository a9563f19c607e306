// Who the dashboard is to the OpenID provider and the Management API: a first-party single-page client with a
// fixed id, used with the Portrait-Admins connection only. Its users' tokens for the Management API carry every
// Management API scope (decided at issuance, login/resource-servers.ts); anyone else's carry none.
import { ADMIN_CONNECTION } from '../connections/connections-store.ts';
import { MANAGEMENT_SCOPES } from '../management/scopes.ts';

export const CONSOLE_CLIENT_ID = 'portrait-dashboard';
export { ADMIN_CONNECTION };

/** The dashboard's Management API tokens are short-lived; it refreshes them with its rotating refresh token. */
export const CONSOLE_TOKEN_SECONDS = 600;

export const consoleUrls = (issuer: string) => ({
  home: `${issuer}dashboard/`,
  callback: `${issuer}dashboard/callback`,
  signedOut: `${issuer}dashboard/signed-out`,
  origin: new URL(issuer).origin,
});

/** What the dashboard asks for at /authorize: the OIDC scopes, a refresh token, and the Management API scopes. */
export const consoleScope = () => ['openid', 'profile', 'email', 'offline_access', ...MANAGEMENT_SCOPES].join(' ');

/** The Management API scopes a user's token from this client may carry: all of them for an administrator. */
export function consoleManagementScopes(clientId: string, user: { identities?: { connection: string }[] } | null): readonly string[] {
  if (clientId !== CONSOLE_CLIENT_ID || !user) return [];
  return user.identities?.[0]?.connection === ADMIN_CONNECTION ? MANAGEMENT_SCOPES : [];
}
