// Settings: tenant name, the login page's logo and colour (live preview), the default pictures (Gravatar on, off
// or proxied; a default picture) with a preview of a user without one, and the signing keys with rotation.
import { Avatar, Badge, Box, Button, Card, ColorInput, Grid, Group, Radio, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { consoleConfig } from '../auth';
import { ConfirmButton, ErrorText, formatDate, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../use-load';

interface Settings { friendly_name?: string; picture_url?: string; support_email?: string; picture: { gravatar: 'on' | 'off' | 'proxy'; default_url: string | null } }
interface Branding { colors: { primary: string }; logo_url?: string }

function useSave() {
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      setSaved(true);
    } catch (e) {
      setError(e as Error);
      setSaved(false);
    }
  };
  return { error, saved, setSaved, run };
}

export default function SettingsPage() {
  const settings = useLoad(() => api<Settings>('GET', '/tenants/settings'), []);
  const branding = useLoad(() => api<Branding>('GET', '/branding'), []);
  if ((settings.loading && !settings.data) || (branding.loading && !branding.data)) return <Loading label="Loading settings" />;
  if (!settings.data || !branding.data) return <ErrorText error={settings.error ?? branding.error} title="The settings could not be loaded" />;
  return (
    <>
      <PageTitle title="Tenant Settings" />
      <Tabs defaultValue="general" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="general">General</Tabs.Tab>
          <Tabs.Tab value="pictures">Pictures</Tabs.Tab>
          <Tabs.Tab value="keys">Signing Keys</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="general"><General settings={settings.data} branding={branding.data} /></Tabs.Panel>
        <Tabs.Panel value="pictures"><Pictures settings={settings.data} /></Tabs.Panel>
        <Tabs.Panel value="keys"><Keys /></Tabs.Panel>
      </Tabs>
    </>
  );
}

