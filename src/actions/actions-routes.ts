// /api/v2/actions/actions: drafts (create, list, get, update, delete), deploy and test. Versions, triggers and
// bindings are in triggers-routes.ts. Scopes as Auth0 names them; deploy and test need create:actions.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import { actionJson, versionJson } from './action-json.ts';
import {
  ActionIdParams, ActionSchema, ActionsListSchema, ActionVersionSchema, CreateActionBody, DeleteActionQuery, ListActionsQuery,
  TestActionBody, UpdateActionBody,
} from './actions-schemas.ts';
import type { ActionsService } from './actions-service.ts';
import { TestActionResponse } from './test-result.ts';
import { triggersRoutes } from './triggers-routes.ts';

type IdParams = Static<typeof ActionIdParams>;

export async function actionsRoutes(api: FastifyInstance, opts: { actions: ActionsService }): Promise<void> {
  const { actions } = opts;
  const tags = ['actions'];

  api.get<{ Querystring: Static<typeof ListActionsQuery> }>('/actions/actions', {
    config: { scopes: ['read:actions'] },
    schema: { tags, querystring: ListActionsQuery, response: withErrors({ 200: ActionsListSchema }) },
  }, async (request) => {
    const q = request.query;
    const all = (await actions.store.listActions())
      .filter((a) => q.triggerId === undefined || a.supported_triggers.some((t) => t.id === q.triggerId))
      .filter((a) => q.actionName === undefined || a.name === q.actionName)
      .filter((a) => q.deployed === undefined || (a.deployed_version_id !== null) === q.deployed)
      // No Portrait action comes from a marketplace integration.
      .filter(() => q.installed !== true);
    const perPage = q.per_page ?? 50;
    const page = q.page ?? 0;
    const shown = all.slice(page * perPage, page * perPage + perPage);
    const deployed = await actions.store.deployedVersions(shown.map((a) => a.id));
    return { total: all.length, page, per_page: perPage, actions: shown.map((a) => actionJson(a, deployed.get(a.id))) };
  });

  api.post<{ Body: Static<typeof CreateActionBody> }>('/actions/actions', {
    config: { scopes: ['create:actions'] },
    schema: { tags, body: CreateActionBody, response: withErrors({ 201: ActionSchema }) },
  }, async (request, reply) => {
    const { deploy, ...draft } = request.body;
    let action = await actions.create(draft);
    let deployed;
    if (deploy) ({ action, version: deployed } = await actions.deploy(action.id));
    if (deployed?.status !== 'built') deployed = await actions.deployedVersionOf(action);
    return reply.status(201).send(actionJson(action, deployed));
  });

  api.get<{ Params: IdParams }>('/actions/actions/:id', {
    config: { scopes: ['read:actions'] },
    schema: { tags, params: ActionIdParams, response: withErrors({ 200: ActionSchema }) },
  }, async (request) => {
    const action = await actions.found(request.params.id);
    return actionJson(action, await actions.deployedVersionOf(action));
  });

  api.patch<{ Params: IdParams; Body: Static<typeof UpdateActionBody> }>('/actions/actions/:id', {
    config: { scopes: ['update:actions'] },
    schema: { tags, params: ActionIdParams, body: UpdateActionBody, response: withErrors({ 200: ActionSchema }) },
  }, async (request) => {
    const action = await actions.updateDraft(request.params.id, request.body);
    return actionJson(action, await actions.deployedVersionOf(action));
  });

  api.delete<{ Params: IdParams; Querystring: Static<typeof DeleteActionQuery> }>('/actions/actions/:id', {
    config: { scopes: ['delete:actions'] },
    schema: { tags, params: ActionIdParams, querystring: DeleteActionQuery, response: withErrors({}) },
  }, async (request, reply) => {
    await actions.delete(request.params.id, request.query.force === true);
    return reply.status(204).send();
  });

  // 202 as on Auth0, but the build has already happened: `status` is `built` (now deployed) or `failed`
  // (with `errors`, and the previously deployed version still deployed).
  api.post<{ Params: IdParams }>('/actions/actions/:id/deploy', {
    config: { scopes: ['create:actions'] },
    schema: { tags, params: ActionIdParams, response: withErrors({ 202: ActionVersionSchema }) },
  }, async (request, reply) => {
    const { version, action } = await actions.deploy(request.params.id);
    return reply.status(202).send(versionJson(version, action, await actions.deployedVersionOf(action)));
  });

  api.post<{ Params: IdParams; Body: Static<typeof TestActionBody> }>('/actions/actions/:id/test', {
    config: { scopes: ['create:actions'] },
    schema: { tags, params: ActionIdParams, body: TestActionBody, response: withErrors({ 200: TestActionResponse }) },
  }, async (request) => ({ payload: await actions.test(request.params.id, request.body.payload) }));

  await triggersRoutes(api, { actions });
}
