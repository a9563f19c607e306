// Authentication > Database & Social: each connection with its settings, the applications that use it, and
// for social connections "Sync user profile attributes at each login" (options.set_user_root_attributes).
import { Accordion, Badge, Button, Checkbox, Group, Select, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api';
import { Empty, ErrorText, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';
import type { ClientRow } from './ApplicationsPage';

interface Connection { id: string; name: string; strategy: string; options: Record<string, unknown>; enabled_clients: string[] }
const SYNC_CHOICES = [
  { value: 'on_each_login', label: 'On each login (the provider owns name, nickname, picture…)' },
  { value: 'on_first_login', label: 'On first login only (editable afterwards)' },
  { value: 'never_on_login', label: 'Never (always editable)' },
];
export const ADMIN_CONNECTION = 'Portrait-Admins';

export default function ConnectionsPage() {
  const connections = useLoad(() => api<Connection[]>('GET', '/connections'), []);
  const clients = useLoad(() => api<ClientRow[]>('GET', '/clients'), []);
  return (
    <>
      <PageTitle title="Database & Social Connections" description="Where users sign in from, and what each connection lets your apps do." />
      <ErrorText error={connections.error ?? clients.error} title="The connections could not be loaded" />
      {connections.loading && !connections.data ? <Loading label="Loading connections" /> : connections.data?.length === 0 ? <Empty>No connections.</Empty> : (
        <Accordion variant="separated" multiple>
          {(connections.data ?? []).map((c) => (
            <Accordion.Item key={c.id} value={c.id}>
              <Accordion.Control>
                <Group gap="sm">
                  <Text fw={600}>{c.name}</Text>
                  <Badge variant="light">{c.strategy === 'auth0' ? 'Database' : c.strategy}</Badge>
                  <Text size="sm" c="dimmed">{c.enabled_clients.length} application{c.enabled_clients.length === 1 ? '' : 's'}</Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <ConnectionSettings connection={c} clients={clients.data ?? []} onSaved={connections.reload} />
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </>
  );
}

function ConnectionSettings({ connection, clients, onSaved }: { connection: Connection; clients: ClientRow[]; onSaved: () => void }) {
  const database = connection.strategy === 'auth0';
  const admins = connection.name === ADMIN_CONNECTION;
  const [sync, setSync] = useState<string | null>(String(connection.options.set_user_root_attributes ?? 'on_each_login'));
  const [disableSignup, setDisableSignup] = useState(!!connection.options.disable_signup);
  const [enabled, setEnabled] = useState<string[]>(connection.enabled_clients);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const label = `${connection.name} settings`;
  return (
    <Stack component="form" aria-label={label} onSubmit={async (e: React.FormEvent) => {
      e.preventDefault();
      const options = database ? { ...connection.options, disable_signup: disableSignup } : { ...connection.options, set_user_root_attributes: sync };
      try {
        await api('PATCH', `/connections/${connection.id}`, { options, ...(admins ? {} : { enabled_clients: enabled }) });
        setError(null);
        setSaved(true);
        onSaved();
      } catch (err) {
        setError(err as Error);
      }
    }}>
      {database ? (
        <Switch label="Disable sign ups" description="Only the Management API, imports and administrators create users." checked={disableSignup} onChange={(e) => setDisableSignup(e.currentTarget.checked)} disabled={admins} />
      ) : (
        <Select label="Sync user profile attributes at each login" description="When the provider's name and picture replace the stored ones." data={SYNC_CHOICES} value={sync} onChange={setSync} allowDeselect={false} />
      )}
      {admins ? (
        <Text size="sm" c="dimmed">The dashboard's administrators. Only the dashboard signs in with this connection; it is never offered to other applications.</Text>
      ) : (
        <Checkbox.Group label="Applications using this connection" value={enabled} onChange={setEnabled}>
          <Stack gap={4} mt="xs">
            {clients.filter((c) => c.app_type !== 'non_interactive').map((c) => <Checkbox key={c.client_id} value={c.client_id} label={c.name} />)}
          </Stack>
        </Checkbox.Group>
      )}
      <ErrorText error={error} title="The connection was not saved" />
      <Group><Button type="submit" disabled={admins && database}>Save</Button>{saved && <Text size="sm" c="teal" role="status">Saved.</Text>}</Group>
    </Stack>
  );
}
