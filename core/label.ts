import { z } from 'zod';

// Apart from suites/results.ts (which re-exports them): the runners state accelerator and label, and the results
// schema is built on the runner registry (its runner names), so the runners cannot import it.

export const acceleratorSchema = z.object({
  kind: z.enum(['kvm', 'tcg', 'none']),
  /** Why this accelerator: e.g. "KVM probe guest did not boot within 5 s: ...". */
  reason: z.string(),
});
export type Accelerator = z.infer<typeof acceleratorSchema>;

/** How a cell was measured: printed next to every number it produced. */
export const labelSchema = z.object({
  accelerator: acceleratorSchema,
  machine: z.string().optional(),
  guestMemoryMiB: z.number().optional(),
  vcpus: z.number().optional(),
  /** Content hash of the workload rootfs that was booted/run. */
  rootfsHash: z.string().optional(),
  /** Set when the kernel booted through a runner is not what the runner's name says (tests only). */
  standIn: z.string().optional(),
  notes: z.array(z.string()).default([]),
});
export type Label = z.infer<typeof labelSchema>;
