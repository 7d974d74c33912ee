import { defineRunner } from '../descriptor.ts';
import { qemuEngine, qemuPreflight } from '../qemu/engine.ts';
import { unikraftConfigSchema } from './config.ts';
import { configuresImage, createUnikraftRunner } from './runner.ts';

/** Unikraft unikernels under QEMU, from the images users bring. */
export const unikraftRunner = defineRunner({
  name: 'unikraft',
  config: unikraftConfigSchema,
  engine: qemuEngine,
  preflight: qemuPreflight,
  create: createUnikraftRunner,
  measures: configuresImage,
  phases: [
    { name: 'banner_ms', unit: 'ms', direction: 'lower', label: 'time to Unikraft banner', inSummary: true, phase: { name: 'banner', segment: 'until Unikraft banner', colour: '#ca8a04' } },
  ],
  shades: ['#16a34a', '#14532d', '#4ade80', '#15803d'],
});
