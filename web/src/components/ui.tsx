// Small pieces every page uses the same way: the page title, loading and empty states, API errors in words,
// and a confirmation before anything destructive.
import { Alert, Button, Center, Group, Loader, Modal, Stack, Text, Title, type ButtonProps } from '@mantine/core';
import { useState, type ReactNode } from 'react';

export function PageTitle({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="md">
      <Stack gap={4}>
        <Title order={1} size="h2">{title}</Title>
        {description && <Text c="dimmed" size="sm">{description}</Text>}
      </Stack>
      {actions}
    </Group>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <Center p="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Center p="xl">
      <Text c="dimmed">{children}</Text>
    </Center>
  );
}

export function ErrorText({ error, title = 'The server refused this' }: { error: Error | null | undefined; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert">
      {error.message}
    </Alert>
  );
}

/** A button that asks first; the dialog names what will happen and cannot be undone. */
export function ConfirmButton(props: { label: string; title: string; message: ReactNode; confirmLabel: string; onConfirm: () => Promise<void> } & ButtonProps) {
  const { label, title, message, confirmLabel, onConfirm, ...buttonProps } = props;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  return (
    <>
      <Button color="red" variant="light" {...buttonProps} onClick={() => setOpen(true)}>{label}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} centered>
        <Stack>
          <Text>{message}</Text>
          <ErrorText error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button
              color="red"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onConfirm();
                  setOpen(false);
                } catch (e) {
                  setError(e as Error);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export const formatDate = (iso?: string | null) => (iso ? new Date(iso).toLocaleString() : 'Never');
