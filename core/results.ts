import { z } from 'zod';
import { RUNNER_NAMES, SUITE_NAMES } from './config.ts';
import { acceleratorSchema, labelSchema } from './label.ts';

export { acceleratorSchema, labelSchema, type Accelerator, type Label } from './label.ts';

/**
 * The one result schema everything downstream reads (reports, CSV, gate).
 * Raw samples are the source of truth: `Metric.stats` is always recomputable from `Metric.samples`,
 * and every sample comes from one trial in `Cell.trials`.
 * Bump RESULTS_SCHEMA_VERSION on any incompatible change and document it in the README.
 */
export const RESULTS_SCHEMA_VERSION = 1;

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

export const cellSchema = z.object({
  suite: z.enum(SUITE_NAMES),
  workload: z.string(),
  runner: z.enum(RUNNER_NAMES),
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
export type Cell = z.infer<typeof cellSchema>;

export const environmentSchema = z.object({
  hostname: z.string(),
  os: z.string(),
  kernel: z.string(),
  cpuModel: z.string(),
  cores: z.number(),
  memoryBytes: z.number(),
  memAvailableBytes: z.number(),
  node: z.string(),
  docker: z.object({ version: z.string() }).nullable(),
  qemu: z.object({ version: z.string(), path: z.string() }).nullable(),
  accelerator: acceleratorSchema,
  harness: z.object({ version: z.string(), commit: z.string(), dirty: z.boolean() }),
});
export type Environment = z.infer<typeof environmentSchema>;

export const resultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** True while the run is going on, or when it was interrupted: what is here is all that was measured. */
  partial: z.boolean(),
  partialReason: z.string().optional(),
  quick: z.boolean(),
  environment: environmentSchema,
  /** The resolved config (after defaults and --quick). */
  config: z.record(z.string(), z.unknown()),
  cells: z.array(cellSchema),
});
export type Results = z.infer<typeof resultsSchema>;

export class ResultsFormatError extends Error {
  override name = 'ResultsFormatError';
}

/** Parses a results.json text, with one clear message when it is not one. */
export function parseResults(text: string, source: string): Results {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ResultsFormatError(`${source}: not JSON (${(e as Error).message})`);
  }
  const version = (raw as { schemaVersion?: unknown })?.schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new ResultsFormatError(
      `${source}: results schema version ${String(version)} is not supported (this isobench reads version ${RESULTS_SCHEMA_VERSION})`,
    );
  }
  const parsed = resultsSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ResultsFormatError(`${source}: not an isobench results file: ${first?.path.join('.')}: ${first?.message}`);
  }
  return parsed.data;
}
