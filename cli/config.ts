import { z } from 'zod';
import { WORKLOAD_NAMES } from '../core/config-values.ts';
import { runnerSections } from '../runners/index.ts';
import { SUITE_NAMES, SUITES, type SuiteName, type SuiteSections } from '../suites/index.ts';
import { gatesSchema } from '../reports/gate-config.ts';

export { RUNNER_NAMES, type RunnerName } from '../runners/index.ts';
export { SUITE_NAMES, type SuiteName } from '../suites/index.ts';
export { WORKLOAD_NAMES, type WorkloadName } from '../core/config-values.ts';

const runnersSchema = z.strictObject(runnerSections);

/** Each suite's section, with its defaults also when the config leaves it out. */
const suitesSchema = z.strictObject(
  Object.fromEntries(SUITES.map((d) => [d.name, (d.config as z.ZodObject).prefault({})])) as { [K in SuiteName]: z.ZodPrefault<SuiteSections[K]> },
);

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
