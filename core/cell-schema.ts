// Apart from suites/results.ts: suites record trials, metrics and cells, and results.ts knows the suites' names from
// their registry, which imports the suites.
import { z } from 'zod';
import { WORKLOAD_NAMES } from './config-values.ts';
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

/** The `extra` of a suite that records no summary of its own beside its trials and metrics. */
export const NO_EXTRA = z.never({ error: 'this suite records no extra' });

/**
 * The cells of suite `suite`, `extra` the schema of what it sums up there (a zod object, or NO_EXTRA). A union on
 * `status`: a cell that ran (ok, failed or partial: its trials, metrics and extra), or one that did not (its reason
 * and how to make it run; no trial, metric or extra). core/results.ts joins the suites' into one union on `suite`.
 */
export const cellSchemaOf = <Suite extends string, Runner extends z.ZodType<string>, Extra extends z.ZodType>(
  suite: Suite,
  runner: Runner,
  extra: Extra,
) => {
  const identity = {
    suite: z.literal(suite),
    workload: z.enum(WORKLOAD_NAMES),
    runner,
    /** A suite's own variant of the cell, measured as a row of its own (the wake suite's strategy). */
    variant: z.string().optional(),
  };
  return z.discriminatedUnion('status', [
    z.object({
      ...identity,
      status: z.enum(['ok', 'failed', 'partial']),
      /** Why a cell failed or is partial. */
      reason: z.string().optional(),
      label: labelSchema,
      trials: z.array(trialSchema),
      metrics: z.array(metricSchema),
      /** Suite-specific summary (density stop reason, minimum memory bisection steps, ...). */
      extra: extra.optional(),
    }),
    z.object({
      ...identity,
      status: z.literal('not-run'),
      /** Why it did not run, and how to make it run. */
      reason: z.string(),
      label: labelSchema,
      trials: z.tuple([], { error: 'a not-run cell has no trials' }),
      metrics: z.tuple([], { error: 'a not-run cell has no metrics' }),
      extra: z.never({ error: 'a not-run cell has no extra' }).optional(),
    }),
  ]);
};

/** The schema of suite `Suite`'s cells on runners `Runner`, its extra of schema `Extra`. */
export type CellSchemaOf<Suite extends string, Runner extends string, Extra extends z.ZodType> = ReturnType<
  typeof cellSchemaOf<Suite, z.ZodType<Runner>, Extra>
>;
/** A cell of suite `Suite` on runner `Runner`: what a suite returns. */
export type CellOf<Suite extends string, Runner extends string, Extra extends z.ZodType = typeof NO_EXTRA> = z.output<
  CellSchemaOf<Suite, Runner, Extra>
>;
