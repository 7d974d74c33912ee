// Apart from suites/metrics.ts: runners and suites declare their metrics, and metrics.ts lists them from their
// registries.

export type Direction = 'lower' | 'higher';

/** The phase of a start a cold-start metric times, and how its chart segment is drawn. */
export interface PhaseDef {
  /** As in `Trial.phases` and a runner's `Instance.phases`. */
  name: string;
  /** The segment from the previous phase to this one in the phase breakdown. */
  segment: string;
  colour: string;
}

/**
 * A metric as every part of isobench knows it: what a suite records, what reports name and order, what the summary
 * leads with, what the gate checks by default. Declared here once; nothing else spells out a unit or a direction.
 */
export interface MetricDef {
  name: string;
  unit: string;
  direction: Direction;
  /** What charts, legends and the README call it. */
  label: string;
  /** How a factor between two runners reads ("faster to ready"); otherwise "lower <name>" or "higher <name>". */
  comparative?: string;
  /** The summary line of a cell leads with the first headline metric it measured, with its interval. */
  headline?: true;
  /** The summary line shows this metric's median after the headline, in this table's order. */
  inSummary?: true;
  /** In the default regression gate (`gates.metrics`), with this relative threshold. */
  gateThreshold?: number;
  /** Cold start only: the metric is the time of this phase, in ms after the start was requested. */
  phase?: PhaseDef;
}

/** What a result's metric records of its definition, in the results file's key order. */
export interface MetricSpec {
  name: string;
  unit: string;
  direction: Direction;
}

/**
 * The definition of metric `name` among a suite's `metrics`, as its results record it; an unregistered name is a
 * bug, found as soon as the suite loads.
 */
export function specOf(suite: string, metrics: readonly MetricDef[], name: string): MetricSpec {
  const def = metrics.find((m) => m.name === name);
  if (!def) throw new Error(`metric ${suite}.${name} is not among the metrics of suites/${suite}/: add it there`);
  return { name: def.name, unit: def.unit, direction: def.direction };
}
