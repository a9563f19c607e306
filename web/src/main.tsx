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


// Shade 8 of indigo keeps white button labels and links above WCAG AA contrast (shade 6 is 4.0:1).
const theme = createTheme({ primaryColor: 'indigo', primaryShade: 8, defaultRadius: 'md' });
// Mantine's "dimmed" greys are below WCAG AA contrast for small text; one shade stronger passes.
const cssVariablesResolver = () => ({ variables: {}, light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' }, dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' } });

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
