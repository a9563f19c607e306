// The same query table against real SQLite and PostgreSQL databases: the translation must select exactly the
// same users on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/support/databases.ts';
import { openUsersTestDb, type UsersTestDb } from '../testing/users-test-db.ts';
import type { UsersTables } from '../user-model.ts';

const QUERIES: [string, string[]][] = [
  ['email:"ALICE@example.com"', ['alice']],
  ['name:"alice smith"', ['alice']],
  ['name:"Alice Smith"', ['alice']],
  ['given_name:ALICE', ['alice']],
  ['family_name:smith', ['alice']],
  ['nickname:CAZ', ['carol']],
  ['name:*smith', ['alice', 'carol']],
  ['name:ali*', ['alice']],
  ['name:d*', ['dan']],
  ['name:"DAN ÜNAL"', ['dan']],
  ['name:bob_*', []],
  ['name:b?b*', ['bob']],
  ['email.domain:"example.com"', ['alice', 'bob']],
  ['email.domain:corp.test', ['carol']],
  ['user_metadata.plan:"gold"', ['alice']],
  ['user_metadata.plan:Gold', []],
  ['user_metadata.tags:"b"', ['alice']],
  ['user_metadata.score:5', ['alice']],
  ['user_metadata.display.fontSize:13', ['alice']],
  ['user_metadata.plan:*', ['alice', 'bob']],
  ['app_metadata.x.y:1', ['alice']],
  ['app_metadata.vip:true', ['alice']],
  ['_exists_:user_metadata.plan', ['alice', 'bob']],
  ['_exists_:user_metadata.empty', []],
  ['_exists_:given_name', ['alice']],
  ['NOT _exists_:given_name', ['bob', 'carol', 'dan']],
  ['logins_count:[3 TO 10]', ['alice', 'bob']],
  ['logins_count:[3 TO 10}', ['alice']],
  ['logins_count:>3', ['bob']],
  ['logins_count:[* TO 2]', ['carol', 'dan']],
  ['last_login:[2025-12-01 TO 2025-12-10]', ['alice']],
  ['last_login:{2025-12-10 TO *]', ['bob']],
  ['last_login:2025-12-20', ['bob']],
  ['blocked:true', ['carol']],
  ['NOT blocked:true AND email.domain:"example.com"', ['alice', 'bob']],
  ['identities.connection:"google-oauth2"', ['dan']],
  ['identities.isSocial:true', ['dan']],
  ['identities.provider:auth0', ['alice', 'bob', 'carol']],
  ['locale:fr', ['dan']],
  ['smith', ['alice', 'carol']],
  ['alice', ['alice']],
  ['caz OR bob@example.com', ['bob', 'carol']],
  ['(name:alice* OR name:bob*) AND user_metadata.plan:silver', ['bob']],
  ['-name:"Bob Jones"', ['alice', 'carol', 'dan']],
  ['email:*', ['alice', 'bob', 'carol', 'dan']],
  [`name:"'; DROP TABLE users; --"`, []],
  [`user_metadata.plan:"gold' OR '1'='1"`, []],
  ['name:"100%"', []],
];

describe.each(dialects)('user search on %s', (dialect) => {
  let db: UsersTestDb;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    db = await openUsersTestDb(dialect);
    const c = 'Username-Password-Authentication';
    const pw = 'Correct-Horse-9';
    const alice = await db.users.create({
      connection: c, email: 'Alice@Example.com', password: pw, name: 'Alice Smith', given_name: 'Alice', family_name: 'Smith', nickname: 'alice',
      user_metadata: { plan: 'gold', tags: ['a', 'b'], score: 5, display: { fontSize: 13 }, empty: {} }, app_metadata: { x: { y: 1 }, vip: true },
    });
    const bob = await db.users.create({ connection: c, email: 'bob@example.com', password: pw, name: 'Bob Jones', user_metadata: { plan: 'silver' }, app_metadata: { x: { y: 2 } } });
    const carol = await db.users.create({ connection: c, email: 'carol@corp.test', password: pw, name: 'Carol Ann Smith', nickname: 'caz', blocked: true });
    await db.connections.create({ name: 'google-oauth2', strategy: 'google-oauth2' });
    const dan = await db.users.createFederated({
      connection: 'google-oauth2', provider: 'google-oauth2', isSocial: true, providerUserId: '42', email: 'Dan@Gmail.com', name: 'Dan Ünal', attributes: { locale: 'fr' },
    });
    Object.assign(ids, { alice: alice.user_id, bob: bob.user_id, carol: carol.user_id, dan: dan.user_id });
    const table = db.handle.tables<UsersTables>();
    await table.updateTable('users').set({ logins_count: 3, last_login: '2025-12-10T10:00:00.000Z' }).where('user_id', '=', alice.user_id).execute();
    await table.updateTable('users').set({ logins_count: 10, last_login: '2025-12-20T08:00:00.000Z' }).where('user_id', '=', bob.user_id).execute();
  });
  afterAll(async () => db?.close());

  const names = (userIds: string[]) => userIds.map((id) => Object.keys(ids).find((k) => ids[k] === id)).sort();

  it.each(QUERIES)('%s', async (q, expected) => {
    const { users } = await db.users.search({ q, page: 0, perPage: 50, includeTotals: false });
    expect(names(users.map((u) => u.user_id))).toEqual(expected);
  });

  it('sorts, pages and counts in the database', async () => {
    const first = await db.users.search({ sort: 'logins_count:-1', page: 0, perPage: 2, includeTotals: true });
    expect(names(first.users.map((u) => u.user_id))).toEqual(['alice', 'bob']);
    expect(first.users[0].user_id).toBe(ids.bob);
    expect(first.total).toBe(4);
    const lastLogin = await db.users.search({ sort: 'last_login:1', page: 0, perPage: 10, includeTotals: false });
    expect(lastLogin.users.slice(0, 2).map((u) => u.user_id)).toEqual([ids.alice, ids.bob]);
    const second = await db.users.search({ q: 'email.domain:"example.com"', sort: 'email:1', page: 1, perPage: 1, includeTotals: true });
    expect(second.users.map((u) => u.user_id)).toEqual([ids.bob]);
    expect(second.total).toBe(2);
  });
});
