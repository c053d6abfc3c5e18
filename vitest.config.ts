import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // An unhandled error is reported by a bounded description, never by cloning whatever it holds.
    setupFiles: ['test/support/boundedErrors.ts'],
    // Real API servers and real sockets are started by some tests; give them room on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