function General({ settings, branding }: { settings: Settings; branding: Branding }) {
  const [name, setName] = useState(settings.friendly_name ?? '');
  const [support, setSupport] = useState(settings.support_email ?? '');
  const [logo, setLogo] = useState(branding.logo_url ?? '');
  const [colour, setColour] = useState(branding.colors.primary);
  const save = useSave();
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Stack component="form" onSubmit={(e: React.FormEvent) => {
          e.preventDefault();
          void save.run(async () => {
            await api('PATCH', '/tenants/settings', { friendly_name: name || null, support_email: support || null });
            await api('PATCH', '/branding', { colors: { primary: colour }, logo_url: logo || null });
          });
        }}>
          <TextInput label="Tenant friendly name" description="Shown on the login page and in emails." value={name} onChange={(e) => { setName(e.currentTarget.value); save.setSaved(false); }} />
          <TextInput label="Support email" type="email" value={support} onChange={(e) => { setSupport(e.currentTarget.value); save.setSaved(false); }} />
          <TextInput label="Login page logo URL" description="An https:// image, shown above the login form." value={logo} onChange={(e) => { setLogo(e.currentTarget.value); save.setSaved(false); }} />
          <ColorInput label="Primary colour" format="hex" withEyeDropper={false} value={colour} onChange={(c) => { setColour(c); save.setSaved(false); }} />
          <ErrorText error={save.error} title="Settings not saved" />
          <Group><Button type="submit">Save</Button>{save.saved && <Text size="sm" c="teal" role="status">Saved.</Text>}</Group>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Text size="sm" fw={500} mb={4}>Login page preview</Text>
        <Card withBorder shadow="sm" maw={340} mx="auto" aria-label="Login page preview" data-testid="login-preview">
          <Stack align="center" gap="xs">
            {/^https:\/\//.test(logo) && <img src={logo} alt="" height={48} />}
            <Title order={3} size="h4">Welcome</Title>
            <Text size="sm" c="dimmed">Log in to {name || 'Portrait'} to continue.</Text>
            <Box w="100%" h={34} bd="1px solid var(--mantine-color-gray-4)" style={{ borderRadius: 6 }} />
            <Box w="100%" h={34} bd="1px solid var(--mantine-color-gray-4)" style={{ borderRadius: 6 }} />
            <Box w="100%" p={8} style={{ background: /^#[0-9a-f]{6}$/i.test(colour) ? colour : '#635dff', color: '#fff', borderRadius: 6, textAlign: 'center' }}>Continue</Box>
          </Stack>
        </Card>
      </Grid.Col>
    </Grid>
  );
}

function Pictures({ settings }: { settings: Settings }) {
  const [gravatar, setGravatar] = useState(settings.picture.gravatar);
  const [defaultUrl, setDefaultUrl] = useState(settings.picture.default_url ?? '');
  const save = useSave();
  const initials = new URL('avatars/jd.png', consoleConfig().issuer).href;
  const preview = defaultUrl && /^https?:\/\//.test(defaultUrl) ? defaultUrl : initials;
  const [shown, setShown] = useState(preview);
  useEffect(() => setShown(preview), [preview]);
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack component="form" onSubmit={(e: React.FormEvent) => {
          e.preventDefault();
          void save.run(() => api('PATCH', '/tenants/settings', { picture: { gravatar, default_url: defaultUrl || null } }));
        }}>
          <Radio.Group label="Gravatar" description="Whether users without a picture get one from Gravatar (which learns a hash of their email)." value={gravatar} onChange={(v) => { setGravatar(v as Settings['picture']['gravatar']); save.setSaved(false); }}>
            <Stack gap={6} mt="xs">
              <Radio value="off" label="Off: initials avatar (or the default picture) only" />
              <Radio value="on" label="On: Gravatar, falling back to the initials avatar" />
              <Radio value="proxy" label="Proxy: Gravatar fetched through Portrait (browsers never contact Gravatar)" />
            </Stack>
          </Radio.Group>
          <TextInput label="Default picture URL" description="Replaces the initials avatar. Leave empty for initials." value={defaultUrl} onChange={(e) => { setDefaultUrl(e.currentTarget.value); save.setSaved(false); }} />
          <ErrorText error={save.error} title="Picture settings not saved" />
          <Group><Button type="submit">Save</Button>{save.saved && <Text size="sm" c="teal" role="status">Saved.</Text>}</Group>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Card withBorder aria-label="Preview of a user without a picture">
          <Group>
            <Avatar src={shown} alt="Default picture of Jane Doe" size="lg" onError={() => setShown(initials)} />
            <Stack gap={0}>
              <Text fw={600}>Jane Doe</Text>
              <Text size="sm" c="dimmed">{gravatar === 'off' ? 'No Gravatar lookup' : gravatar === 'proxy' ? 'Gravatar through Portrait, else this' : 'Gravatar if she has one, else this'}</Text>
            </Stack>
          </Group>
        </Card>
      </Grid.Col>
    </Grid>
  );
}

function Keys() {
  const { data, error, loading, reload } = useLoad(() => api<{ kid: string; current: boolean; previous: boolean; current_since: string; current_until?: string }[]>('GET', '/keys/signing'), []);
  if (loading && !data) return <Loading label="Loading signing keys" />;
  if (!data) return <ErrorText error={error} />;
  return (
    <Stack>
      <Text size="sm">Tokens are signed with the current key. After a rotation the previous key stays published until the tokens it signed expire.</Text>
      <Table.ScrollContainer minWidth={480}>
        <Table aria-label="Signing keys">
          <Table.Thead><Table.Tr><Table.Th>Key ID</Table.Th><Table.Th>Status</Table.Th><Table.Th>Current since</Table.Th><Table.Th>Until</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {data.map((k) => (
              <Table.Tr key={k.kid}>
                <Table.Td><code>{k.kid}</code></Table.Td>
                <Table.Td>{k.current ? <Badge color="teal">Current</Badge> : k.previous ? <Badge color="gray">Previous</Badge> : <Badge color="gray" variant="outline">Retired</Badge>}</Table.Td>
                <Table.Td>{formatDate(k.current_since)}</Table.Td>
                <Table.Td>{k.current_until ? formatDate(k.current_until) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <div>
        <ConfirmButton label="Rotate signing key" title="Rotate the signing key?" message="New tokens are signed with a new key. Apps that cache the key set fetch it again; tokens already issued stay valid." confirmLabel="Rotate" onConfirm={async () => { await api('POST', '/keys/signing/rotate'); reload(); }} />
      </div>
    </Stack>
  );
}
