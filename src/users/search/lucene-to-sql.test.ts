import {
  DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../platform/errors.ts';
import { luceneToSql } from './lucene-to-sql.ts';
import { extractRanges } from './range-placeholders.ts';
import { compileSearch } from './search-query.ts';

// Compile-only Kysely instances: the translation is checked as SQL text and bound parameters per dialect.
const compilers = {
  postgres: new Kysely<unknown>({
    dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
  }),
  sqlite: new Kysely<unknown>({
    dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() },
  }),
};

function compiled(dialect: 'postgres' | 'sqlite', q: string) {
  const where = luceneToSql(dialect, q);
  if (!where) return null;
  const { sql, parameters } = where.compile(compilers[dialect]);
  return { sql, parameters: [...parameters] };
}

function rejects(q: string): string {
  try {
    luceneToSql('sqlite', q);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).errorCode).toBe('invalid_query_string');
    return (error as ApiError).message;
  }
  throw new Error(`expected ${q} to be refused`);
}

describe('luceneToSql', () => {
  it('matches case-insensitive fields on their folded columns, with the value folded and bound', () => {
    expect(compiled('sqlite', 'email:"John@Example.COM"')).toEqual({ sql: '"users"."email_lc" = ?', parameters: ['john@example.com'] });
    expect(compiled('postgres', 'name:"Ann Lee"')).toEqual({ sql: '"users"."name_lc" = $1', parameters: ['ann lee'] });
    expect(compiled('postgres', 'user_id:"auth0|ABC"')).toEqual({ sql: '"users"."user_id" = $1', parameters: ['auth0|ABC'] });
  });

  it('combines AND, OR, NOT, implicit AND and parentheses; NOT keeps users without the field', () => {
    const c = compiled('sqlite', 'name:a (email:b OR NOT nickname:c) -blocked:true');
    expect(c!.sql).toBe(
      '(("users"."name_lc" = ? AND ("users"."email_lc" = ? OR (NOT COALESCE("users"."nickname_lc" = ?, (1 = 0))))) AND (NOT COALESCE("users"."blocked" = ?, (1 = 0))))',
    );
    expect(c!.parameters).toEqual(['a', 'b', 'c', 1]);
  });

  it('turns wildcards into an index range plus LIKE (PostgreSQL) or GLOB (SQLite)', () => {
    expect(compiled('sqlite', 'name:jo*')).toEqual({ sql: '("users"."name_lc" >= ? AND "users"."name_lc" < ?)', parameters: ['jo', 'jp'] });
    expect(compiled('sqlite', 'name:J?n*')).toEqual({
      sql: '("users"."name_lc" >= ? AND "users"."name_lc" < ? AND "users"."name_lc" GLOB ?)', parameters: ['j', 'k', 'j?n*'],
    });
    expect(compiled('postgres', 'email:*@corp.example')).toEqual({ sql: `"users"."email_lc" LIKE $1 ESCAPE '\\'`, parameters: ['%@corp.example'] });
    expect(compiled('postgres', 'username:a_b*')).toEqual({ sql: `"users"."username" LIKE $1 ESCAPE '\\'`, parameters: ['a\\_b%'] });
    expect(rejects('name:*ab')).toContain('at least 3');
  });

  it('reads metadata paths with JSON operators, values bound, arrays flattened', () => {
    const pg = compiled('postgres', 'app_metadata.x.y:1');
    expect(pg!.sql).toContain('jsonb_array_elements_text');
    expect(pg!.parameters).toEqual([['x', 'y'], ['x', 'y'], ['x', 'y'], '1']);
    const lite = compiled('sqlite', 'user_metadata.plan:"gold"');
    expect(lite!.sql).toContain('json_each("users"."user_metadata", ?)');
    expect(lite!.parameters).toEqual(['$."plan"', '$."plan"', 'gold']);
  });

  it('translates ranges on numbers and dates, with open ends and whole-day dates', () => {
    expect(compiled('sqlite', 'logins_count:[10 TO 100}')).toEqual({ sql: '("users"."logins_count" >= ? AND "users"."logins_count" < ?)', parameters: [10, 100] });
    expect(compiled('postgres', 'last_login:[2025-12-01 TO 2025-12-31]')).toEqual({
      sql: '("users"."last_login" >= $1 AND "users"."last_login" < $2)', parameters: ['2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    });
    expect(compiled('sqlite', 'created_at:{2025-01-01 TO *]')).toEqual({ sql: '("users"."created_at" >= ?)', parameters: ['2025-01-02T00:00:00.000Z'] });
    expect(compiled('sqlite', 'logins_count:>5')).toEqual({ sql: '("users"."logins_count" > ?)', parameters: [5] });
    expect(rejects('name:[a TO c]')).toContain('Ranges are supported on numbers and dates');
    expect(rejects('created_at:[yesterday TO *]')).toContain('ISO-8601');
  });

  it('supports _exists_, email.domain and identities.*', () => {
    expect(compiled('sqlite', '_exists_:given_name')).toEqual({ sql: '"users"."given_name_lc" IS NOT NULL', parameters: [] });
    expect(compiled('postgres', '_exists_:user_metadata.plan')!.sql).toContain(`NOT IN ('null'::jsonb, '[]'::jsonb, '{}'::jsonb)`);
    expect(compiled('sqlite', 'email.domain:"Example.com"')).toEqual({ sql: '"users"."email_lc" GLOB ?', parameters: ['*@example.com'] });
    expect(compiled('postgres', 'identities.connection:"google-oauth2"')).toEqual({
      sql: 'EXISTS (SELECT 1 FROM jsonb_array_elements("users"."identities") AS i(v) WHERE (i.v ->> $1::text) = $2)', parameters: ['connection', 'google-oauth2'],
    });
  });

  it('binds hostile values and never lets a field name reach the SQL text', () => {
    const hostile = `name:"'; DROP TABLE users; --" user_metadata.a:"\\" OR 1=1" app_metadata.b:x`;
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const c = compiled(dialect, hostile)!;
      expect(c.sql).not.toContain('DROP');
      expect(c.sql).not.toContain('1=1');
      expect(c.parameters).toContain(`'; drop table users; --`);
    }
    expect(rejects('user_metadata.a"b:1')).toBeTruthy();
    expect(rejects('extra\\u0000:1')).toBeTruthy();
  });

  it('refuses what it does not support with invalid_query_string', () => {
    for (const q of ['name:(a OR b)', 'name:/re.*/', 'name:john~', '"unterminated', 'logins_count:abc', 'blocked:maybe', 'picture:x', 'logins_count:1*', 'user_metadata:x', 'user_metadata.plan:s*', 'user_metadata.plan:*old', 'user_metadata.plan:g?ld', 'user_metadata.score:[1 TO 5]', 'user_metadata.score:>1']) {
      expect(rejects(q)).toMatch(/^Query validation error: '.+' on property q\.$/);
    }
    expect(rejects(Array.from({ length: 65 }, (_, i) => `a${i}`).join(' OR '))).toContain('more than 64 terms');
  });

  it('treats an empty query as no condition and a bare term as a search of email, nickname and name', () => {
    expect(luceneToSql('sqlite', '   ')).toBeNull();
    const bare = compiled('sqlite', 'John')!;
    expect(bare.sql).toContain('"users"."email_lc" = ?');
    expect(bare.parameters.slice(0, 3)).toEqual(['john', 'john', 'john']);
  });

  it('orders by an allowed root attribute, nulls last, with user_id breaking ties', () => {
    const order = compileSearch('sqlite', { sort: 'last_login:-1', page: 0, perPage: 50, includeTotals: false }).orderBy;
    expect(order.map((o) => o.compile(compilers.sqlite).sql)).toEqual(['"users"."last_login" DESC NULLS LAST', 'users.user_id DESC']);
    expect(() => compileSearch('sqlite', { sort: 'user_metadata.plan:1', page: 0, perPage: 50, includeTotals: false })).toThrow(/Cannot sort by/);
  });
});

describe('extractRanges', () => {
  it('replaces ranges outside quotes by placeholders and leaves quoted text alone', () => {
    const { text, ranges } = extractRanges('a:[1 TO *} b:"[x TO y]" c:{2025-01-01 TO "2025-02-01"]');
    expect(text).toMatch(/^a:"range_\w+_0" b:"\[x TO y\]" c:"range_\w+_1"$/);
    expect([...ranges.values()]).toEqual([
      { min: '1', max: null, minInclusive: true, maxInclusive: false },
      { min: '2025-01-01', max: '2025-02-01', minInclusive: false, maxInclusive: true },
    ]);
  });
});
