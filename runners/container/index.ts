import { z } from 'zod';
import { defineRunner } from '../descriptor.ts';
import { ensureDockerd, dockerAvailability } from './docker.ts';
import { dockerEngine } from './engine.ts';
import { CONTAINER_ACCELERATOR, createContainerRunner } from './runner.ts';

/** Docker containers of the workload rootfs images, on the host kernel. */
export const containerRunner = defineRunner({
  name: 'container',
  config: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  engine: dockerEngine,
  async preflight(_section, { install, log }) {
    if (install) await ensureDockerd(log);
    const availability = await dockerAvailability();
    if (!availability.ok) throw new Error(`${availability.reason}; ${availability.fix}`);
    return CONTAINER_ACCELERATOR;
  },
  create: ({ cacheDir, log }) => createContainerRunner({ cacheDir, ...(log ? { log } : {}) }),
  shades: ['#2563eb', '#1e3a8a', '#60a5fa', '#1d4ed8'],
  // A container has no accelerator: it runs on the host's CPU.
  unaccelerated: 'native',
});
