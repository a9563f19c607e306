// /api/v2/branding: how the hosted login pages look — Auth0's primary colour and logo. The tenant's name on the
// pages is its `friendly_name` (/api/v2/tenants/settings). Stored with the sign-in settings, so every node's pages
// pick a change up within the theme cache's few seconds.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import type { LoginSettings, LoginTheme } from './login-settings.ts';

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '#rrggbb' });
const HttpsUrl = Type.String({ maxLength: 2048, pattern: '^https://[^\\s]+$', description: 'an https:// URL' });

const BrandingPatch = Type.Object(
  {
    colors: Type.Optional(Type.Object({ primary: Type.Optional(Colour) }, { additionalProperties: false })),
    logo_url: Type.Optional(Type.Union([HttpsUrl, Type.Null()])),
  },
  { additionalProperties: false },
);

const Branding = Type.Object(
  { colors: Type.Object({ primary: Type.String() }), logo_url: Type.Optional(Type.String()) },
  { $id: 'Branding', additionalProperties: false },
);

function view(theme: LoginTheme): Static<typeof Branding> {
  return { colors: { primary: theme.primaryColor }, ...(theme.logoUrl ? { logo_url: theme.logoUrl } : {}) };
}

export async function brandingRoutes(api: FastifyInstance, opts: { settings: LoginSettings }): Promise<void> {
  const { settings } = opts;

  api.get('/branding', {
    config: { scopes: ['read:branding'] },
    schema: { tags: ['branding'], response: withErrors({ 200: Branding }) },
  }, async () => view(await settings.theme()));

  api.patch<{ Body: Static<typeof BrandingPatch> }>('/branding', {
    config: { scopes: ['update:branding'] },
    schema: { tags: ['branding'], body: BrandingPatch, response: withErrors({ 200: Branding }) },
  }, async (request) => {
    const { colors, logo_url: logoUrl } = request.body;
    const theme = await settings.setTheme({
      ...(colors?.primary !== undefined ? { primaryColor: colors.primary } : {}),
      ...(logoUrl !== undefined ? { logoUrl: logoUrl ?? '' } : {}),
    });
    return view(theme);
  });
}
