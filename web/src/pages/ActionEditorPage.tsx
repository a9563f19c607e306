// The Actions code editor: code with highlighting and errors at their line, secrets, Save Draft, Test with an
// editable sample event and the result beside the code, Deploy, and the versions with rollback.
import { Anchor, Badge, Button, Code, Drawer, Grid, Group, PasswordInput, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { sampleEvent } from '../../../src/actions/sample-events.ts';
import type { TriggerId } from '../../../src/actions/types.ts';
import { api } from '../api';
import CodeEditor, { parseJsonObject } from '../components/CodeEditor';
import { ConfirmButton, ErrorText, formatDate, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';
import { actionStatus, type ActionSummary } from './ActionsPage';

interface Action extends ActionSummary {
  code: string;
  secrets: { name: string; updated_at: string }[];
}
interface Version { id: string; number: number; deployed: boolean; created_at: string; status: string }
interface TestResult {
  result: string;
  claims: { id_token: Record<string, unknown>; access_token: Record<string, unknown> };
  metadata: { user_metadata: Record<string, unknown>; app_metadata: Record<string, unknown> };
  deny?: { reason: string };
  validation_error?: { message: string };
  error?: { name: string; message: string; line?: number; column?: number };
  logs: string[];
  duration_ms: number;
}

export default function ActionEditorPage() {
  const { id = '' } = useParams();
  const { data: action, error, loading, setData } = useLoad(() => api<Action>('GET', `/actions/actions/${id}`), [id]);
  const [code, setCode] = useState('');
  const [secrets, setSecrets] = useState<{ name: string; value: string }[]>([]);
  const [saveError, setSaveError] = useState<Error | null>(null);
  const [busy, setBusy] = useState('');
  const [message, setMessage] = useState('');
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  useEffect(() => {
    if (action) setCode(action.code);
  }, [action?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  if (loading && !action) return <Loading label="Loading action" />;
  if (!action) return <ErrorText error={error} title="This action could not be loaded" />;
  const status = actionStatus(action);
  const dirty = code !== action.code || secrets.length > 0;

  const run = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setMessage('');
    try {
      await work();
      setSaveError(null);
    } catch (e) {
      setSaveError(e as Error);
    } finally {
      setBusy('');
    }
  };
  const saveDraft = async () => {
    const body: Record<string, unknown> = { code };
    if (secrets.length) body.secrets = [...action.secrets.map((s) => ({ name: s.name })), ...secrets.filter((s) => s.name)];
    const saved = await api<Action>('PATCH', `/actions/actions/${id}`, body);
    setSecrets([]);
    setData(saved);
  };

  return (
    <>
      <Anchor component={Link} to="/actions/library" size="sm">← Library</Anchor>
      <PageTitle
        title={action.name}
        description={`Trigger: ${action.supported_triggers.map((t) => `${t.id} (${t.version})`).join(', ')}`}
        actions={
          <Group>
            <Badge color={status.color} variant="filled" autoContrast aria-label={`Status: ${status.label}`}>{status.label}</Badge>
            <Button variant="default" onClick={() => setVersionsOpen(true)}>Version history</Button>
            <Button variant="default" loading={busy === 'save'} disabled={!dirty} onClick={() => run('save', async () => { await saveDraft(); setMessage('Draft saved.'); })}>Save Draft</Button>
            <Button loading={busy === 'deploy'} onClick={() => run('deploy', async () => {
              if (dirty) await saveDraft();
              await api('POST', `/actions/actions/${id}/deploy`);
              setData(await api<Action>('GET', `/actions/actions/${id}`));
              setMessage('Deployed. Bind it to a flow under Actions > Flows to run it.');
            })}>Deploy</Button>
          </Group>
        }
      />
      <ErrorText error={saveError} title="The server refused this" />
      {message && <Text c="teal" role="status" mb="sm">{message}</Text>}
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <CodeEditor language="javascript" label="Action code" value={code} onChange={setCode} minHeight={360}
            diagnostics={result?.error?.line ? [{ line: result.error.line, message: `${result.error.name}: ${result.error.message}` }] : []} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Tabs defaultValue="test">
            <Tabs.List>
              <Tabs.Tab value="test">Test</Tabs.Tab>
              <Tabs.Tab value="secrets">Secrets</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="test" pt="sm">
              <TestPanel action={action} code={code} dirty={dirty} saveDraft={saveDraft} result={result} setResult={setResult} />
            </Tabs.Panel>
            <Tabs.Panel value="secrets" pt="sm">
              <Secrets existing={action.secrets} added={secrets} setAdded={setSecrets} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
      </Grid>
      <Drawer opened={versionsOpen} onClose={() => setVersionsOpen(false)} position="right" title="Version history" size="md">
        <Versions actionId={id} onRolledBack={async () => setData(await api<Action>('GET', `/actions/actions/${id}`))} />
      </Drawer>
    </>
  );
}

function TestPanel({ action, dirty, saveDraft, result, setResult }: { action: Action; code: string; dirty: boolean; saveDraft: () => Promise<void>; result: TestResult | null; setResult: (r: TestResult | null) => void }) {
  const trigger = action.supported_triggers[0]?.id as TriggerId;
  const [event, setEvent] = useState(() => JSON.stringify(sampleEvent(trigger) ?? {}, null, 2));
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = parseJsonObject(event);
  return (
    <Stack gap="xs">
      <Text size="sm">The event the action receives. Edit it, then run the test{dirty ? ' (the draft is saved first)' : ''}.</Text>
      <CodeEditor language="json" label="Test event" value={event} onChange={setEvent} minHeight={180} />
      {parsed.error && <Text c="red" size="sm" role="alert">{parsed.error}</Text>}
      <Button disabled={!!parsed.error} loading={busy} onClick={async () => {
        setBusy(true);
        try {
          if (dirty) await saveDraft();
          const { payload } = await api<{ payload: TestResult }>('POST', `/actions/actions/${action.id}/test`, { payload: parsed.value });
          setResult(payload);
          setError(null);
        } catch (e) {
          setError(e as Error);
        } finally {
          setBusy(false);
        }
      }}>Run test</Button>
      <ErrorText error={error} title="The test could not run" />
      {result && <TestOutcome result={result} />}
    </Stack>
  );
}

function TestOutcome({ result }: { result: TestResult }) {
  const ok = result.result === 'success';
  const why = result.error ? `${result.error.name}: ${result.error.message}${result.error.line ? ` (line ${result.error.line}${result.error.column ? `, column ${result.error.column}` : ''})` : ''}` : result.deny?.reason ?? result.validation_error?.message;
  return (
    <Stack gap={4} aria-live="polite" data-testid="test-result">
      <Group gap="xs">
        <Title order={3} size="h5">Result</Title>
        <Badge color={ok ? 'teal' : 'red'}>{result.result}</Badge>
        <Text size="xs" c="dimmed">{Math.round(result.duration_ms)} ms</Text>
      </Group>
      {why && <Text c="red" size="sm" role="alert">{why}</Text>}
      <Text size="sm" fw={600}>ID token claims</Text>
      <Code block data-testid="id-token-claims">{JSON.stringify(result.claims.id_token, null, 2)}</Code>
      <Text size="sm" fw={600}>Access token claims</Text>
      <Code block>{JSON.stringify(result.claims.access_token, null, 2)}</Code>
      <Text size="sm" fw={600}>Metadata changes</Text>
      <Code block>{JSON.stringify(result.metadata, null, 2)}</Code>
      <Text size="sm" fw={600}>Console output</Text>
      <Code block>{result.logs.length ? result.logs.join('\n') : '(nothing logged)'}</Code>
    </Stack>
  );
}

function Secrets({ existing, added, setAdded }: { existing: { name: string; updated_at: string }[]; added: { name: string; value: string }[]; setAdded: (s: { name: string; value: string }[]) => void }) {
  return (
    <Stack gap="xs">
      <Text size="sm">Secrets reach the code as <Code>event.secrets.NAME</Code>. Their values are never shown again once saved.</Text>
      {existing.length > 0 && (
        <Table aria-label="Saved secrets">
          <Table.Tbody>
            {existing.map((s) => <Table.Tr key={s.name}><Table.Td><Code>{s.name}</Code></Table.Td><Table.Td>{formatDate(s.updated_at)}</Table.Td></Table.Tr>)}
          </Table.Tbody>
        </Table>
      )}
      {added.map((s, i) => (
        <Group key={i} grow align="flex-end">
          <TextInput label="Key" value={s.name} onChange={(e) => setAdded(added.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} />
          <PasswordInput label="Value" value={s.value} onChange={(e) => setAdded(added.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} />
        </Group>
      ))}
      <Button variant="light" onClick={() => setAdded([...added, { name: '', value: '' }])}>Add Secret</Button>
      {added.length > 0 && <Text size="xs" c="dimmed">New secrets are saved with the draft.</Text>}
    </Stack>
  );
}

function Versions({ actionId, onRolledBack }: { actionId: string; onRolledBack: () => Promise<void> }) {
  const { data, error, loading, reload } = useLoad(() => api<{ versions: Version[] }>('GET', `/actions/actions/${actionId}/versions`), [actionId]);
  if (loading && !data) return <Loading label="Loading versions" />;
  if (!data) return <ErrorText error={error} />;
  if (data.versions.length === 0) return <Text c="dimmed">No version yet: a version is made each time you deploy.</Text>;
  return (
    <Stack>
      {data.versions.map((v) => (
        <Group key={v.id} justify="space-between">
          <Stack gap={0}>
            <Text fw={600}>Version {v.number} {v.deployed && <Badge ml="xs" color="teal">Deployed</Badge>}</Text>
            <Text size="xs" c="dimmed">{formatDate(v.created_at)}</Text>
          </Stack>
          {!v.deployed && (
            <ConfirmButton size="xs" variant="light" label="Roll back" title={`Deploy version ${v.number} again?`} message="It replaces the deployed version for every flow that uses this action." confirmLabel="Roll back"
              onConfirm={async () => { await api('POST', `/actions/actions/${actionId}/versions/${v.id}/deploy`, { update_draft: true }); reload(); await onRolledBack(); }} />
          )}
        </Group>
      ))}
    </Stack>
  );
}
