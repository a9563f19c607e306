// One application: its settings (URLs, grant types), the secret rotated and shown once, and its API grants
// (the Management API and the scopes it may ask for).
import { Anchor, Button, Checkbox, Code, Group, MultiSelect, Paper, SimpleGrid, Stack, Tabs, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { MANAGEMENT_SCOPES } from '../../../src/management/scopes.ts';
import { api } from '../api';
import { consoleConfig } from '../auth';
import { ConfirmButton, ErrorText, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';
import { APP_TYPES, SecretOnce } from './ApplicationsPage';

interface Client { client_id: string; name: string; app_type?: string; callbacks?: string[]; allowed_logout_urls?: string[]; web_origins?: string[]; allowed_origins?: string[]; grant_types?: string[]; token_endpoint_auth_method?: string }
const URL_FIELDS = [
  { key: 'callbacks', label: 'Allowed Callback URLs' },
  { key: 'allowed_logout_urls', label: 'Allowed Logout URLs' },
  { key: 'web_origins', label: 'Allowed Web Origins' },
  { key: 'allowed_origins', label: 'Allowed Origins (CORS)' },
] as const;
const GRANTS = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm'];
const lines = (text: string) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

export default function ApplicationPage() {
  const { id = '' } = useParams();
  const { data: client, error, loading, setData } = useLoad(() => api<Client>('GET', `/clients/${encodeURIComponent(id)}`), [id]);
  if (loading && !client) return <Loading label="Loading application" />;
  if (!client) return <ErrorText error={error} title="This application could not be loaded" />;
  return (
    <>
      <Anchor component={Link} to="/applications" size="sm">← Applications</Anchor>
      <PageTitle title={client.name} description={`${APP_TYPES[client.app_type ?? ''] ?? 'Application'} · Client ID ${client.client_id}`} />
      <Tabs defaultValue="settings" keepMounted={false}>
        <Tabs.List mb="md"><Tabs.Tab value="settings">Settings</Tabs.Tab><Tabs.Tab value="apis">APIs</Tabs.Tab></Tabs.List>
        <Tabs.Panel value="settings"><Settings client={client} onSaved={setData} /></Tabs.Panel>
        <Tabs.Panel value="apis"><Grants client={client} /></Tabs.Panel>
      </Tabs>
    </>
  );
}

function Settings({ client, onSaved }: { client: Client; onSaved: (c: Client) => void }) {
  const navigate = useNavigate();
  const [urls, setUrls] = useState<Record<string, string>>(() => Object.fromEntries(URL_FIELDS.map((f) => [f.key, (client[f.key] ?? []).join('\n')])));
  const [grants, setGrants] = useState<string[]>(client.grant_types ?? []);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <Stack maw={720}>
      <Paper withBorder p="md" component="form" onSubmit={async (e: React.FormEvent) => {
        e.preventDefault();
        try {
          onSaved(await api<Client>('PATCH', `/clients/${encodeURIComponent(client.client_id)}`, { ...Object.fromEntries(URL_FIELDS.map((f) => [f.key, lines(urls[f.key])])), grant_types: grants }));
          setError(null);
          setSaved(true);
        } catch (err) {
          setError(err as Error);
        }
      }}>
        <Stack>
          {URL_FIELDS.map((f) => (
            <Textarea key={f.key} label={f.label} description="One URL per line (or comma-separated)." autosize minRows={2} value={urls[f.key]} onChange={(e) => { const v = e.currentTarget.value; setUrls((s) => ({ ...s, [f.key]: v })); setSaved(false); }} />
          ))}
          <MultiSelect label="Grant types" data={GRANTS} value={grants} onChange={(g) => { setGrants(g); setSaved(false); }} />
          <ErrorText error={error} title="Settings not saved" />
          <Group><Button type="submit">Save changes</Button>{saved && <Text c="teal" size="sm" role="status">Saved.</Text>}</Group>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack align="flex-start">
          <Text fw={600} component="h2">Danger zone</Text>
          {client.token_endpoint_auth_method !== 'none' && (
            <ConfirmButton label="Rotate secret" title="Rotate the client secret?" message="The current secret stops working at once; apps using it fail until they get the new one." confirmLabel="Rotate"
              onConfirm={async () => setSecret((await api<{ client_secret: string }>('POST', `/clients/${encodeURIComponent(client.client_id)}/rotate-secret`)).client_secret)} />
          )}
          <ConfirmButton label="Delete application" title={`Delete ${client.name}?`} message="Users can no longer sign in to it, and its grants are removed. This cannot be undone." confirmLabel="Delete"
            onConfirm={async () => { await api('DELETE', `/clients/${encodeURIComponent(client.client_id)}`); navigate('/applications'); }} />
        </Stack>
      </Paper>
      <SecretOnce secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}

function Grants({ client }: { client: Client }) {
  const { data, error, loading, reload } = useLoad(() => api<{ id: string; audience: string; scope: string[] }[]>('GET', `/client-grants?client_id=${encodeURIComponent(client.client_id)}`), [client.client_id]);
  const audience = consoleConfig().audience;
  const grant = data?.find((g) => g.audience === audience);
  const [scopes, setScopes] = useState<string[] | null>(null);
  const [saveError, setSaveError] = useState<Error | null>(null);
  if (loading && !data) return <Loading label="Loading grants" />;
  if (!data) return <ErrorText error={error} />;
  const chosen = scopes ?? grant?.scope ?? [];
  return (
    <Stack>
      <Text>Management API <Code>{grant?.audience ?? audience}</Code>: {grant ? 'authorized' : 'not authorized'}.</Text>
      <Text size="sm" c="dimmed">A machine-to-machine application gets these scopes with the client-credentials grant.</Text>
      <Checkbox.Group label="Scopes" value={chosen} onChange={setScopes}>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} mt="xs">
          {MANAGEMENT_SCOPES.map((s) => <Checkbox key={s} value={s} label={s} />)}
        </SimpleGrid>
      </Checkbox.Group>
      <ErrorText error={saveError} title="The grant was not saved" />
      <Group>
        <Button disabled={!scopes} onClick={async () => {
          try {
            if (grant) await api('PATCH', `/client-grants/${grant.id}`, { scope: chosen });
            else await api('POST', '/client-grants', { client_id: client.client_id, audience: audience, scope: chosen });
            setScopes(null);
            setSaveError(null);
            reload();
          } catch (e) {
            setSaveError(e as Error);
          }
        }}>{grant ? 'Update grant' : 'Authorize'}</Button>
        {grant && <ConfirmButton label="Revoke" title="Revoke the Management API grant?" message="The application can no longer get Management API tokens." confirmLabel="Revoke" onConfirm={async () => { await api('DELETE', `/client-grants/${grant.id}`); reload(); }} />}
      </Group>
    </Stack>
  );
}
