// Users: the table Auth0's dashboard shows (picture, name, email, connection, last login, logins), a server-side
// Lucene search typed into one box (debounced), paging, and Create User.
import { Anchor, Avatar, Button, Group, Modal, Pagination, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, enc } from '../api';
import { Empty, ErrorText, formatDate, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';

const PER_PAGE = 50;

/** A plain word searches names and emails (as Auth0's dashboard does); anything with a field is Lucene as typed. */
export function toLucene(text: string): string {
  const t = text.trim();
  if (!t || /[:*"()]/.test(t)) return t;
  // The query language has no escapes for these: any run of other characters matches anything.
  const word = t.replace(/[^\p{L}\p{N}@._]+/gu, '*');
  return `name:*${word}* OR email:*${word}*`;
}

interface UserRow {
  user_id: string;
  name?: string;
  email?: string;
  picture?: string;
  identities?: { connection: string }[];
  last_login?: string;
  logins_count?: number;
}

export default function UsersPage() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [debounced] = useDebouncedValue(search, 350);
  const page = Number(params.get('page') ?? '1');
  const q = toLucene(debounced);
  const { data, error, loading, reload } = useLoad(
    () => api<{ users: UserRow[]; total: number }>('GET', `/users?include_totals=true&per_page=${PER_PAGE}&page=${page - 1}&sort=created_at:-1${q ? `&q=${enc(q)}` : ''}`),
    [q, page],
  );
  const [creating, setCreating] = useState(false);
  const pages = data ? Math.max(1, Math.ceil(Math.min(data.total, 1000) / PER_PAGE)) : 1;

  return (
    <>
      <PageTitle title="Users" description="Everyone who can sign in to your applications." actions={<Button onClick={() => setCreating(true)}>Create User</Button>} />
      <TextInput
        label="Search users"
        description="Type a name or email, or a Lucene query such as email:&quot;jane@example.com&quot; or app_metadata.plan:pro"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setParams(e.currentTarget.value ? { q: e.currentTarget.value } : {}, { replace: true });
        }}
        mb="md"
        type="search"
      />
      <ErrorText error={error} title="Search failed" />
      {error ? null : loading && !data ? (
        <Loading label="Loading users" />
      ) : data && data.users.length === 0 ? (
        <Empty>{q ? 'No user matches this search.' : 'No users yet. Create one, or import a file under Import & Export.'}</Empty>
      ) : data ? (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label="Users" aria-busy={loading}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Connection</Table.Th>
                  <Table.Th>Last login</Table.Th>
                  <Table.Th>Logins</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.users.map((u) => (
                  <Table.Tr key={u.user_id}>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Avatar src={u.picture} alt="" size="md" className="user-picture" />
                        <Anchor component={Link} to={`/users/${enc(u.user_id)}`}>{u.name || u.email || u.user_id}</Anchor>
                      </Group>
                    </Table.Td>
                    <Table.Td>{u.email}</Table.Td>
                    <Table.Td>{u.identities?.[0]?.connection}</Table.Td>
                    <Table.Td>{formatDate(u.last_login)}</Table.Td>
                    <Table.Td>{u.logins_count ?? 0}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="md">
            <Text size="sm" c="dimmed">{data.total} user{data.total === 1 ? '' : 's'}{data.total > 1000 ? ' (search narrows to the first 1000)' : ''}</Text>
            <Pagination total={pages} value={page} onChange={(p) => setParams({ ...(search ? { q: search } : {}), page: String(p) })} getControlProps={(c) => ({ 'aria-label': c === 'previous' ? 'Previous page' : c === 'next' ? 'Next page' : c })} />
          </Group>
        </>
      ) : null}
      <CreateUser opened={creating} onClose={() => setCreating(false)} onCreated={reload} />
    </>
  );
}

function CreateUser({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const navigate = useNavigate();
  const connections = useLoad(() => api<{ name: string; strategy: string }[]>('GET', '/connections?strategy=auth0'), []);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [connection, setConnection] = useState<string | null>('Username-Password-Authentication');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={onClose} title="Create user" centered>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            const user = await api<{ user_id: string }>('POST', '/users', { email, password, connection });
            onCreated();
            navigate(`/users/${enc(user.user_id)}`);
          } catch (err) {
            setError(err as Error);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label="Password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Select label="Connection" data={(connections.data ?? []).map((c) => c.name)} value={connection} onChange={setConnection} allowDeselect={false} />
          <ErrorText error={error} title="The user was not created" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={busy}>Create</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
