// One user: profile (editable where the connection lets the tenant edit it, else disabled with the reason),
// metadata in JSON editors, identities, picture upload with crop, block, delete, and the raw JSON.
import { Alert, Anchor, Avatar, Badge, Button, Card, Code, FileButton, Grid, Group, Stack, Switch, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, enc } from '../api';
import { JsonField } from '../components/JsonField';
import { PictureCropper } from '../components/PictureCropper';
import { ConfirmButton, ErrorText, formatDate, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';

const SYNCED = ['name', 'nickname', 'given_name', 'family_name', 'picture'];
const PROFILE_FIELDS: { key: string; label: string }[] = [
  { key: 'email', label: 'Email' },
  { key: 'name', label: 'Name' },
  { key: 'nickname', label: 'Nickname' },
  { key: 'given_name', label: 'Given name' },
  { key: 'family_name', label: 'Family name' },
  { key: 'picture', label: 'Picture URL' },
];

interface User {
  user_id: string;
  email?: string;
  name?: string;
  picture?: string;
  blocked?: boolean;
  email_verified?: boolean;
  identities: { connection: string; provider: string; user_id: string; isSocial: boolean }[];
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
  created_at?: string;
  last_login?: string;
  logins_count?: number;
  [key: string]: unknown;
}

/** Why a field cannot be edited, or null: Auth0 refuses root-attribute edits a social login would overwrite. */
function lockReason(field: string, connection: { name: string; strategy: string; options?: Record<string, unknown> } | undefined): string | null {
  if (!connection || ['auth0', 'email', 'sms'].includes(connection.strategy)) return null;
  if (field === 'email') return `Email comes from ${connection.name} and cannot be changed here.`;
  const setting = connection.options?.set_user_root_attributes ?? 'on_each_login';
  if (SYNCED.includes(field) && setting === 'on_each_login')
    return `${connection.name} syncs this at each login. Turn off "Sync user profile attributes at each login" on the connection to edit it.`;
  return null;
}

/** The PATCH that makes the stored metadata equal to `next`: new values, and null for each removed key. */
export function metadataPatch(previous: Record<string, unknown> = {}, next: Record<string, unknown>): Record<string, unknown> {
  const removed = Object.keys(previous).filter((k) => !(k in next));
  return { ...next, ...Object.fromEntries(removed.map((k) => [k, null])) };
}

export default function UserPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data: user, error, loading, setData } = useLoad(() => api<User>('GET', `/users/${enc(id)}`), [id]);
  const connectionName = user?.identities?.[0]?.connection;
  const { data: connections } = useLoad(() => (connectionName ? api<any[]>('GET', `/connections?name=${enc(connectionName)}`) : Promise.resolve([])), [connectionName]);
  const connection = connections?.[0];

  if (loading && !user) return <Loading label="Loading user" />;
  if (error || !user) return <ErrorText error={error} title="This user could not be loaded" />;
  const patch = async (body: Record<string, unknown>) => setData(await api<User>('PATCH', `/users/${enc(id)}`, body));

  return (
    <>
      <Anchor component={Link} to="/users" size="sm">← Users</Anchor>
      <PageTitle
        title={user.name || user.email || user.user_id}
        description={user.user_id}
        actions={
          <Group>
            {user.blocked && <Badge color="red">Blocked</Badge>}
            <ConfirmButton
              label="Delete user"
              title="Delete this user?"
              message={<>{user.email ?? user.user_id} and their pictures are removed for good. This cannot be undone.</>}
              confirmLabel="Delete"
              onConfirm={async () => {
                await api('DELETE', `/users/${enc(id)}`);
                navigate('/users');
              }}
            />
          </Group>
        }
      />
      <Tabs defaultValue="details" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="details">Details</Tabs.Tab>
          <Tabs.Tab value="metadata">Metadata</Tabs.Tab>
          <Tabs.Tab value="identities">Identities</Tabs.Tab>
          <Tabs.Tab value="raw">Raw JSON</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="details">
          <Grid>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <PictureCard user={user} onChanged={(u) => setData(u)} />
              <Card withBorder mt="md">
                <Text size="sm">Created {formatDate(user.created_at)}</Text>
                <Text size="sm">Last login {formatDate(user.last_login)}</Text>
                <Text size="sm">{user.logins_count ?? 0} logins</Text>
                <BlockSwitch user={user} onChange={patch} />
              </Card>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>
              <ProfileForm key={String(user.updated_at)} user={user} connection={connection} onSave={patch} />
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="metadata">
          <Stack gap="xl">
            <JsonField label="user_metadata" description="What the user may read and change about themselves (preferences, a chosen picture)." value={user.user_metadata} onSave={(v) => patch({ user_metadata: metadataPatch(user.user_metadata, v) })} />
            <JsonField label="app_metadata" description="What only the tenant may change (plans, roles, flags)." value={user.app_metadata} onSave={(v) => patch({ app_metadata: metadataPatch(user.app_metadata, v) })} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="identities">
          <Identities user={user} onChanged={(u) => setData(u)} />
        </Tabs.Panel>
        <Tabs.Panel value="raw">
          <Code block aria-label="Raw JSON of this user" tabIndex={0}>{JSON.stringify(user, null, 2)}</Code>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function ProfileForm({ user, connection, onSave }: { user: User; connection: any; onSave: (b: Record<string, unknown>) => Promise<void> }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, String(user[f.key] ?? '')])));
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const changed = PROFILE_FIELDS.filter((f) => values[f.key] !== String(user[f.key] ?? '') && !lockReason(f.key, connection));
  return (
    <Card withBorder component="form" onSubmit={async (e: React.FormEvent) => {
      e.preventDefault();
      setBusy(true);
      try {
        await onSave(Object.fromEntries(changed.map((f) => [f.key, values[f.key] === '' ? null : values[f.key]])));
        setError(null);
        setSaved(true);
      } catch (err) {
        setError(err as Error);
      } finally {
        setBusy(false);
      }
    }}>
      <Stack>
        <Text fw={600} component="h2" size="lg">Profile</Text>
        {PROFILE_FIELDS.map((f) => {
          const reason = lockReason(f.key, connection);
          return (
            <TextInput key={f.key} label={f.label} value={values[f.key]} disabled={!!reason} description={reason ?? undefined}
              onChange={(e) => { const v = e.currentTarget.value; setValues((s) => ({ ...s, [f.key]: v })); setSaved(false); }} />
          );
        })}
        <ErrorText error={error} title="Profile not saved" />
        <Group>
          <Button type="submit" disabled={changed.length === 0} loading={busy}>Save profile</Button>
          {saved && <Text size="sm" c="teal" role="status">Saved.</Text>}
        </Group>
      </Stack>
    </Card>
  );
}

