// The dashboard's server side: its static files, its client and administrators, and who gets which scopes.
export { consoleRoutes } from './console-routes.ts';
export { bootstrapConsole, type ConsoleBootstrap } from './admin-bootstrap.ts';
export { CONSOLE_CLIENT_ID, CONSOLE_TOKEN_SECONDS, consoleManagementScopes } from './console-client.ts';
