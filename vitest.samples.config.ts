// The seed's code samples in other languages (examples/seed-samples/), run against a real Portrait over HTTPS.
// A separate run (`npm run test:samples`, its own CI step) because it needs toolchains that `npm test` does
// not: Go, PHP, Ruby, Java with Unirest, Python. A missing toolchain fails the run; nothing is skipped.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['examples/**/*.test.ts'], testTimeout: 120_000 },
});
