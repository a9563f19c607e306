// Actions > Library: the tenant's custom actions with their status, and Build Custom (name + trigger).
import { Anchor, Badge, Button, Group, Modal, Select, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api';
import { Empty, ErrorText, formatDate, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';

export interface ActionSummary {
  id: string;
  name: string;
  supported_triggers: { id: string; version: string }[];
  all_changes_deployed: boolean;
  deployed_version?: { number: number };
  status: string;
  updated_at: string;
}

const STARTER = `/**
 * Handler that will be called during the execution of a PostLogin flow.
 *
 * @param {Event} event - Details about the user and the context in which they are logging in.
 * @param {PostLoginAPI} api - Interface whose methods can be used to change the behavior of the login.
 */
exports.onExecutePostLogin = async (event, api) => {
};
`;

export function actionStatus(a: ActionSummary): { label: string; color: string } {
  // Dark shades (and black text on yellow): the badges' labels stay above WCAG AA contrast.
  if (!a.deployed_version) return { label: 'Draft', color: 'gray.7' };
  return a.all_changes_deployed ? { label: 'Deployed', color: 'teal.9' } : { label: 'Undeployed changes', color: 'yellow.4' };
}

export default function ActionsPage() {
  const { data, error, loading } = useLoad(() => api<{ actions: ActionSummary[] }>('GET', '/actions/actions?per_page=100'), []);
  const [building, setBuilding] = useState(false);
  return (
    <>
      <PageTitle title="Library" description="Custom Actions run your JavaScript at points of a login or registration." actions={<Button onClick={() => setBuilding(true)}>Build Custom</Button>} />
      <ErrorText error={error} title="The actions could not be loaded" />
      {loading && !data ? <Loading label="Loading actions" /> : data && data.actions.length === 0 ? <Empty>No custom actions yet. Build one to start.</Empty> : data ? (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Custom actions" highlightOnHover>
            <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Trigger</Table.Th><Table.Th>Status</Table.Th><Table.Th>Last updated</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {data.actions.map((a) => {
                const s = actionStatus(a);
                return (
                  <Table.Tr key={a.id}>
                    <Table.Td><Anchor component={Link} to={`/actions/library/${a.id}`}>{a.name}</Anchor></Table.Td>
                    <Table.Td>{a.supported_triggers.map((t) => t.id).join(', ')}</Table.Td>
                    <Table.Td><Badge color={s.color} variant="filled" autoContrast>{s.label}</Badge></Table.Td>
                    <Table.Td>{formatDate(a.updated_at)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <BuildCustom opened={building} onClose={() => setBuilding(false)} />
    </>
  );
}

function BuildCustom({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const triggers = useLoad(() => api<{ triggers: { id: string; version: string }[] }>('GET', '/actions/triggers'), []);
  const [name, setName] = useState('');
  const [trigger, setTrigger] = useState<string | null>('post-login');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={onClose} title="Create Action" centered>
      <form onSubmit={async (e) => {
        e.preventDefault();
        const t = triggers.data?.triggers.find((x) => x.id === trigger);
        setBusy(true);
        try {
          const code = trigger === 'post-login' ? STARTER : STARTER.replace(/PostLogin/g, 'Event').replace('onExecutePostLogin', `onExecute${(trigger ?? '').split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`);
          const action = await api<{ id: string }>('POST', '/actions/actions', { name, supported_triggers: [{ id: trigger, version: t?.version ?? 'v3' }], code, runtime: 'node22' });
          navigate(`/actions/library/${action.id}`);
        } catch (err) {
          setError(err as Error);
        } finally {
          setBusy(false);
        }
      }}>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Select label="Trigger" data={(triggers.data?.triggers ?? []).map((t) => ({ value: t.id, label: t.id }))} value={trigger} onChange={setTrigger} allowDeselect={false} />
          <ErrorText error={error} title="The action was not created" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={busy}>Create</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
