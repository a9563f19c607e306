// Actions > Flows: per trigger, the bound actions in the order they run. Add a deployed action, remove one,
// reorder by dragging or with the keyboard (the Move buttons, or Alt+Arrow keys on a focused card), then Apply.
import { ActionIcon, Alert, Badge, Button, Card, Grid, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api';
import { Empty, ErrorText, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';
import type { ActionSummary } from './ActionsPage';

const TRIGGER_LABELS: Record<string, string> = {
  'post-login': 'Login',
  'pre-user-registration': 'Pre User Registration',
  'post-user-registration': 'Post User Registration',
  'post-change-password': 'Post Change Password',
  'credentials-exchange': 'Machine to Machine',
};

interface Bound { id: string; name: string }

/** Moves one item of a list; the new order of the flow. */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

export default function FlowsPage() {
  const { trigger = 'post-login' } = useParams();
  const navigate = useNavigate();
  const bindings = useLoad(() => api<{ bindings: { display_name: string; action: { id: string; name: string } }[] }>('GET', `/actions/triggers/${trigger}/bindings`), [trigger]);
  const actions = useLoad(() => api<{ actions: ActionSummary[] }>('GET', `/actions/actions?per_page=100&triggerId=${trigger}`), [trigger]);
  const [flow, setFlow] = useState<Bound[] | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  useEffect(() => {
    if (bindings.data) setFlow(bindings.data.bindings.map((b) => ({ id: b.action.id, name: b.display_name || b.action.name })));
  }, [bindings.data]);

  const saved = bindings.data?.bindings.map((b) => b.action.id).join() ?? '';
  const dirty = flow !== null && flow.map((b) => b.id).join() !== saved;
  const deployable = (actions.data?.actions ?? []).filter((a) => a.deployed_version);
  const reorder = (from: number, to: number) => {
    if (!flow || to < 0 || to >= flow.length) return;
    setFlow(move(flow, from, to));
    setStatus(`${flow[from].name} moved to position ${to + 1} of ${flow.length}.`);
  };

  return (
    <>
      <PageTitle title="Flows" description="Choose which deployed actions run, and in which order, at each point." />
      <SegmentedControl mb="md" value={trigger} onChange={(t) => navigate(`/actions/flows/${t}`)} data={Object.entries(TRIGGER_LABELS).map(([value, label]) => ({ value, label }))} aria-label="Trigger" fullWidth={false} style={{ maxWidth: '100%', overflowX: 'auto' }} />
      <ErrorText error={bindings.error ?? actions.error} title="The flow could not be loaded" />
      <Text aria-live="polite" size="sm" c="dimmed" mb="xs">{status}</Text>
      {!flow ? <Loading label="Loading flow" /> : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper withBorder p="md">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h4">{TRIGGER_LABELS[trigger] ?? trigger} flow</Title>
                <Button disabled={!dirty} loading={busy} onClick={async () => {
                  setBusy(true);
                  try {
                    await api('PATCH', `/actions/triggers/${trigger}/bindings`, { bindings: flow.map((b) => ({ ref: { type: 'action_id', value: b.id }, display_name: b.name })) });
                    bindings.reload();
                    setError(null);
                    setStatus('Flow applied.');
                  } catch (e) {
                    setError(e as Error);
                  } finally {
                    setBusy(false);
                  }
                }}>Apply</Button>
              </Group>
              <ErrorText error={error} title="The flow was not applied" />
              <Stack gap="xs" component="ol" aria-label={`Actions bound to the ${TRIGGER_LABELS[trigger] ?? trigger} flow`} p={0} m={0} style={{ listStyle: 'none' }}>
                <Badge variant="outline" component="li">Start</Badge>
                {flow.map((b, i) => (
                  <Card key={b.id} component="li" withBorder padding="xs" draggable tabIndex={0} aria-label={`${b.name}, position ${i + 1} of ${flow.length}`} data-testid="bound-action"
                    onDragStart={() => setDragging(i)} onDragOver={(e) => e.preventDefault()} onDrop={() => { if (dragging !== null) reorder(dragging, i); setDragging(null); }}
                    onKeyDown={(e) => { if (e.altKey && e.key === 'ArrowUp') { e.preventDefault(); reorder(i, i - 1); } if (e.altKey && e.key === 'ArrowDown') { e.preventDefault(); reorder(i, i + 1); } }}
                    style={{ cursor: 'grab', opacity: dragging === i ? 0.5 : 1 }}>
                    <Group justify="space-between" wrap="nowrap">
                      <Text fw={500}>{b.name}</Text>
                      <Group gap={4} wrap="nowrap">
                        <ActionIcon variant="default" aria-label={`Move ${b.name} up`} disabled={i === 0} onClick={() => reorder(i, i - 1)}>↑</ActionIcon>
                        <ActionIcon variant="default" aria-label={`Move ${b.name} down`} disabled={i === flow.length - 1} onClick={() => reorder(i, i + 1)}>↓</ActionIcon>
                        <ActionIcon variant="light" color="red" aria-label={`Remove ${b.name} from the flow`} onClick={() => { setFlow(flow.filter((_, j) => j !== i)); setStatus(`${b.name} removed; Apply to save.`); }}>×</ActionIcon>
                      </Group>
                    </Group>
                  </Card>
                ))}
                {flow.length === 0 && <Text component="li" c="dimmed" size="sm">No action runs here yet. Add one from the right.</Text>}
                <Badge variant="outline" component="li">Complete</Badge>
              </Stack>
              {dirty && <Alert mt="sm" color="yellow" variant="light">Changes are not live until you Apply.</Alert>}
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">Deployed actions</Title>
              {actions.loading && !actions.data ? <Loading label="Loading actions" /> : deployable.length === 0 ? <Empty>No deployed action for this trigger. Deploy one from the Library.</Empty> : (
                <Stack gap="xs">
                  {deployable.map((a) => (
                    <Group key={a.id} justify="space-between" wrap="nowrap">
                      <Text>{a.name}</Text>
                      <Button size="xs" variant="light" disabled={flow.some((b) => b.id === a.id)} aria-label={`Add ${a.name} to the flow`}
                        onClick={() => { setFlow([...flow, { id: a.id, name: a.name }]); setStatus(`${a.name} added at the end; Apply to save.`); }}>Add</Button>
                    </Group>
                  ))}
                </Stack>
              )}
            </Paper>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}
