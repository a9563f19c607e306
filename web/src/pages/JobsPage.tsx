// Import & Export: a users file dropped (or chosen) and imported with live progress, time left and per-user
// errors; an export with a download link when it is ready.
import { Alert, Badge, Button, Checkbox, Code, FileButton, Grid, Group, Paper, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorText, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';

interface Job { id: string; type: string; status: string; percentage_done?: number; time_left_seconds?: number; summary?: { failed: number; updated: number; inserted: number; total: number }; location?: string; status_details?: string }
interface JobError { user: Record<string, unknown>; errors: { code: string; message: string; path?: string }[] }

/** Polls a job once a second until it has finished. */
function useJob(id: string | null) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const j = await api<Job>('GET', `/jobs/${id}`);
        if (!live) return;
        setJob(j);
        if (j.status === 'pending' || j.status === 'processing') timer = setTimeout(poll, 1000);
      } catch (e) {
        if (live) setError(e as Error);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  return { job, error };
}

const timeLeft = (s?: number) => (s === undefined ? '' : s < 60 ? `about ${s} s left` : `about ${Math.ceil(s / 60)} min left`);

export default function JobsPage() {
  const connections = useLoad(() => api<{ id: string; name: string }[]>('GET', '/connections?strategy=auth0'), []);
  const choices = (connections.data ?? []).filter((c) => c.name !== 'Portrait-Admins').map((c) => ({ value: c.id, label: c.name }));
  return (
    <>
      <PageTitle title="Import & Export" description="Bulk user imports (Auth0's users file) and exports." />
      <ErrorText error={connections.error} title="The connections could not be loaded" />
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}><Import choices={choices} /></Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}><Export choices={choices} /></Grid.Col>
      </Grid>
    </>
  );
}

function Import({ choices }: { choices: { value: string; label: string }[] }) {
  const [connection, setConnection] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [upsert, setUpsert] = useState(false);
  const [over, setOver] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const { job, error: pollError } = useJob(jobId);
  const errors = useLoad(() => (job?.status === 'completed' && job.summary?.failed ? api<JobError[]>('GET', `/jobs/${job.id}/errors`) : Promise.resolve([])), [job?.status, job?.id]);
  const selected = connection ?? choices[0]?.value ?? null;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">Import users</Title>
        <Select label="Connection" data={choices} value={selected} onChange={setConnection} allowDeselect={false} />
        <Paper withBorder p="lg" bg={over ? 'var(--mantine-color-blue-light)' : undefined} style={{ borderStyle: 'dashed', textAlign: 'center' }} data-testid="dropzone"
          onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={(e) => { e.preventDefault(); setOver(false); setFile(e.dataTransfer.files[0] ?? null); }}>
          <Text size="sm">{file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : 'Drop a users JSON file here, or'}</Text>
          <FileButton onChange={setFile} accept="application/json,.json,.ndjson">{(props) => <Button {...props} variant="subtle" size="xs">Choose a file</Button>}</FileButton>
        </Paper>
        <Checkbox label="Update users who already exist (upsert)" checked={upsert} onChange={(e) => setUpsert(e.currentTarget.checked)} />
        <Button disabled={!file || !selected} onClick={async () => {
          const form = new FormData();
          form.append('users', file!);
          form.append('connection_id', selected!);
          form.append('upsert', String(upsert));
          try {
            setJobId((await api<Job>('POST', '/jobs/users-imports', form)).id);
            setError(null);
          } catch (e) {
            setError(e as Error);
          }
        }}>Import</Button>
        <ErrorText error={error ?? pollError} title="The import did not start" />
        {job && (
          <Stack gap={4} aria-live="polite">
            <Group justify="space-between"><Badge>{job.status}</Badge><Text size="sm" c="dimmed">{timeLeft(job.time_left_seconds)}</Text></Group>
            <Progress value={job.percentage_done ?? 0} aria-label="Import progress" />
            {job.summary && <Text size="sm">{job.summary.inserted} inserted, {job.summary.updated} updated, {job.summary.failed} failed</Text>}
            {job.status_details && <Alert color="red">{job.status_details}</Alert>}
            {(errors.data ?? []).length > 0 && (
              <Table.ScrollContainer minWidth={360}>
                <Table aria-label="Users that failed">
                  <Table.Thead><Table.Tr><Table.Th>User</Table.Th><Table.Th>Error</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>
                    {errors.data!.map((e, i) => (
                      <Table.Tr key={i}><Table.Td>{String(e.user.email ?? e.user.user_id ?? `#${i + 1}`)}</Table.Td><Table.Td>{e.errors.map((x) => `${x.code}: ${x.message}`).join('; ')}</Table.Td></Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function Export({ choices }: { choices: { value: string; label: string }[] }) {
  const [connection, setConnection] = useState<string | null>(null);
  const [format, setFormat] = useState<string | null>('json');
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const { job } = useJob(jobId);
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">Export users</Title>
        <Select label="Connection" data={[{ value: '', label: 'All connections' }, ...choices]} value={connection ?? ''} onChange={setConnection} allowDeselect={false} />
        <Select label="Format" data={[{ value: 'json', label: 'JSON lines' }, { value: 'csv', label: 'CSV' }]} value={format} onChange={setFormat} allowDeselect={false} />
        <Button onClick={async () => {
          try {
            setJobId((await api<Job>('POST', '/jobs/users-exports', { format, ...(connection ? { connection_id: connection } : {}) })).id);
            setError(null);
          } catch (e) {
            setError(e as Error);
          }
        }}>Export</Button>
        <ErrorText error={error} title="The export did not start" />
        {job && (
          <Stack gap={4} aria-live="polite">
            <Badge>{job.status}</Badge>
            {job.location ? <Button component="a" href={job.location} variant="light">Download the export</Button> : job.status !== 'completed' && <Progress value={100} animated aria-label="Export running" />}
            {job.location && <Text size="xs" c="dimmed">The link works for 60 seconds; it is gzip-compressed (<Code>.gz</Code>).</Text>}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
