import { z } from 'zod';
import { STOP_REASONS } from './rules.ts';

// Results files written since the first density suite still load: what later versions added is optional here,
// with the commit that added it, and what they changed is accepted in both forms.

/** What a piece of the harness's own work cost, in all and per instance it handled (core/cpu-load.ts WorkCost). */
const harnessCost = z.object({
  instances: z.number(),
  wallMs: z.number(),
  /** User + system CPU of the harness process. */
  harnessCpuMs: z.number(),
  /** Share of all host cores busy during the work (0 to 1); absent when no tick passed. */
  hostCpuBusy: z.number().optional(),
  wallMsPerInstance: z.number(),
  harnessCpuMsPerInstance: z.number(),
});

/** One start of the ramp, against the number of instances running: a point of each curve the report draws. */
const curvePoint = z.object({
  /** 1 for the first instance started. */
  instance: z.number(),
  ok: z.boolean(),
  /** Null where the start failed or the value was not measured. */
  startMs: z.number().nullable(),
  pssBytes: z.number().nullable(),
  memAvailableDropBytes: z.number().nullable(),
  /** Share of all host cores busy while this start was under way (0 to 1); since f4b1b84. */
  hostCpuBusy: z.number().nullable().optional(),
});

/** An instance still there after the stop, and how that was seen; before f4b1b84, one text each. */
const leftover = z.union([z.object({ id: z.string(), why: z.string() }), z.string()]);

/** What a density cell sums up in `extra`: why the ramp stopped, its settings, MemAvailable, and each start. */
export const densityExtra = z.object({
  stopReason: z.enum(STOP_REASONS),
  stopReasonText: z.string(),
  target: z.number(),
  /** Starts at a time: the configured ones, or fewer where the engine bounds them (`configuredConcurrency` then). */
  concurrency: z.number(),
  configuredConcurrency: z.number().optional(),
  /** Stops at a time, the engine's bound; since f4b1b84. */
  stopConcurrency: z.number().optional(),
  startTimeoutMs: z.number(),
  memoryReserve: z.number(),
  reserveBytes: z.number(),
  started: z.number(),
  answered: z.number(),
  memAvailableAtStartBytes: z.number(),
  /** Absent when MemAvailable could not be read with all instances running. */
  memAvailableAtFullDensityBytes: z.number().optional(),
  memAvailableDropPerInstanceBytes: z.number().optional(),
  memAvailableAfterStopBytes: z.number(),
  pssTotalBytes: z.number(),
  curve: z.array(curvePoint),
  /** What the harness spent on the sweep (memory of all, then one probe each) and on stopping them all; since f4b1b84. */
  harnessCost: z
    .object({
      sweepMemory: harnessCost.optional(),
      sweepLiveness: harnessCost.optional(),
      /** Before e3385c6: the memory and liveness passes together. */
      sweep: harnessCost.optional(),
      stop: harnessCost.optional(),
    })
    .optional(),
  /** Instances that did not answer the final liveness sweep, and why; since f4b1b84. */
  silent: z.array(z.string()).optional(),
  /** Instances whose memory could not be read, and why; since f4b1b84. */
  unmeasured: z.array(z.string()).optional(),
  leftovers: z.array(leftover),
  /** Why "nothing left" could not be verified (the platform could not be asked). */
  leftoversUnverified: z.string().optional(),
});
export type DensityExtra = z.infer<typeof densityExtra>;
