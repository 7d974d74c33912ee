import { z } from 'zod';
import { RUNNER_NAMES } from '../runners/index.ts';
import { SUITE_NAMES } from './index.ts';
import { acceleratorSchema } from '../core/label.ts';
import { cellSchemaOf } from '../core/cell-schema.ts';

export { acceleratorSchema, labelSchema, type Accelerator, type Label } from '../core/label.ts';
export { statsSchema, trialSchema, metricSchema, type Stats, type Trial, type Metric } from '../core/cell-schema.ts';

/**
 * The one result schema everything downstream reads (reports, CSV, gate).
 * Raw samples are the source of truth: `Metric.stats` is always recomputable from `Metric.samples`,
 * and every sample comes from one trial in `Cell.trials`.
 * Bump RESULTS_SCHEMA_VERSION on any incompatible change and document it in the README.
 */
export const RESULTS_SCHEMA_VERSION = 1;

export const cellSchema = cellSchemaOf(z.enum(SUITE_NAMES), z.enum(RUNNER_NAMES));
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
