// The console's entry: sign-in first (tokens in memory), then the shell with its pages.
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App';
import { setNonce } from 'get-nonce';
import { styleNonce } from './nonce';

// Modals lock the page's scroll with a <style> element (react-remove-scroll); it takes its nonce from here.
setNonce(styleNonce);


const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });
// Mantine's light "dimmed" grey (gray-6) is below WCAG AA contrast on white; gray-7 passes.
const cssVariablesResolver = () => ({ variables: {}, light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' }, dark: {} });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto" getStyleNonce={() => styleNonce}>
      <Notifications />
      <BrowserRouter basename="/dashboard">
        <App />
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
