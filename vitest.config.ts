import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['connector/**/*.test.ts', 'simulators/**/*.test.ts', 'fixtures/**/*.test.ts', 'conformance/**/*.test.ts', 'load/**/*.test.ts', 'bin/**/*.test.ts', 'installer/**/*.test.ts', 'doctor/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One pcscd per machine: files that touch it queue on a machine-wide lock (simulators/lab/pcscd-lock.ts).
    fileParallelism: true,
  },
});
