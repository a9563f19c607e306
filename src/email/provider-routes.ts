// /api/v2/emails/provider: Auth0's email provider, here SMTP only (`name: "smtp"`, credentials smtp_host, smtp_port,
// smtp_user, smtp_pass). The password is write-only: no answer ever carries it.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../management/schemas.ts';
import { fail } from '../platform/errors.ts';
import type { EmailSettings, StoredProvider } from './email-settings.ts';
import { checkMailbox, UnsafeHeaderError } from './transport.ts';

const Host = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Credentials = Type.Object({
  smtp_host: Type.Optional(Host), smtp_port: Type.Optional(Port),
  smtp_user: Type.Optional(Type.String({ maxLength: 256 })), smtp_pass: Type.Optional(Type.String({ maxLength: 1024 })),
}, { additionalProperties: false });
const Fields = {
  enabled: Type.Optional(Type.Boolean()),
  default_from_address: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  settings: Type.Optional(Type.Object({}, { additionalProperties: true, maxProperties: 20 })),
};
const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), credentials: Credentials, ...Fields }, { additionalProperties: false });
const PatchBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), credentials: Type.Optional(Credentials), ...Fields }, { additionalProperties: false });

const Provider = Type.Object({
  name: Type.String(), enabled: Type.Boolean(), default_from_address: Type.Optional(Type.String()),
  credentials: Type.Object({ smtp_host: Type.String(), smtp_port: Type.Integer(), smtp_user: Type.Optional(Type.String()) }, { additionalProperties: false }),
  settings: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { $id: 'EmailProvider', additionalProperties: false });

function view(p: StoredProvider): Static<typeof Provider> {
  const { smtp_pass: _secret, ...credentials } = p.credentials;
  return { name: p.name, enabled: p.enabled, ...(p.default_from_address ? { default_from_address: p.default_from_address } : {}), credentials, ...(p.settings ? { settings: p.settings } : {}) };
}

function checked(p: { name: string; default_from_address?: string; credentials: Partial<StoredProvider['credentials']> }): void {
  if (p.name !== 'smtp') fail('operation_not_supported', `Portrait sends mail over SMTP only: the provider name must be "smtp", not "${p.name}".`);
  if (!p.credentials.smtp_host || !p.credentials.smtp_port) fail('invalid_body', 'Payload validation error: the smtp provider needs credentials.smtp_host and credentials.smtp_port.');
  if (p.default_from_address !== undefined) {
    try {
      checkMailbox(p.default_from_address, 'default_from_address');
    } catch (error) {
      if (error instanceof UnsafeHeaderError) fail('invalid_body', `Payload validation error: default_from_address ${error.message.replace(/^default_from_address /, '')}.`);
      throw error;
    }
  }
}

export async function providerRoutes(api: FastifyInstance, opts: { settings: EmailSettings }): Promise<void> {
  const { settings } = opts;
  const notConfigured = () => fail('not_found', 'Email provider has not been configured.');

  api.get('/emails/provider', {
    config: { scopes: ['read:email_provider'] },
    schema: { tags: ['emails'], response: withErrors({ 200: Provider }) },
  }, async () => view((await settings.provider()) ?? notConfigured()));

  api.post<{ Body: Static<typeof CreateBody> }>('/emails/provider', {
    config: { scopes: ['create:email_provider'] },
    schema: { tags: ['emails'], body: CreateBody, response: withErrors({ 201: Provider }) },
  }, async (request, reply) => {
    const body = request.body;
    checked(body);
    const provider: StoredProvider = { name: 'smtp', enabled: body.enabled ?? true, default_from_address: body.default_from_address, credentials: body.credentials as StoredProvider['credentials'], settings: body.settings };
    if (!(await settings.createProvider(provider))) fail('conflict', 'Email provider is already configured; use PATCH to change it.');
    return reply.status(201).send(view(provider));
  });

  api.patch<{ Body: Static<typeof PatchBody> }>('/emails/provider', {
    config: { scopes: ['update:email_provider'] },
    schema: { tags: ['emails'], body: PatchBody, response: withErrors({ 200: Provider }) },
  }, async (request) => {
    const current = (await settings.provider()) ?? notConfigured();
    const body = request.body;
    const next: StoredProvider = {
      ...current,
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(body.default_from_address !== undefined ? { default_from_address: body.default_from_address } : {}),
      ...(body.settings !== undefined ? { settings: body.settings } : {}),
      credentials: { ...current.credentials, ...(body.credentials ?? {}) },
    };
    checked({ ...next, name: body.name ?? next.name });
    await settings.saveProvider(next);
    return view(next);
  });

  api.delete('/emails/provider', {
    config: { scopes: ['delete:email_provider'] },
    schema: { tags: ['emails'], response: withErrors({ 204: Type.Null() }) },
  }, async (_request, reply) => {
    if (!(await settings.deleteProvider())) notConfigured();
    return reply.status(204).send();
  });
}
