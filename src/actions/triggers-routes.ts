// /api/v2/actions: an action's versions and rollback, the triggers, and each trigger's ordered bindings.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import { bindingJson, versionJson } from './action-json.ts';
import {
  ActionVersionSchema, BindingsListSchema, BindingsUpdatedSchema, PagingQuery, RollbackBody, TriggerParams, TriggersListSchema,
  UpdateBindingsBody, VersionParams, VersionsListParams, VersionsListSchema,
} from './actions-schemas.ts';
import type { ActionsService } from './actions-service.ts';
import type { BoundAction } from './bindings-service.ts';
import { triggerOrFail } from './bindings-service.ts';
import { CURRENT_TRIGGER_VERSION, DEFAULT_RUNTIME, RUNTIMES } from './draft-rules.ts';
import { TRIGGERS } from './triggers.ts';
import { fail } from '../platform/errors.ts';

const page = <T>(items: T[], q: Static<typeof PagingQuery>) => {
  const perPage = q.per_page ?? 50;
  const index = q.page ?? 0;
  return { total: items.length, page: index, per_page: perPage, items: items.slice(index * perPage, index * perPage + perPage) };
};

const bindingsJson = (bound: BoundAction[]) => bound.map((b) => bindingJson(b.binding, b.action, b.deployed));

export async function triggersRoutes(api: FastifyInstance, opts: { actions: ActionsService }): Promise<void> {
  const { actions } = opts;
  const tags = ['actions'];

  api.get<{ Params: Static<typeof VersionsListParams>; Querystring: Static<typeof PagingQuery> }>('/actions/actions/:actionId/versions', {
    config: { scopes: ['read:actions'] },
    schema: { tags, params: VersionsListParams, querystring: PagingQuery, response: withErrors({ 200: VersionsListSchema }) },
  }, async (request) => {
    const action = await actions.found(request.params.actionId);
    const deployed = await actions.deployedVersionOf(action);
    const { items, ...envelope } = page(await actions.store.listVersions(action.id), request.query);
    return { ...envelope, versions: items.map((v) => versionJson(v, action, deployed)) };
  });

  api.get<{ Params: Static<typeof VersionParams> }>('/actions/actions/:actionId/versions/:id', {
    config: { scopes: ['read:actions'] },
    schema: { tags, params: VersionParams, response: withErrors({ 200: ActionVersionSchema }) },
  }, async (request) => {
    const action = await actions.found(request.params.actionId);
    const version = (await actions.store.getVersion(action.id, request.params.id)) ?? fail('inexistent_action_version', 'The action version does not exist.');
    return versionJson(version, action, await actions.deployedVersionOf(action));
  });

  // Rollback. The auth0 SDK sends no body (and no content type) unless update_draft is given: that is `{}`.
  api.post<{ Params: Static<typeof VersionParams>; Body: Static<typeof RollbackBody> | undefined }>('/actions/actions/:actionId/versions/:id/deploy', {
    config: { scopes: ['create:actions'] },
    preValidation: async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    },
    schema: { tags, params: VersionParams, body: RollbackBody, response: withErrors({ 202: ActionVersionSchema }) },
  }, async (request, reply) => {
    const { version, action } = await actions.rollback(request.params.actionId, request.params.id, { updateDraft: request.body?.update_draft === true });
    return reply.status(202).send(versionJson(version, action, await actions.deployedVersionOf(action)));
  });

  api.get('/actions/triggers', {
    config: { scopes: ['read:actions'] },
    schema: { tags, response: withErrors({ 200: TriggersListSchema }) },
  }, async () => ({
    triggers: Object.values(TRIGGERS).map((t) => ({
      id: t.id,
      version: CURRENT_TRIGGER_VERSION[t.id],
      status: 'CURRENT',
      runtimes: RUNTIMES.filter((r) => r === 'node18' || r === 'node22'),
      default_runtime: DEFAULT_RUNTIME,
      compatible_triggers: [],
      binding_policy: 'trigger-bound',
    })),
  }));

  api.get<{ Params: Static<typeof TriggerParams>; Querystring: Static<typeof PagingQuery> }>('/actions/triggers/:triggerId/bindings', {
    config: { scopes: ['read:actions'] },
    schema: { tags, params: TriggerParams, querystring: PagingQuery, response: withErrors({ 200: BindingsListSchema }) },
  }, async (request) => {
    const trigger = triggerOrFail(request.params.triggerId);
    const { items, ...envelope } = page(await actions.bindings.list(trigger), request.query);
    return { ...envelope, bindings: bindingsJson(items) };
  });

  api.patch<{ Params: Static<typeof TriggerParams>; Body: Static<typeof UpdateBindingsBody> }>('/actions/triggers/:triggerId/bindings', {
    config: { scopes: ['update:actions'] },
    schema: { tags, params: TriggerParams, body: UpdateBindingsBody, response: withErrors({ 200: BindingsUpdatedSchema }) },
  }, async (request) => {
    const trigger = triggerOrFail(request.params.triggerId);
    return { bindings: bindingsJson(await actions.bindings.replace(trigger, request.body.bindings)) };
  });
}
