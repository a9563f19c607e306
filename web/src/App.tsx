// The shell: sign-in state, the left navigation (as Auth0's dashboard orders it), and the pages, each lazy.
import { ActionIcon, Alert, AppShell, Avatar, Burger, Button, Center, Group, Loader, NavLink, Stack, Text, Title, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { setApiBase } from './api';
import { currentUser, handleCallback, initAuth, isAdministrator, login, logout, signedIn } from './auth';

const UsersPage = lazy(() => import('./pages/UsersPage'));
const UserPage = lazy(() => import('./pages/UserPage'));
const ActionsPage = lazy(() => import('./pages/ActionsPage'));
const ActionEditorPage = lazy(() => import('./pages/ActionEditorPage'));
const FlowsPage = lazy(() => import('./pages/FlowsPage'));
const ApplicationsPage = lazy(() => import('./pages/ApplicationsPage'));
const ApplicationPage = lazy(() => import('./pages/ApplicationPage'));
const ConnectionsPage = lazy(() => import('./pages/ConnectionsPage'));
const JobsPage = lazy(() => import('./pages/JobsPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));

const NAV: { group: string; links: { to: string; label: string }[] }[] = [
  { group: 'Applications', links: [{ to: '/applications', label: 'Applications' }] },
  { group: 'Authentication', links: [{ to: '/connections', label: 'Database & Social' }] },
  { group: 'User Management', links: [{ to: '/users', label: 'Users' }] },
  { group: 'Actions', links: [{ to: '/actions/library', label: 'Library' }, { to: '/actions/flows', label: 'Flows' }] },
  { group: 'Monitoring', links: [{ to: '/jobs', label: 'Import & Export' }] },
  { group: 'Settings', links: [{ to: '/settings', label: 'Tenant Settings' }] },
];

type State = { kind: 'loading' } | { kind: 'ready' } | { kind: 'refused' } | { kind: 'signed-out' } | { kind: 'error'; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const location = useLocation();
  const navigate = useNavigate();

  useEffect(() => {
    (async () => {
      const config = await initAuth();
      setApiBase(config.issuer);
      if (location.pathname === '/signed-out') return setState({ kind: 'signed-out' });
      if (location.pathname === '/callback') {
        const returnTo = await handleCallback();
        navigate(returnTo.replace(/^\/dashboard/, '') || '/users', { replace: true });
      } else if (!signedIn()) {
        await login('/dashboard' + location.pathname + location.search);
      }
      setState(isAdministrator() ? { kind: 'ready' } : { kind: 'refused' });
    })().catch((error: Error) => setState({ kind: 'error', message: error.message }));
    // Runs once: later navigation happens inside the signed-in shell.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (state.kind === 'loading') return <Center h="100vh"><Loader aria-label="Signing in" /></Center>;
  if (state.kind === 'signed-out') return <Notice title="You are signed out" body="Your dashboard session has ended." action={<Button onClick={() => login('/dashboard/users')}>Sign in again</Button>} />;
  if (state.kind === 'error') return <Notice title="Sign-in failed" body={state.message} action={<Button onClick={() => login('/dashboard/users')}>Try again</Button>} />;
  if (state.kind === 'refused')
    return (
      <Notice
        title="Not an administrator"
        body={`${currentUser()?.email ?? 'This account'} is not a dashboard administrator. Administrators are the users of the Portrait-Admins connection; ask one of them for access.`}
        action={<Button onClick={logout}>Sign out</Button>}
      />
    );
  return <Shell />;
}

function Notice({ title, body, action }: { title: string; body: string; action: React.ReactNode }) {
  return (
    <Center component="main" h="100vh" p="md">
      <Stack maw={480} align="flex-start">
        <Title order={1}>{title}</Title>
        <Text>{body}</Text>
        {action}
      </Stack>
    </Center>
  );
}

function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const user = currentUser();
  useEffect(close, [location.pathname, close]);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} component={Link} to="/users" c="inherit" td="none">Portrait</Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(colorScheme === 'dark' ? 'light' : 'dark')} aria-label={colorScheme === 'dark' ? 'Use light theme' : 'Use dark theme'}>
              {colorScheme === 'dark' ? '☀' : '☾'}
            </ActionIcon>
            <Avatar src={user?.picture} alt="" size="sm" visibleFrom="sm" />
            <Text size="sm" visibleFrom="sm">{user?.email}</Text>
            <Button variant="default" size="xs" onClick={logout}>Log out</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Dashboard">
        {NAV.map((section) => (
          <div key={section.group}>
            <Text size="xs" c="dimmed" fw={700} tt="uppercase" px="sm" pt="sm" pb={4}>{section.group}</Text>
            {section.links.map((link) => (
              <NavLink key={link.to} component={Link} to={link.to} label={link.label} active={location.pathname.startsWith(link.to)} aria-current={location.pathname.startsWith(link.to) ? 'page' : undefined} />
            ))}
          </div>
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader aria-label="Loading page" />}>
          <Routes>
            <Route path="/" element={<Navigate to="/users" replace />} />
            <Route path="/users" element={<UsersPage />} />
            <Route path="/users/:id" element={<UserPage />} />
            <Route path="/actions/library" element={<ActionsPage />} />
            <Route path="/actions/library/:id" element={<ActionEditorPage />} />
            <Route path="/actions/flows" element={<FlowsPage />} />
            <Route path="/actions/flows/:trigger" element={<FlowsPage />} />
            <Route path="/applications" element={<ApplicationsPage />} />
            <Route path="/applications/:id" element={<ApplicationPage />} />
            <Route path="/connections" element={<ConnectionsPage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="*" element={<Alert color="red" title="Page not found">There is no dashboard page at {location.pathname}.</Alert>} />
          </Routes>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
