import { defineConfig } from 'vitest/config';

// Boots of real containers and QEMU guests under TCG on a shared 2-core host take their time.
const timeouts = { testTimeout: 180_000, hookTimeout: 300_000 };

export default defineConfig({
  test: {
    // Installs the host tools the tests need (busybox, chromium, Docker, QEMU, cpio) when missing, as root; once for
    // the run, before either project starts.
    globalSetup: ['test/host-tools.ts'],
    projects: [
      {
        // Pure functions, parsers and small local processes: their files run side by side, and all of them before
        // the first integration file.
        test: { name: 'unit', include: ['test/*.test.ts'], sequence: { groupOrder: 0 }, ...timeouts },
      },
      {
        // Integration tests boot real containers and QEMU guests on a 2-core machine: one file at a time keeps
        // them from starving each other's probes.
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 }, ...timeouts },
      },
    ],
  },
});
