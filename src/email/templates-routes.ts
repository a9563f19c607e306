// /api/v2/email-templates: Auth0's template names and fields. A body that Liquid cannot parse is refused at save
// with liquidjs's message (it names the line and column); so is a `from` that is not one plain mailbox.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import { DEFAULT_TEMPLATES, defaultHtml, TEMPLATE_NAMES } from './default-templates.ts';
import type { EmailSettings, StoredTemplate } from './email-settings.ts';
import { MAX_TEMPLATE_BYTES, parseProblem } from './templates.ts';
import { checkMailbox, UnsafeHeaderError } from './transport.ts';

const Name = Type.Union(TEMPLATE_NAMES.map((n) => Type.Literal(n)));
const optional = {
  body: Type.Optional(Type.Union([Type.String({ maxLength: MAX_TEMPLATE_BYTES }), Type.Null()])),
  from: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
  subject: Type.Optional(Type.Union([Type.String({ maxLength: 998 }), Type.Null()])),
  syntax: Type.Optional(Type.Union([Type.Literal('liquid'), Type.Null()])),
  resultUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  urlLifetimeInSeconds: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 30 * 86_400 }), Type.Null()])),
  includeEmailInRedirect: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
};

const CreateBody = Type.Object({ template: Name, ...optional }, { additionalProperties: false });
const PatchBody = Type.Object({ template: Type.Optional(Name), ...optional }, { additionalProperties: false });
const Params = Type.Object({ templateName: Name });

const Template = Type.Object({
  template: Type.String(), body: Type.String(), from: Type.String(), subject: Type.String(), syntax: Type.String(),
  resultUrl: Type.Optional(Type.String()), urlLifetimeInSeconds: Type.Optional(Type.Integer()),
  includeEmailInRedirect: Type.Optional(Type.Boolean()), enabled: Type.Boolean(),
}, { $id: 'EmailTemplate', additionalProperties: false });

type Input = Static<typeof PatchBody>;

/** What a field left out (or null) becomes: Portrait's default wording, the provider's sender, Auth0's defaults. */
function defaultsFor(name: string): StoredTemplate {
  const builtIn = DEFAULT_TEMPLATES[name];
  return {
    template: name, body: builtIn ? defaultHtml(builtIn) : '', subject: builtIn?.subject ?? '', from: '', syntax: 'liquid', enabled: true,
    includeEmailInRedirect: true,
  };
}

/** Merges `input` over `base` (nulls meaning "the default") and checks the whole; throws invalid_body naming the fault. */
function built(name: string, base: StoredTemplate, input: Input): StoredTemplate {
  const defaults = defaultsFor(name);
  const merged: Record<string, unknown> = { ...base, template: name };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'template' || value === undefined) continue;
    if (value === null) {
      if (key in defaults) merged[key] = defaults[key as keyof StoredTemplate];
      else delete merged[key];
    } else merged[key] = value;
  }
  const t = merged as unknown as StoredTemplate;
  for (const [field, source] of [['body', t.body], ['subject', t.subject]] as const) {
    const problem = parseProblem(source);
    if (problem) fail('invalid_body', `The template's ${field} is not valid Liquid: ${problem}`);
  }
  try {
    if (t.from) checkMailbox(t.from, 'from');
  } catch (error) {
    if (error instanceof UnsafeHeaderError) fail('invalid_body', `Payload validation error: ${error.message}.`);
    throw error;
  }
  if (t.resultUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(t.resultUrl)) fail('invalid_body', 'Payload validation error: resultUrl must be an absolute http(s) URL.');
  return t;
}

export async function templatesRoutes(api: FastifyInstance, opts: { settings: EmailSettings }): Promise<void> {
  const { settings } = opts;
  const missing = (name: string) => fail('not_found', `The template ${name} does not exist.`);

  api.post<{ Body: Static<typeof CreateBody> }>('/email-templates', {
    config: { scopes: ['create:email_templates'] },
    schema: { tags: ['email-templates'], body: CreateBody, response: withErrors({ 200: Template }) },
  }, async (request) => {
    const template = built(request.body.template, defaultsFor(request.body.template), request.body);
    if (!(await settings.createTemplate(template))) fail('conflict', `Template ${template.template} already exists.`);
    return template;
  });

  api.get<{ Params: Static<typeof Params> }>('/email-templates/:templateName', {
    config: { scopes: ['read:email_templates'] },
    schema: { tags: ['email-templates'], params: Params, response: withErrors({ 200: Template }) },
  }, async (request) => (await settings.template(request.params.templateName)) ?? missing(request.params.templateName));

  api.patch<{ Params: Static<typeof Params>; Body: Static<typeof PatchBody> }>('/email-templates/:templateName', {
    config: { scopes: ['update:email_templates'] },
    schema: { tags: ['email-templates'], params: Params, body: PatchBody, response: withErrors({ 200: Template }) },
  }, async (request) => {
    const name = request.params.templateName;
    const current = (await settings.template(name)) ?? missing(name);
    const template = built(name, current, request.body);
    await settings.saveTemplate(template);
    return template;
  });

  api.put<{ Params: Static<typeof Params>; Body: Static<typeof CreateBody> }>('/email-templates/:templateName', {
    config: { scopes: ['update:email_templates'] },
    schema: { tags: ['email-templates'], params: Params, body: CreateBody, response: withErrors({ 200: Template }) },
  }, async (request) => {
    const template = built(request.params.templateName, defaultsFor(request.params.templateName), request.body);
    await settings.saveTemplate(template);
    return template;
  });
}
