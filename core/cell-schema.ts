// Apart from suites/results.ts: suites record trials, metrics and cells, and results.ts knows the suites' names from
// their registry, which imports the suites.
import { z } from 'zod';
import { labelSchema } from './label.ts';

export const statsSchema = z.object({
  n: z.number().int().nonnegative(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  median: z.number(),
  p95: z.number(),
  stddev: z.number(),
  /** Coefficient of variation: stddev / mean. */
  cv: z.number(),
  /** Confidence interval of the median. */
  ci: z.object({ level: z.number(), low: z.number(), high: z.number(), method: z.string() }).nullable(),
});
export type Stats = z.infer<typeof statsSchema>;

export const trialSchema = z.object({
  index: z.number().int(),
  warmup: z.boolean(),
  ok: z.boolean(),
  startedAt: z.string(),
  /** Phase timestamps in ms relative to `requested` (0). */
  phases: z.record(z.string(), z.number()).default({}),
  /** Measured values of this trial, keyed by metric name. */
  values: z.record(z.string(), z.number()).default({}),
  error: z.object({ reason: z.string(), consoleTail: z.string().optional() }).optional(),
  /** Suite-specific raw detail (latency histogram, per-instance records, ...). */
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type Trial = z.infer<typeof trialSchema>;

export const metricSchema = z.object({
  name: z.string(),
  unit: z.string(),
  direction: z.enum(['lower', 'higher']),
  /** One value per successful, non-warm-up trial, in trial order. */
  samples: z.array(z.number()),
  stats: statsSchema.nullable(),
  /** Problems a reader must know about: load generator saturated, non-2xx responses, ... */
  flags: z.array(z.string()).default([]),
  /**
   * The samples are lower bounds of what the system does, not its figure: the load generator was the bottleneck
   * in at least one repetition (the reasons are in `flags`). Shown as "≥ value" everywhere.
   */
  lowerBound: z.boolean().optional(),
});
export type Metric = z.infer<typeof metricSchema>;

/** A cell's schema over the names of suites and runners it accepts (the registries', in suites/results.ts). */
export const cellSchemaOf = <S extends z.ZodType<string>, R extends z.ZodType<string>>(suite: S, runner: R) =>
  z.object({
    suite,
    workload: z.string(),
    runner,
    /** A suite's own variant of the cell, measured as a row of its own (the wake suite's strategy). */
    variant: z.string().optional(),
    status: z.enum(['ok', 'failed', 'not-run', 'partial']),
    /** Why a cell is not-run/failed/partial, and for not-run how to make it run. */
    reason: z.string().optional(),
    label: labelSchema,
    trials: z.array(trialSchema),
    metrics: z.array(metricSchema),
    /** Suite-specific summary (density stop reason, minimum memory bisection steps, ...). */
    extra: z.record(z.string(), z.unknown()).optional(),
  });

const anyCell = cellSchemaOf(z.string(), z.string());
/** A cell of suite `Suite` on runner `Runner`: what a suite returns. */
export type CellOf<Suite extends string, Runner extends string> = Omit<z.infer<typeof anyCell>, 'suite' | 'runner'> & {
  suite: Suite;
  runner: Runner;
};

