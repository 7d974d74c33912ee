import { z } from 'zod';
import { defaultGateMetrics, metricByKey, METRIC_KEYS } from './metrics.ts';
import { WORKLOAD_NAMES } from './config-values.ts';
import { runnerSections } from '../runners/index.ts';
import { SUITE_NAMES, SUITES, type SuiteName, type SuiteSections } from '../suites/index.ts';

export { RUNNER_NAMES, type RunnerName } from '../runners/index.ts';
export { SUITE_NAMES, type SuiteName } from '../suites/index.ts';
export { WORKLOAD_NAMES, type WorkloadName } from './config-values.ts';

const runnersSchema = z.strictObject(runnerSections);

/** Each suite's section, with its defaults also when the config leaves it out. */
const suitesSchema = z.strictObject(
  Object.fromEntries(SUITES.map((d) => [d.name, (d.config as z.ZodObject).prefault({})])) as { [K in SuiteName]: z.ZodPrefault<SuiteSections[K]> },
);

const gateMetric = z.strictObject({
  /** Defaults to the metric's own (core/metrics.ts); a contrary one is refused. */
  direction: z.enum(['lower', 'higher']).optional(),
  /** Relative change that matters, e.g. 0.1 for 10%. */
  threshold: z.number().positive().max(10),
});

/** Gated metrics must be ones isobench measures, in their own direction. */
const gateMetrics = z.record(z.string(), gateMetric).transform((metrics, ctx) =>
  Object.fromEntries(
    Object.entries(metrics).flatMap(([key, gate]) => {
      const def = metricByKey(key);
      if (!def) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not a metric isobench measures (core/metrics.ts); gate one of: ${METRIC_KEYS.join(', ')}` });
        return [];
      }
      if (gate.direction && gate.direction !== def.direction) {
        ctx.addIssue({
          code: 'custom',
          path: [key, 'direction'],
          message: `${def.name} is better ${def.direction}, not ${gate.direction}: leave direction out or set it to '${def.direction}'`,
        });
        return [];
      }
      return [[key, { direction: def.direction, threshold: gate.threshold }]];
    }),
  ),
);

const gatesSchema = z.strictObject({
  /** Family-wise significance level; corrected for the number of metrics compared. */
  alpha: z.number().positive().max(0.2).default(0.01),
  minSamples: z.number().int().min(2).default(8),
  /**
   * How far a run's level moves between runs of one build on this testbed (log-scale standard deviation, ≈ a CV):
   * `gate` and `run --gate` compare two runs made at different times, and a level difference of this spread is not
   * taken for a change. `npm run calibrate-gate -- A.json B.json C.json` (runs of one build) measures it. `ab`
   * needs none: its rounds alternate, and the level cancels within each.
   */
  runToRun: z.number().min(0).max(1).default(0.05),
  metrics: gateMetrics.default(defaultGateMetrics),
});

/** Overrides applied by `--quick`; same shape as the suites section, every key optional. */
const quickSchema = z
  .strictObject(
    Object.fromEntries(SUITES.map((d) => [d.name, (d.config as z.ZodObject).partial().optional()])) as {
      [K in SuiteName]: z.ZodOptional<ReturnType<SuiteSections[K]['partial']>>;
    },
  )
  .prefault({});

export const configSchema = z.strictObject({
  testbed: z
    .strictObject({
      name: z.string().min(1).default('local'),
      outDir: z.string().min(1).default('reports/out'),
      cacheDir: z.string().min(1).default('.isobench/cache'),
    })
    .prefault({}),
  runners: runnersSchema.prefault({}),
  workloads: z.array(z.enum(WORKLOAD_NAMES)).nonempty().default([...WORKLOAD_NAMES]),
  /** Suites `npm run bench` runs when no `--suite` is given. */
  suites: z
    .array(z.enum(SUITE_NAMES))
    .nonempty()
    .default(() => SUITES.filter((d) => d.byDefault).map((d) => d.name) as [SuiteName, ...SuiteName[]]),
  suite: suitesSchema.prefault({}),
  quick: quickSchema,
  gates: gatesSchema.prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

/** Typed identity: gives `bench.config.ts` completion and checking. Validation happens when the file is loaded. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One line per problem, each naming the key path and what is allowed. */
export function formatIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length ? `${path}.` : '';
        return `${source}: unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')}; allowed here: ${allowedKeys(issue.path)}`;
      }
      return `${source}: ${path}: ${issue.message}`;
    })
    .join('\n');
}

function allowedKeys(path: PropertyKey[]): string {
  let schema: z.ZodType = configSchema;
  for (const key of path) {
    const shape = objectShape(schema);
    const next = shape?.[String(key)];
    if (!next) return '?';
    schema = next;
  }
  const shape = objectShape(schema);
  return shape ? Object.keys(shape).join(', ') : '?';
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType = schema;
  // Unwrap defaults/optionals/prefaults down to the object itself.
  for (let i = 0; i < 5; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    const inner = (s as unknown as { unwrap?: () => z.ZodType }).unwrap?.();
    const def = (s as unknown as { def: { innerType?: z.ZodType } }).def;
    s = inner ?? def.innerType ?? s;
  }
  return undefined;
}

/** Validates a raw config object; throws ConfigError with one line per problem. */
export function parseConfig(raw: unknown, source = 'bench.config.ts'): Config {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, source));
  return { ...parsed.data, quick: writtenQuick(parsed.data.quick, (raw as { quick?: Record<string, object> } | undefined)?.quick) };
}

/**
 * Of the parsed `quick` section, the keys the config wrote: parsing fills in every suite key's default, and those
 * would override the suite's own settings (and the quick profile's) under --quick.
 */
function writtenQuick(parsed: Config['quick'], written: Record<string, object> | undefined): Config['quick'] {
  const quick: Record<string, Record<string, unknown>> = {};
  for (const [suite, settings] of Object.entries(parsed)) {
    const keys = Object.keys(written?.[suite] ?? {});
    quick[suite] = Object.fromEntries(Object.entries(settings as Record<string, unknown>).filter(([key]) => keys.includes(key)));
  }
  return quick as Config['quick'];
}

/** What `--quick` changes when the config's own `quick` section does not say otherwise: each suite's own. */
export const QUICK_DEFAULTS = Object.fromEntries(SUITES.map((d) => [d.name, d.quick])) as { [D in (typeof SUITES)[number] as D['name']]: D['quick'] };

/** The config with the quick profile's overrides applied to the suites. */
export function applyQuick(config: Config): Config {
  const suite = { ...config.suite };
  for (const name of SUITE_NAMES) {
    (suite as Record<string, unknown>)[name] = { ...suite[name], ...QUICK_DEFAULTS[name], ...config.quick[name] };
  }
  return { ...config, suite };
}
