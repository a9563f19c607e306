// Storage of actions (the draft), their immutable versions and the ordered bindings of each trigger. SQL only:
// the rules (limits, encryption, builds) live in ActionsService; secret values arrive here already encrypted.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { fromJsonColumn, toJsonColumn } from '../platform/db/json.ts';
import type { ActionBindingsTable, ActionsTable, ActionsTables, ActionVersionsTable } from './actions-tables.ts';
import type { DeployError } from './validate-action.ts';
import type { TriggerId } from './types.ts';

export interface ActionTriggerRef {
  id: TriggerId;
  version: string;
}
export interface ActionDependency {
  name: string;
  version: string;
  registry_url?: string;
}
/** A secret as stored: the value is SecretsCipher ciphertext. */
export interface StoredSecret {
  name: string;
  value: string;
  updated_at: string;
}
/** What a draft and a version both hold, and what a deploy copies from one to the other. */
export interface ActionContent {
  code: string;
  dependencies: ActionDependency[];
  runtime: string;
  secrets: StoredSecret[];
  supported_triggers: ActionTriggerRef[];
}
export interface StoredAction extends ActionContent {
  id: string;
  name: string;
  deployed_version_id: string | null;
  created_at: string;
  updated_at: string;
}
export type BuildStatus = 'built' | 'failed';
export interface StoredVersion extends ActionContent {
  id: string;
  action_id: string;
  number: number;
  status: BuildStatus;
  errors: DeployError[];
  built_at: string | null;
  created_at: string;
  updated_at: string;
}
export type StoredBinding = Selectable<ActionBindingsTable>;

export interface BoundVersion {
  binding: StoredBinding;
  actionName: string;
  version: StoredVersion;
}

const contentColumns = (c: Partial<ActionContent>) => ({
  ...(c.code !== undefined && { code: c.code }),
  ...(c.dependencies !== undefined && { dependencies: toJsonColumn(c.dependencies) }),
  ...(c.runtime !== undefined && { runtime: c.runtime }),
  ...(c.secrets !== undefined && { secrets: toJsonColumn(c.secrets) }),
  ...(c.supported_triggers !== undefined && { supported_triggers: toJsonColumn(c.supported_triggers) }),
});

