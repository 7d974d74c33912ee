import type { RunnerName } from '../runners/index.ts';
import { runnerDescriptor } from '../runners/index.ts';
import { suiteDescriptor } from '../suites/index.ts';
import { PHASES } from '../suites/metrics.ts';
import type { Cell, Label, Stats, Trial } from '../suites/results.ts';
import { median, summarize } from '../stats/descriptive.ts';

/** A metric of one cell, its statistics recomputed from the raw samples (the samples are the truth). */
export interface MetricView {
  name: string;
  unit: string;
  direction: 'lower' | 'higher';
  samples: number[];
  stats: Stats | null;
  flags: string[];
  /** The samples are lower bounds (the load generator was the bottleneck): shown as "≥ value". */
  lowerBound: boolean;
}

/** Median time of one phase, in ms after `requested`, over the successful measured trials that reached it. */
export interface PhaseMedian {
  phase: string;
  medianMs: number;
  n: number;
}

/** One numeric field of a list of records (density steps, ...) against the count of instances. */
export interface Curve {
  field: string;
  /** Where the records were found: `extra.instances`, `trial 2 detail.steps`, ... */
  from: string;
  points: { x: number; y: number }[];
}

/** One cell (a runner on a workload, from one source) as a report shows it. */
export interface Lane {
  /** The name in legends and tables: the runner, plus the source's label when a report merges several. */
  name: string;
  runner: RunnerName;
  /** Index into ReportModel.sources. */
  source: number;
  status: Cell['status'];
  reason?: string;
  /** "kvm · pc · 1 vCPU · 128 MiB": how it was measured, next to every number it produced. */
  label: string;
  accelerator: Label['accelerator']['kind'];
  trials: { measured: number; ok: number; warmups: number };
  /** Distinct reasons of failed trials. */
  failures: string[];
  metrics: MetricView[];
  phases: PhaseMedian[];
  curves: Curve[];
  /** The cell's `extra` (stop reason, bisection steps, ...) as text, nested keys dotted; curves left out. */
  details: [string, string][];
}

/** Phases in the order they happen; unknown phases follow, by their median time. */
export const PHASE_ORDER = ['requested', ...PHASES.map((m) => m.phase.name)];

export function describeLabel(label: Label, runner: RunnerName): string {
  return [
    (label.accelerator.kind === 'none' && runnerDescriptor(runner).unaccelerated) || label.accelerator.kind,
    label.machine,
    label.vcpus !== undefined ? `${label.vcpus} vCPU` : undefined,
    label.guestMemoryMiB !== undefined ? `${label.guestMemoryMiB} MiB` : undefined,
    label.standIn ? `stand-in: ${label.standIn}` : undefined,
    label.rootfsHash ? `rootfs ${label.rootfsHash.slice(0, 12)}` : undefined,
    ...label.notes,
  ]
    .filter(Boolean)
    .join(' · ');
}

function measured(trials: readonly Trial[]): Trial[] {
  return trials.filter((t) => t.ok && !t.warmup);
}

export function phaseMedians(trials: readonly Trial[]): PhaseMedian[] {
  const byPhase = new Map<string, number[]>();
  for (const trial of measured(trials)) {
    for (const [phase, at] of Object.entries(trial.phases)) {
      if (phase === 'requested' || !Number.isFinite(at)) continue;
      byPhase.set(phase, [...(byPhase.get(phase) ?? []), at]);
    }
  }
  const medians = [...byPhase].map(([phase, times]) => ({
    phase,
    medianMs: median(times),
    n: times.length,
  }));
  return medians.sort((a, b) => phaseRank(a.phase) - phaseRank(b.phase) || a.medianMs - b.medianMs);
}

