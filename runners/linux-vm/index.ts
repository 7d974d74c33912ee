import { defineRunner } from '../descriptor.ts';
import { qemuEngine, qemuPreflight } from '../qemu/engine.ts';
import { linuxVmConfigSchema } from './config.ts';
import { guestKernel } from './kernel.ts';
import { createLinuxVmRunner } from './runner.ts';

/** Linux VMs under QEMU: Debian's cloud kernel (or the configured one), the workload rootfs as initramfs. */
export const linuxVmRunner = defineRunner({
  name: 'linux-vm',
  config: linuxVmConfigSchema,
  engine: qemuEngine,
  preflight: qemuPreflight,
  async checkInputs(section, cacheDir) {
    // With a configured kernel this only checks the files; nothing is fetched.
    if (section.kernel) await guestKernel(section.kernel, cacheDir);
  },
  create: createLinuxVmRunner,
  phases: [
    { name: 'kernel_init_ms', unit: 'ms', direction: 'lower', label: 'time to Linux init', inSummary: true, phase: { name: 'kernelInit', segment: 'until kernel init (Linux init marker)', colour: '#db2777' } },
  ],
  shades: ['#ea580c', '#9a3412', '#fb923c', '#c2410c'],
});
