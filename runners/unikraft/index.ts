import { defineRunner } from '../descriptor.ts';
import { qemuEngine, qemuPreflight } from '../qemu/engine.ts';
import { unikraftConfigSchema } from './config.ts';
import { createUnikraftRunner } from './runner.ts';

/** Unikraft unikernels under QEMU, from the images users bring. */
export const unikraftRunner = defineRunner({
  name: 'unikraft',
  config: unikraftConfigSchema,
  engine: qemuEngine,
  preflight: qemuPreflight,
  create: createUnikraftRunner,
  shades: ['#16a34a', '#14532d', '#4ade80', '#15803d'],
});
