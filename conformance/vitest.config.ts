import { defineConfig } from 'vitest/config';

/**
 * Conformance suites: black-box tests of a connector over HTTPS, against the lab (brought up once by the global
 * setup) or a `T1C_TARGET_URL`. Suites that hold cards run one file at a time: cards are shared hardware.
 */
export default defineConfig({
  test: {
    include: ['conformance/**/*.suite.ts'],
    globalSetup: ['conformance/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
