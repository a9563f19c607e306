// A cheap "has the database changed?" for the fuzzer: a trigger on every table (both dialects) adds one to a
// single counter row for each row inserted, updated or deleted, so one query after each request tells whether
// that request wrote anything. Test instrumentation only: installed on the test's own database. Left out: the
// rate-limit counters (every request counts against its caller's limit by design, refused or not) and the mail
// outbox (its worker sends, in the background, the mails of requests accepted earlier).
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../src/platform/db/database.ts';

export interface ChangeCounter {
  /** Rows written since the counter was installed. */
  read(): Promise<number>;
}

export async function installChangeCounter(db: Kysely<unknown>, dialect: Dialect): Promise<ChangeCounter> {
  await sql`CREATE TABLE fuzz_changes (n BIGINT NOT NULL)`.execute(db);
  await sql`INSERT INTO fuzz_changes (n) VALUES (0)`.execute(db);
  if (dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('fuzz_changes', 'rate_limit_windows', 'email_outbox')`.execute(db);
    for (const { name } of tables.rows) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        await sql.raw(`CREATE TRIGGER "fuzz_${name}_${op}" AFTER ${op} ON "${name}" BEGIN UPDATE fuzz_changes SET n = n + 1; END`).execute(db);
      }
    }
  } else {
    await sql.raw(`CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE fuzz_changes SET n = n + 1; RETURN NULL; END $$`).execute(db);
    const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN ('fuzz_changes', 'rate_limit_windows', 'email_outbox')`.execute(db);
    for (const { name } of tables.rows) {
      await sql.raw(`CREATE TRIGGER fuzz_count AFTER INSERT OR UPDATE OR DELETE ON "${name}" FOR EACH ROW EXECUTE FUNCTION fuzz_count()`).execute(db);
    }
  }
  return {
    async read() {
      const { rows } = await sql<{ n: number | string }>`SELECT n FROM fuzz_changes`.execute(db);
      return Number(rows[0]!.n);
    },
  };
}
