// Every SQL statement either dialect runs has its parameters checked for text that no store keeps faithfully
// (storable-text.ts) before it is sent: one place, the same answer (400) on SQLite and PostgreSQL, whichever
// route or library the text came through. The HTTP boundary refuses most of it earlier with a better message.
import type { Dialect, Kysely, QueryCompiler } from 'kysely';
import { ApiError } from '../errors.ts';
import { isStorableParameter, UNSTORABLE_TEXT_MESSAGE } from '../storable-text.ts';

/** What a statement with unstorable text throws: a client's mistake (400), never a 500. */
export class UnstorableTextError extends ApiError {
  constructor() {
    super('bad_request', `The request holds text that cannot be stored: ${UNSTORABLE_TEXT_MESSAGE}.`);
  }
}

export function checkParameters(parameters: readonly unknown[]): void {
  for (const p of parameters) if (typeof p === 'string' && !isStorableParameter(p)) throw new UnstorableTextError();
}

/** `dialect` with a compiler that refuses statements binding unstorable text. */
export function withStorableTextCheck(dialect: Dialect): Dialect {
  return {
    createDriver: () => dialect.createDriver(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db: Kysely<any>) => dialect.createIntrospector(db),
    createQueryCompiler(): QueryCompiler {
      const compiler = dialect.createQueryCompiler();
      return {
        compileQuery(node, queryId) {
          const compiled = compiler.compileQuery(node, queryId);
          checkParameters(compiled.parameters);
          return compiled;
        },
      };
    },
  };
}
