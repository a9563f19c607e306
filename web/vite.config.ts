// The console's build: served by Portrait under /dashboard/, built into dist/web by `npm install` (prepare).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const target = process.env.PORTRAIT_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: __dirname,
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // No source maps in the package: the shell's size is measured from these files (docs/benchmarks.md).
    sourcemap: false,
    // The chunk graph bench/console-size.ts reads to measure what loads before the first page.
    manifest: true,
    chunkSizeWarningLimit: 700,
  },
  // `npm run dev:web`: hot reload on :5173, the API and sign-in proxied to a running server.
  server: {
    proxy: Object.fromEntries(
      ['/api', '/authorize', '/oauth', '/u/', '/v2/logout', '/oidc', '/.well-known', '/userinfo', '/avatars', '/pictures', '/dashboard/config.json'].map((p) => [p, { target, changeOrigin: false }]),
    ),
  },
});
