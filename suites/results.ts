import { z } from 'zod';
import { RUNNER_NAMES, type RunnerName } from '../runners/index.ts';
import { SUITES } from './index.ts';
import { environmentFromV1, environmentSchema } from '../core/environment.ts';
import { cellSchemaOf, type CellSchemaOf } from '../core/cell-schema.ts';

export { acceleratorSchema, labelSchema, type Accelerator, type Label } from '../core/label.ts';
export { environmentSchema, type Environment } from '../core/environment.ts';
export { statsSchema, trialSchema, metricSchema, type Stats, type Trial, type Metric } from '../core/cell-schema.ts';

/**
 * The one result schema everything downstream reads (reports, CSV, gate).
 * Raw samples are the source of truth: `Metric.stats` is always recomputable from `Metric.samples`,
 * and every sample comes from one trial in `Cell.trials`.
 * Bump RESULTS_SCHEMA_VERSION on any incompatible change and document it in the README.
 */
export const RESULTS_SCHEMA_VERSION = 2;

/** The cell schemas of a list of suite descriptors, one each. */
type SuiteCells<T extends readonly unknown[]> = {
  -readonly [I in keyof T]: T[I] extends { name: infer Name extends string; extra: infer Extra extends z.ZodType }
    ? CellSchemaOf<Name, RunnerName, Extra>
    : never;
};
const runner = z.enum(RUNNER_NAMES);
// Each descriptor's name and extra schema stay together through the map: the type says so, which TypeScript does
// not infer from a map.
const suiteCells = SUITES.map((d) => cellSchemaOf(d.name, runner, d.extra)) as unknown as SuiteCells<typeof SUITES>;
/** A cell: a union on `suite` (each suite's extra its own), each a union on `status`. */
export const cellSchema = z.discriminatedUnion('suite', suiteCells);
export type Cell = z.infer<typeof cellSchema>;

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
  if (version !== RESULTS_SCHEMA_VERSION && version !== 1) {
    throw new ResultsFormatError(
      `${source}: results schema version ${String(version)} is not supported (this isobench reads versions 1 to ${RESULTS_SCHEMA_VERSION})`,
    );
  }
  const parsed = resultsSchema.safeParse(version === 1 ? fromV1(raw as Record<string, unknown>) : raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ResultsFormatError(`${source}: not an isobench results file: ${first?.path.join('.')}: ${first?.message}`);
  }
  return parsed.data;
}

/** Version 1 differs only in where the environment keeps the engines' versions (baselines are older files). */
function fromV1(raw: Record<string, unknown>): Record<string, unknown> {
  const environment = raw.environment as Record<string, unknown> | undefined;
  return { ...raw, schemaVersion: RESULTS_SCHEMA_VERSION, ...(environment && { environment: environmentFromV1(environment) }) };
}
