/**
 * A stand-in for a run that gets killed hard (faults-clean.test.ts): starts one container and one Linux VM of
 * http-hello through the runners, prints what it started as one JSON line, then waits to be killed.
 */
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../cli/config.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';

// The cache the tests and `npm run bench` share (suites-helpers.ts imports vitest, which a plain script cannot).
const cacheDir = fileURLToPath(new URL('../../.isobench/cache', import.meta.url));
const w = WORKLOADS['http-hello'];
const accelerator = await decideAccelerator('auto', cacheDir);
const vm = await createLinuxVmRunner({ cacheDir, accelerator, config: parseConfig({}).runners['linux-vm'] }).start(w, { readyTimeoutMs: 120_000 });
const container = await createContainerRunner({ cacheDir }).start(w, { readyTimeoutMs: 60_000 });
process.stdout.write(`${JSON.stringify({ pid: process.pid, qemuPid: vm.pid, containerId: container.id })}\n`);
setInterval(() => {}, 60_000);
