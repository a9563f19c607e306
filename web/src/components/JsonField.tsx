// A JSON object edited in CodeMirror: it must parse as an object before Save is allowed, and the server's
// answer (accepted, or refused with its reason) is shown beneath it.
import { Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ErrorText } from './ui';
import CodeEditor, { parseJsonObject } from './CodeEditor';

export function JsonField({ label, value, onSave, description }: { label: string; value: unknown; description?: string; onSave: (v: Record<string, unknown>) => Promise<void> }) {
  const original = JSON.stringify(value ?? {}, null, 2);
  const [text, setText] = useState(original);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => setText(original), [original]);
  const parsed = parseJsonObject(text);
  const id = label.toLowerCase().replace(/\W+/g, '-');
  return (
    <Stack gap="xs" data-field={id}>
      <Text fw={600} component="h3" size="md">{label}</Text>
      {description && <Text size="sm" c="dimmed">{description}</Text>}
      <CodeEditor language="json" label={label} value={text} onChange={(v) => { setText(v); setSaved(false); }} minHeight={140} />
      {parsed.error && <Text c="red" size="sm" role="alert" data-testid={`${id}-invalid`}>{parsed.error} Nothing is saved until it is valid.</Text>}
      <ErrorText error={error} title={`${label} not saved`} />
      <Group>
        <Button
          disabled={!!parsed.error || text === original}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onSave(parsed.value!);
              setError(null);
              setSaved(true);
            } catch (e) {
              setError(e as Error);
            } finally {
              setBusy(false);
            }
          }}
        >
          Save {label}
        </Button>
        {saved && <Text size="sm" c="teal" role="status">Saved.</Text>}
      </Group>
    </Stack>
  );
}