/** Position of a phase in PHASE_ORDER; unknown phases after the known ones. */
export function phaseRank(phase: string): number {
  const i = PHASE_ORDER.indexOf(phase);
  return i >= 0 ? i : PHASE_ORDER.length;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Fields that count instances, in order of preference, for the x axis of a curve. */
const COUNT_FIELDS = ['count', 'instances', 'instance', 'n', 'index'];

/**
 * Numeric series of a list of records, against the instance count: the shape density steps are recorded in,
 * read generically so that new fields show up without changes here. A record without a value for a field (a start
 * that failed) leaves a gap rather than a zero.
 */
function curvesOf(list: unknown, from: string): Curve[] {
  if (!Array.isArray(list) || list.length < 2 || !list.every(isRecord)) return [];
  const keys = [...new Set(list.flatMap((r) => Object.keys(r)))];
  const xField = COUNT_FIELDS.find((f) => list.every((r) => isNumber(r[f])));
  // An `index` counts from 0; a count of instances from 1.
  const x = (r: Record<string, unknown>, i: number) => {
    const count = xField === undefined ? undefined : r[xField];
    return isNumber(count) ? count + (xField === 'index' ? 1 : 0) : i + 1;
  };
  return keys
    .filter((f) => f !== xField && list.some((r) => isNumber(r[f])))
    .map((field) => ({
      field,
      from,
      points: list.flatMap((r, i) => (isNumber(r[field]) ? [{ x: x(r, i), y: r[field] }] : [])),
    }));
}

/** The curves of a cell: from its `extra` where the suite summed them up there, else from each trial's detail. */
export function cellCurves(cell: Cell): Curve[] {
  const fromExtra = Object.entries(cell.extra ?? {}).flatMap(([key, value]) => curvesOf(value, `extra.${key}`));
  if (fromExtra.length) return fromExtra;
  const trials = measured(cell.trials);
  return trials.flatMap((trial) =>
    Object.entries(trial.detail ?? {}).flatMap(([key, value]) =>
      curvesOf(value, trials.length > 1 ? `trial ${trial.index + 1} detail.${key}` : `detail.${key}`),
    ),
  );
}

const DETAIL_TEXT_MAX = 240;

/** `extra` as dotted keys and short texts; what is drawn as a curve is left to the chart. */
export function cellDetails(extra: Record<string, unknown> | undefined, skip: ReadonlySet<string>, prefix = ''): [string, string][] {
  return Object.entries(extra ?? {}).flatMap(([key, value]): [string, string][] => {
    const path = `${prefix}${key}`;
    if (skip.has(`extra.${path}`) || value === undefined) return [];
    if (isRecord(value)) return cellDetails(value, skip, `${path}.`);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return [[path, text.length > DETAIL_TEXT_MAX ? `${text.slice(0, DETAIL_TEXT_MAX - 1)}…` : text]];
  });
}

export function buildLane(cell: Cell, source: number, name: string): Lane {
  const measuredTrials = cell.trials.filter((t) => !t.warmup);
  // Only suites that chart curves record lists of per-instance records.
  const curves = suiteDescriptor(cell.suite).charts.some((c) => c.kind === 'curves') ? cellCurves(cell) : [];
  return {
    name,
    runner: cell.runner,
    source,
    status: cell.status,
    ...(cell.reason ? { reason: cell.reason } : {}),
    label: describeLabel(cell.label, cell.runner),
    accelerator: cell.label.accelerator.kind,
    trials: {
      measured: measuredTrials.length,
      ok: measuredTrials.filter((t) => t.ok).length,
      warmups: cell.trials.length - measuredTrials.length,
    },
    failures: [...new Set(cell.trials.filter((t) => !t.ok).map((t) => t.error?.reason ?? 'no reason recorded'))],
    metrics: cell.metrics.map((m) => ({
      name: m.name,
      unit: m.unit,
      direction: m.direction,
      samples: m.samples,
      stats: summarize(m.samples),
      flags: m.flags,
      lowerBound: m.lowerBound ?? false,
    })),
    phases: phaseMedians(cell.trials),
    curves,
    details: cellDetails(cell.extra, new Set(curves.map((c) => c.from))),
  };
}
