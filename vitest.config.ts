import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Installs the host tools the tests need (busybox, chromium, Docker, QEMU, cpio) when missing, as root.
    globalSetup: ['test/host-tools.ts'],
    // Integration tests boot real containers and QEMU guests on a 2-core machine: one file at a time keeps
    // them from starving each other's probes.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
