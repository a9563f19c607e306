// /api/v2/tenants/settings: Auth0's common fields that Portrait stores (friendly_name, picture_url,
// support_email, support_url) plus Portrait's `picture` block. Fields Auth0 has and Portrait does not
// (flags, session lifetimes, …) are refused by name rather than silently dropped.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isHttpUrl } from '../pictures/gravatar.ts';
import { fail } from '../platform/errors.ts';
import { FieldSelection, selectFields, withErrors } from '../management/schemas.ts';
import type { TenantSettings, TenantSettingsStore } from './tenant-settings-store.ts';

const MAX_URL = 2048;
const Url = Type.String({ minLength: 1, maxLength: MAX_URL });
const GravatarMode = Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('proxy')], {
  description: "'on': Auth0's Gravatar URLs; 'proxy': Portrait fetches Gravatar itself; 'off': Gravatar is never used",
});

const PictureBlock = Type.Object(
  {
    gravatar: Type.Optional(GravatarMode),
    default_url: Type.Optional(Type.Union([Url, Type.Null()], { description: 'Replaces the initials avatar; absolute http(s) URL' })),
  },
  { additionalProperties: false },
);

const SettingsPatch = Type.Object(
  {
    friendly_name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    picture_url: Type.Optional(Type.Union([Url, Type.Null()])),
    support_email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
    support_url: Type.Optional(Type.Union([Url, Type.Null()])),
    // Hours, as Auth0 counts them (at least one minute, at most a year).
    idle_session_lifetime: Type.Optional(Type.Union([Type.Number({ minimum: 1 / 60, maximum: 8760 }), Type.Null()])),
    session_lifetime: Type.Optional(Type.Union([Type.Number({ minimum: 1 / 60, maximum: 8760 }), Type.Null()])),
    picture: Type.Optional(PictureBlock),
  },
  { additionalProperties: false },
);

const SettingsSchema = Type.Object(
  {
    friendly_name: Type.Optional(Type.String()),
    picture_url: Type.Optional(Type.String()),
    support_email: Type.Optional(Type.String()),
    support_url: Type.Optional(Type.String()),
    idle_session_lifetime: Type.Number(),
    session_lifetime: Type.Number(),
    picture: Type.Object({ gravatar: GravatarMode, default_url: Type.Union([Type.String(), Type.Null()]) }),
  },
  { $id: 'TenantSettings', additionalProperties: false },
);

const FieldQuery = Type.Object(FieldSelection, { additionalProperties: false });

// Deliberately loose (one @, something on each side, no blanks): addresses are checked by mailing them.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function checkUrl(value: string | null | undefined, property: string): void {
  if (value !== null && value !== undefined && !isHttpUrl(value)) {
    fail('invalid_body', `Payload validation error: 'Object didn't pass validation for format absolute-uri: ${value}' on property ${property}.`);
  }
}

export async function tenantSettingsRoutes(api: FastifyInstance, opts: { tenantSettings: TenantSettingsStore }): Promise<void> {
  const { tenantSettings } = opts;

  api.get<{ Querystring: Static<typeof FieldQuery> }>('/tenants/settings', {
    config: { scopes: ['read:tenant_settings'] },
    schema: { tags: ['tenants'], querystring: FieldQuery, response: withErrors({}) },
  }, async (request) => {
    const { fields, include_fields } = request.query;
    return selectFields([await tenantSettings.get()], fields, include_fields !== false)[0];
  });

  api.patch<{ Body: Static<typeof SettingsPatch> }>('/tenants/settings', {
    config: { scopes: ['update:tenant_settings'] },
    schema: { tags: ['tenants'], body: SettingsPatch, response: withErrors({ 200: SettingsSchema }) },
  }, async (request): Promise<TenantSettings> => {
    const body = request.body;
    checkUrl(body.picture_url, 'picture_url');
    checkUrl(body.support_url, 'support_url');
    checkUrl(body.picture?.default_url, 'picture.default_url');
    if (typeof body.support_email === 'string' && !EMAIL.test(body.support_email)) {
      fail('invalid_body', `Payload validation error: 'Object didn't pass validation for format email: ${body.support_email}' on property support_email.`);
    }
    return tenantSettings.update(body);
  });
}
