import { defineConfig } from 'isobench';

// Unikraft images are built by you (docs/unikraft.md): ISOBENCH_UNIKRAFT_IMAGES=DIR boots every workload on the
// app-elfloader in DIR/elfloader/ (the layout the opt-in tests use); without it the unikraft rows say "not run" and why.
const unikraftImages = process.env.ISOBENCH_UNIKRAFT_IMAGES;

// The embedded default suite: what `npm run bench` measures on this testbed.
export default defineConfig({
  testbed: { name: 'local' },
  workloads: ['http-hello', 'nginx', 'redis', 'postgres'],
  suites: ['cold-start'],
  runners: {
    container: { enabled: true },
    'linux-vm': { enabled: true, accel: 'auto', machine: 'pc' },
    unikraft: { enabled: true, images: {}, ...(unikraftImages && { elfloader: `${unikraftImages}/elfloader/elfloader_qemu-x86_64` }) },
  },
  suite: {
    'cold-start': { trials: 10, warmups: 1 },
  },
});
