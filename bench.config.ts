import { defineConfig } from 'isobench';

// The embedded default suite: what `npm run bench` measures on this testbed.
export default defineConfig({
  testbed: { name: 'local' },
  workloads: ['http-hello', 'nginx', 'redis', 'postgres'],
  suites: ['cold-start'],
  runners: {
    container: { enabled: true },
    'linux-vm': { enabled: true, accel: 'auto', machine: 'pc' },
    // Bring your own Unikraft images (built with kraft); without one the unikraft rows say "not run" and why.
    unikraft: { enabled: true, images: {} },
  },
  suite: {
    'cold-start': { trials: 10, warmups: 1 },
  },
});
