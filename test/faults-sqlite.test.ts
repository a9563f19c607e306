// SQLite busy: another process holds the write lock longer than Portrait's busy timeout (5 s), as a backup tool or
// a stuck maintenance script would. The write is refused with 503 `temporarily_unavailable`, not 500, changes
// nothing, and succeeds once the lock is gone.
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('SQLite locked by another writer', () => {
  it('answers 503 in Auth0\'s shape and writes once the lock is released', { timeout: 60_000 }, async () => {
    server = await startTestServer({ dialect: 'sqlite' });
    const user = await server.services.users.create({ connection: 'Username-Password-Authentication', email: 'busy@example.com', password: 'Str0ng!Passw0rd#2026' });
    const token = await server.managementToken(['update:users', 'read:users']);
    const userUrl = `${server.url}api/v2/users/${encodeURIComponent(user.user_id)}`;
    const patch = () => fetch(userUrl, {
      method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_metadata: { colour: 'teal' } }),
    });

    const other = new SQLite((server.config.database as { file: string }).file);
    try {
      other.exec('BEGIN EXCLUSIVE');
      const refused = await patch();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable', errorCode: 'temporarily_unavailable' });
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    expect((await server.services.users.get(user.user_id))?.user_metadata?.colour).toBeUndefined();
    expect((await patch()).status).toBe(200);
    expect((await server.services.users.get(user.user_id))?.user_metadata).toMatchObject({ colour: 'teal' });
  });
});
