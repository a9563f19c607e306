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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" getStyleNonce={() => styleNonce}>
      <Notifications />
      <BrowserRouter basename="/dashboard">
        <App />
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
