import { SUITES } from './index.ts';
import { specOf, type Direction, type MetricDef, type MetricSpec, type PhaseDef } from '../core/metric-def.ts';

export type { Direction, MetricDef, MetricSpec, PhaseDef } from '../core/metric-def.ts';

/**
 * Every metric of every suite, in the order reports list them: each suite declares its own (suites/<name>/), and
 * summary, charts and ratios look them up here by suite.
 */
export const METRICS = Object.fromEntries(SUITES.map((d) => [d.name, d.metrics])) as {
  [D in (typeof SUITES)[number] as D['name']]: readonly MetricDef[];
};

/** A suite of the registry. */
export type MetricSuite = keyof typeof METRICS;

function find(suite: MetricSuite, name: string): MetricDef | undefined {
  return METRICS[suite].find((m) => m.name === name);
}

/** The definition of a metric a suite records; an unregistered name is a bug, found as soon as the suite loads. */
export const metricSpec = (suite: MetricSuite, name: string): MetricSpec => specOf(suite, METRICS[suite], name);

/** A metric's definition, or undefined for one this isobench does not know (a results file from another version). */
export const metricDef = (suite: MetricSuite, name: string): MetricDef | undefined => find(suite, name);

/** What charts and legends call a metric; an unknown one by its name. */
export const metricLabel = (suite: MetricSuite, name: string): string => find(suite, name)?.label ?? name.replace(/_/g, ' ');

export const headlineMetrics = (suite: MetricSuite): string[] => METRICS[suite].filter((m) => m.headline).map((m) => m.name);

export const summaryMetrics = (suite: MetricSuite): string[] => METRICS[suite].filter((m) => m.inSummary).map((m) => m.name);

/** `suite.metric`, as `gates.metrics` names a metric. */
export const metricKey = (suite: MetricSuite, name: string): string => `${suite}.${name}`;

const ALL: ReadonlyArray<readonly [MetricSuite, MetricDef]> = (Object.keys(METRICS) as MetricSuite[]).flatMap((suite) =>
  METRICS[suite].map((def) => [suite, def] as const),
);

/** The definition behind a `suite.metric` key, or undefined. */
export function metricByKey(key: string): MetricDef | undefined {
  return ALL.find(([suite, def]) => metricKey(suite, def.name) === key)?.[1];
}

export const METRIC_KEYS: readonly string[] = ALL.map(([suite, def]) => metricKey(suite, def.name));

/** The regression gate's default metrics and thresholds. */
export function defaultGateMetrics(): Record<string, { direction: Direction; threshold: number }> {
  return Object.fromEntries(
    ALL.filter(([, def]) => def.gateThreshold !== undefined).map(([suite, def]) => [
      metricKey(suite, def.name),
      { direction: def.direction, threshold: def.gateThreshold! },
    ]),
  );
}

/** The phases cold-start metrics time, in the order a start goes through them. */
export const PHASES: readonly (MetricDef & { phase: PhaseDef })[] = ALL.map(([, def]) => def).filter(
  (m): m is MetricDef & { phase: PhaseDef } => m.phase !== undefined,
);

/** The README's list of metrics (between its `metrics` markers); a test keeps the two equal. */
export function metricsMarkdown(): string {
  const rows = ALL.map(([suite, def]) => {
    const role = [def.headline && 'leads the summary', def.gateThreshold !== undefined && `gated by default at ${def.gateThreshold * 100}%`];
    return `| ${suite} | \`${def.name}\` | ${def.unit} | ${def.direction} | ${def.label} | ${role.filter(Boolean).join('; ')} |`;
  });
  return ['| suite | metric | unit | better | what | role |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
