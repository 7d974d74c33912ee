import { parseConfig } from '../../cli/config.ts';
import { vmInitrd } from '../../fixtures/initramfs.ts';
import { debianCloudKernel } from '../../runners/linux-vm/kernel.ts';
import { buildRootfs } from '../../fixtures/rootfs.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import type { Runner } from '../../runners/index.ts';
import { createUnikraftRunner } from '../../runners/unikraft/runner.ts';
import { cacheDir } from './suites-helpers.ts';

// No Unikraft image can be built or fetched on this testbed: a Linux kernel with the linux-vm initramfs goes through
// the unikraft runner instead, labelled as a stand-in. Suites run with it check the runner's path, not Unikraft.
export const STAND_IN = 'Debian cloud kernel with the linux-vm initramfs';

/** The unikraft runner with the stand-in as http-hello's image, prepared. */
export async function standInRunner(): Promise<Runner> {
  const httpHello = WORKLOADS['http-hello'];
  const kernel = await debianCloudKernel(cacheDir);
  const built = await buildRootfs(httpHello, { cacheDir });
  const initrd = await vmInitrd({ built, workload: httpHello, kernel, machine: 'pc', cacheDir });
  const image = {
    kernel: kernel.kernel,
    initrd: initrd.path,
    libParams: ['console=ttyS0', 'quiet', 'panic=-1'],
    memoryMiB: 192,
    standIn: STAND_IN,
  };
  const runner = createUnikraftRunner({
    cacheDir,
    accelerator: await decideAccelerator('auto', cacheDir),
    config: parseConfig({ runners: { unikraft: { images: { 'http-hello': image } } } }).runners.unikraft,
  });
  await runner.prepare(httpHello);
  return runner;
}