function BlockSwitch({ user, onChange }: { user: User; onChange: (b: Record<string, unknown>) => Promise<void> }) {
  const [error, setError] = useState<Error | null>(null);
  return (
    <Stack mt="sm" gap="xs">
      <Switch label="Blocked (cannot sign in)" checked={!!user.blocked} onChange={(e) => onChange({ blocked: e.currentTarget.checked }).then(() => setError(null), setError)} />
      <ErrorText error={error} />
    </Stack>
  );
}

function PictureCard({ user, onChanged }: { user: User; onChanged: (u: User) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<Error | null>(null);
  return (
    <Card withBorder>
      <Stack align="center">
        <Avatar src={user.picture} alt={`Picture of ${user.name ?? user.email ?? 'this user'}`} size={120} radius="50%" />
        <Group>
          <FileButton onChange={setFile} accept="image/png,image/jpeg,image/webp,image/gif">
            {(props) => <Button {...props} size="xs">Upload picture</Button>}
          </FileButton>
          <ConfirmButton size="xs" label="Reset to default" title="Reset the picture?" message="The uploaded picture is removed; the user gets the default picture again." confirmLabel="Reset"
            onConfirm={async () => { await api('DELETE', `/users/${enc(user.user_id)}/picture`); onChanged(await api<User>('GET', `/users/${enc(user.user_id)}`)); }} />
        </Group>
        <ErrorText error={error} title="Picture not uploaded" />
      </Stack>
      <PictureCropper file={file} onCancel={() => setFile(null)} onCropped={async (blob) => {
        const form = new FormData();
        form.append('picture', blob, 'picture.png');
        try {
          await api('PUT', `/users/${enc(user.user_id)}/picture`, form);
          setError(null);
          setFile(null);
          onChanged(await api<User>('GET', `/users/${enc(user.user_id)}`));
        } catch (e) {
          setError(e as Error);
          setFile(null);
        }
      }} />
    </Card>
  );
}

function Identities({ user, onChanged }: { user: User; onChanged: (u: User) => void }) {
  return (
    <Stack>
      <Alert variant="light" title="Linked accounts">The first identity is the primary one; unlinking a secondary identity makes it a separate user again.</Alert>
      <Table.ScrollContainer minWidth={500}>
        <Table aria-label="Identities">
          <Table.Thead><Table.Tr><Table.Th>Connection</Table.Th><Table.Th>Provider</Table.Th><Table.Th>User ID</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {user.identities.map((i, n) => (
              <Table.Tr key={`${i.provider}|${i.user_id}`}>
                <Table.Td>{i.connection}</Table.Td>
                <Table.Td>{i.provider}</Table.Td>
                <Table.Td>{i.user_id}</Table.Td>
                <Table.Td>
                  {n === 0 ? <Badge variant="light">Primary</Badge> : (
                    <ConfirmButton size="xs" label="Unlink" title="Unlink this identity?" message={`${i.provider}|${i.user_id} becomes a user of its own.`} confirmLabel="Unlink"
                      onConfirm={async () => { await api('DELETE', `/users/${enc(user.user_id)}/identities/${enc(i.provider)}/${enc(i.user_id)}`); onChanged(await api<User>('GET', `/users/${enc(user.user_id)}`)); }} />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