function actionFromRow(row: Selectable<ActionsTable>): StoredAction {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    dependencies: fromJsonColumn(row.dependencies),
    runtime: row.runtime,
    secrets: fromJsonColumn(row.secrets),
    supported_triggers: fromJsonColumn(row.supported_triggers),
    deployed_version_id: row.deployed_version_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function versionFromRow(row: Selectable<ActionVersionsTable>): StoredVersion {
  return {
    id: row.id,
    action_id: row.action_id,
    number: Number(row.number),
    code: row.code,
    dependencies: fromJsonColumn(row.dependencies),
    runtime: row.runtime,
    secrets: fromJsonColumn(row.secrets),
    supported_triggers: fromJsonColumn(row.supported_triggers),
    status: row.status as BuildStatus,
    errors: fromJsonColumn(row.errors),
    built_at: row.built_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export class ActionsStore {
  readonly #db: Kysely<ActionsTables>;

  constructor(handle: DatabaseHandle) {
    this.#db = handle.tables<ActionsTables>();
  }

  async countActions(): Promise<number> {
    const row = await this.#db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listActions(): Promise<StoredAction[]> {
    const rows = await this.#db.selectFrom('actions').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(actionFromRow);
  }

  async getAction(id: string): Promise<StoredAction | null> {
    const row = await this.#db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? actionFromRow(row) : null;
  }

  async getActionByName(name: string): Promise<StoredAction | null> {
    const row = await this.#db.selectFrom('actions').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? actionFromRow(row) : null;
  }

  /** Throws a unique violation (see isUniqueViolation) when the name is taken. */
  async insertAction(action: StoredAction): Promise<void> {
    await this.#db
      .insertInto('actions')
      .values({ id: action.id, name: action.name, deployed_version_id: null, created_at: action.created_at, updated_at: action.updated_at, ...contentColumns(action) } as ActionsTable)
      .execute();
  }

  async updateDraft(id: string, changes: Partial<ActionContent> & { name?: string }, now: string): Promise<StoredAction | null> {
    await this.#db
      .updateTable('actions')
      .set({ ...contentColumns(changes), ...(changes.name !== undefined && { name: changes.name }), updated_at: now })
      .where('id', '=', id)
      .execute();
    return this.getAction(id);
  }

  /** Deletes the action with its versions and bindings (foreign keys cascade). */
  async deleteAction(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('actions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deployedVersions(actionIds: string[]): Promise<Map<string, StoredVersion>> {
    if (actionIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('action_versions')
      .innerJoin('actions', 'actions.deployed_version_id', 'action_versions.id')
      .selectAll('action_versions')
      .where('actions.id', 'in', actionIds)
      .execute();
    return new Map(rows.map((r) => [r.action_id, versionFromRow(r)]));
  }

  /**
   * Adds a version with the next number. With `deploy`, it becomes the action's deployed version in the same
   * transaction. Then versions beyond `keep` are pruned, oldest first, never the deployed one. Returns the
   * version, the one it replaced as deployed, and the pruned ids (the caller drops their warm isolates).
   */
  async addVersion(
    actionId: string,
    fields: Omit<StoredVersion, 'id' | 'action_id' | 'number'> & { id: string },
    options: { deploy: boolean; keep: number },
  ): Promise<{ version: StoredVersion; replaced: string | null; pruned: string[] }> {
    return this.#db.transaction().execute(async (trx) => {
      const max = await trx.selectFrom('action_versions').select((eb) => eb.fn.max('number').as('n')).where('action_id', '=', actionId).executeTakeFirst();
      const number = Number(max?.n ?? 0) + 1;
      await trx
        .insertInto('action_versions')
        .values({
          id: fields.id, action_id: actionId, number, status: fields.status, errors: toJsonColumn(fields.errors), built_at: fields.built_at,
          created_at: fields.created_at, updated_at: fields.updated_at, ...contentColumns(fields),
        } as ActionVersionsTable)
        .execute();
      let replaced: string | null = null;
      if (options.deploy) {
        const action = await trx.selectFrom('actions').select('deployed_version_id').where('id', '=', actionId).executeTakeFirst();
        replaced = action?.deployed_version_id ?? null;
        await trx.updateTable('actions').set({ deployed_version_id: fields.id }).where('id', '=', actionId).execute();
      }
      const pruned = await this.#prune(trx, actionId, options.keep);
      const row = await trx.selectFrom('action_versions').selectAll().where('id', '=', fields.id).executeTakeFirstOrThrow();
      return { version: versionFromRow(row), replaced, pruned };
    });
  }

  async #prune(trx: Transaction<ActionsTables>, actionId: string, keep: number): Promise<string[]> {
    const action = await trx.selectFrom('actions').select('deployed_version_id').where('id', '=', actionId).executeTakeFirst();
    const rows = await trx.selectFrom('action_versions').select(['id']).where('action_id', '=', actionId).orderBy('number', 'desc').execute();
    if (rows.length <= keep) return [];
    const deployed = action?.deployed_version_id;
    const removable = rows.filter((r) => r.id !== deployed).map((r) => r.id);
    const surplus = rows.length - keep;
    const pruned = removable.slice(-surplus); // the oldest that are not deployed
    if (pruned.length > 0) await trx.deleteFrom('action_versions').where('id', 'in', pruned).execute();
    return pruned;
  }

  /** Newest first, as Auth0 lists them. */
  async listVersions(actionId: string): Promise<StoredVersion[]> {
    const rows = await this.#db.selectFrom('action_versions').selectAll().where('action_id', '=', actionId).orderBy('number', 'desc').execute();
    return rows.map(versionFromRow);
  }

  async getVersion(actionId: string, id: string): Promise<StoredVersion | null> {
    const row = await this.#db.selectFrom('action_versions').selectAll().where('action_id', '=', actionId).where('id', '=', id).executeTakeFirst();
    return row ? versionFromRow(row) : null;
  }

  async listBindings(triggerId: string): Promise<StoredBinding[]> {
    return this.#db.selectFrom('action_bindings').selectAll().where('trigger_id', '=', triggerId).orderBy('position').execute();
  }

  async bindingsOfAction(actionId: string): Promise<StoredBinding[]> {
    return this.#db.selectFrom('action_bindings').selectAll().where('action_id', '=', actionId).orderBy('trigger_id').execute();
  }

  /** Replaces a trigger's whole ordered list in one transaction: readers see the old list or the new one. */
  async replaceBindings(triggerId: string, bindings: StoredBinding[]): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('action_bindings').where('trigger_id', '=', triggerId).execute();
      if (bindings.length > 0) await trx.insertInto('action_bindings').values(bindings).execute();
    });
  }

  /** What a trigger runs: each binding's action at its deployed version, in binding order. */
  async boundVersions(triggerId: string): Promise<BoundVersion[]> {
    const rows = await this.#db
      .selectFrom('action_bindings as b')
      .innerJoin('actions as a', 'a.id', 'b.action_id')
      .innerJoin('action_versions as v', 'v.id', 'a.deployed_version_id')
      .selectAll('v')
      .select(['b.id as binding_id', 'b.position as binding_position', 'b.display_name as binding_display_name', 'b.created_at as binding_created_at', 'b.updated_at as binding_updated_at', 'a.name as action_name'])
      .where('b.trigger_id', '=', triggerId)
      .orderBy('b.position')
      .execute();
    return rows.map((r) => ({
      binding: {
        id: r.binding_id, trigger_id: triggerId, position: Number(r.binding_position), action_id: r.action_id,
        display_name: r.binding_display_name, created_at: r.binding_created_at, updated_at: r.binding_updated_at,
      },
      actionName: r.action_name,
      version: versionFromRow(r),
    }));
  }

  /** Records the secrets key's fingerprint on first use; answers the one the database already holds. */
  async secretsKeyFingerprint(fingerprint: string, now: string): Promise<string> {
    await this.#db.insertInto('actions_secrets_key').values({ id: 1, fingerprint, created_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
    const row = await this.#db.selectFrom('actions_secrets_key').select('fingerprint').where('id', '=', 1).executeTakeFirstOrThrow();
    return row.fingerprint;
  }

  async replaceSecretsKeyFingerprint(fingerprint: string): Promise<void> {
    await this.#db.updateTable('actions_secrets_key').set({ fingerprint }).where('id', '=', 1).execute();
  }

  /**
   * Rewrites every stored secret (drafts and versions) through `rewrite`, in one transaction: the re-encryption of
   * a secrets-key rotation. Answers how many secrets changed.
   */
  async rewriteSecrets(rewrite: (actionId: string, secret: StoredSecret) => StoredSecret): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      let changed = 0;
      const apply = (actionId: string, stored: unknown) => {
        const before = fromJsonColumn<StoredSecret[]>(stored);
        const after = before.map((s) => rewrite(actionId, s));
        const n = after.filter((s, i) => s.value !== before[i].value).length;
        changed += n;
        return n > 0 ? toJsonColumn(after) : null;
      };
      for (const row of await trx.selectFrom('actions').select(['id', 'secrets']).execute()) {
        const secrets = apply(row.id, row.secrets);
        if (secrets !== null) await trx.updateTable('actions').set({ secrets }).where('id', '=', row.id).execute();
      }
      for (const row of await trx.selectFrom('action_versions').select(['id', 'action_id', 'secrets']).execute()) {
        const secrets = apply(row.action_id, row.secrets);
        if (secrets !== null) await trx.updateTable('action_versions').set({ secrets }).where('id', '=', row.id).execute();
      }
      return changed;
    });
  }

  /** Whether any draft or version holds a secret (i.e. anything was encrypted with the recorded key). */
  async hasAnySecret(): Promise<boolean> {
    const drafts = await this.#db.selectFrom('actions').select('secrets').execute();
    const versions = await this.#db.selectFrom('action_versions').select('secrets').execute();
    return [...drafts, ...versions].some((r) => fromJsonColumn<unknown[]>(r.secrets).length > 0);
  }
}
