// Applications: the tenant's clients, and Create Application (single-page, regular web, machine-to-machine).
import { Anchor, Badge, Button, Code, CopyButton, Group, Modal, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api';
import { Empty, ErrorText, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';

export const APP_TYPES: Record<string, string> = { spa: 'Single Page Application', regular_web: 'Regular Web Application', non_interactive: 'Machine to Machine', native: 'Native' };

export interface ClientRow { client_id: string; name: string; app_type?: string; description?: string }

/** A secret shown once, right after it was made (Portrait never returns it again). */
export function SecretOnce({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  return (
    <Modal opened={!!secret} onClose={onClose} title="Copy the client secret now" centered>
      <Stack>
        <Text size="sm">This is the only time the secret is shown. Store it where the application reads it.</Text>
        <Code block data-testid="client-secret">{secret}</Code>
        <Group justify="flex-end">
          <CopyButton value={secret ?? ''}>{({ copied, copy }) => <Button variant="default" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export default function ApplicationsPage() {
  const { data, error, loading } = useLoad(() => api<ClientRow[]>('GET', '/clients'), []);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageTitle title="Applications" description="Apps that sign users in, and machines that call your APIs." actions={<Button onClick={() => setCreating(true)}>Create Application</Button>} />
      <ErrorText error={error} title="The applications could not be loaded" />
      {loading && !data ? <Loading label="Loading applications" /> : data && data.length === 0 ? <Empty>No applications yet.</Empty> : data ? (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label="Applications" highlightOnHover>
            <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Type</Table.Th><Table.Th>Client ID</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {data.map((c) => (
                <Table.Tr key={c.client_id}>
                  <Table.Td><Anchor component={Link} to={`/applications/${encodeURIComponent(c.client_id)}`}>{c.name}</Anchor></Table.Td>
                  <Table.Td><Badge variant="light">{APP_TYPES[c.app_type ?? ''] ?? c.app_type ?? 'Generic'}</Badge></Table.Td>
                  <Table.Td><Code>{c.client_id}</Code></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <CreateApplication opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}

const DEFAULTS: Record<string, Record<string, unknown>> = {
  spa: { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
  regular_web: { token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'] },
  non_interactive: { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] },
};

function CreateApplication({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [type, setType] = useState('spa');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ id: string; secret: string | null } | null>(null);
  return (
    <>
      <Modal opened={opened && !created} onClose={onClose} title="Create application" centered>
        <form onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            const client = await api<{ client_id: string; client_secret?: string }>('POST', '/clients', { name, app_type: type, ...DEFAULTS[type] });
            if (client.client_secret && type !== 'spa') setCreated({ id: client.client_id, secret: client.client_secret });
            else navigate(`/applications/${encodeURIComponent(client.client_id)}`);
          } catch (err) {
            setError(err as Error);
          } finally {
            setBusy(false);
          }
        }}>
          <Stack>
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Text size="sm" fw={500} id="app-type">Application type</Text>
            <SegmentedControl aria-labelledby="app-type" value={type} onChange={setType} orientation="vertical" data={['spa', 'regular_web', 'non_interactive'].map((v) => ({ value: v, label: APP_TYPES[v] }))} />
            <ErrorText error={error} title="The application was not created" />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" loading={busy}>Create</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretOnce secret={created?.secret ?? null} onClose={() => navigate(`/applications/${encodeURIComponent(created!.id)}`)} />
    </>
  );
}
