import type { z } from 'zod';
import type { CellOf, Metric, NO_EXTRA, Trial } from '../core/cell-schema.ts';
import type { Label } from '../core/label.ts';
import type { MetricSpec } from '../core/metric-def.ts';
import { READINESS_NOTE } from '../fixtures/probes.ts';
import type { RunnerName } from '../runners/index.ts';
import { summarize } from '../stats/descriptive.ts';
import type { SuiteContext } from './types.ts';

/** A metric from the values its trials recorded: one sample per successful, non-warm-up trial. */
export function metricFromTrials(spec: MetricSpec, trials: readonly Trial[], flags: string[] = []): Metric {
  const samples = trials
    .filter((t) => t.ok && !t.warmup && Number.isFinite(t.values[spec.name]))
    .map((t) => t.values[spec.name]!);
  return { ...spec, samples, stats: summarize(samples), flags };
}

/** Status of a cell from its measured trials: all failed → failed, some → partial. */
export function cellStatus(trials: readonly Trial[], aborted: boolean): 'ok' | 'failed' | 'partial' {
  const measured = trials.filter((t) => !t.warmup);
  const ok = measured.filter((t) => t.ok).length;
  if (aborted) return 'partial';
  if (measured.length > 0 && ok === 0) return 'failed';
  return ok < measured.length ? 'partial' : 'ok';
}

/**
 * The reason shown for a failed or partial cell: the first failed trial's reason, and how many others differ. One
 * reason, not all: trials that fail alike still differ in addresses and times, and every reason stays in its trial.
 */
export function failureSummary(trials: readonly Trial[]): string | undefined {
  const reasons = [...new Set(trials.filter((t) => !t.ok).map((t) => t.error?.reason ?? 'unknown'))];
  if (!reasons.length) return undefined;
  const failed = trials.filter((t) => !t.ok).length;
  const others = reasons.length - 1;
  const more = others ? ` (and ${others} other reason${others === 1 ? '' : 's'}: see the trials)` : '';
  return `${failed} of ${trials.length} trials failed: ${reasons[0]}${more}`;
}

/** The label of a cell as its runner describes it, with how readiness is probed and the suite's own notes added. */
export function cellLabel(ctx: SuiteContext, memoryMiB?: number, notes: string[] = []): Label {
  const label = ctx.runner.label(ctx.workload, memoryMiB === undefined ? undefined : { memoryMiB });
  return { ...label, notes: [...label.notes, READINESS_NOTE, ...notes] };
}

/** Assembles a cell; `reason` defaults to the failures' summary. */
export function buildCell<Suite extends string, Extra extends z.ZodType = typeof NO_EXTRA>(
  ctx: SuiteContext,
  parts: { label: Label; trials: Trial[]; metrics: Metric[]; aborted: boolean; reason?: string; extra?: z.output<Extra> },
  suite: Suite,
): CellOf<Suite, RunnerName, Extra> {
  const status = cellStatus(parts.trials, parts.aborted);
  const reason = parts.reason ?? (parts.aborted ? 'interrupted' : failureSummary(parts.trials));
  return {
    suite,
    workload: ctx.workload.name,
    runner: ctx.runner.name,
    status,
    ...(reason ? { reason } : {}),
    label: parts.label,
    trials: parts.trials,
    metrics: parts.metrics,
    ...(parts.extra ? { extra: parts.extra } : {}),
  };
}

/** A failed trial as results record it: its error, and what it recorded before failing (never a sample). */
export function failedTrial(
  index: number,
  startedAt: string,
  error: NonNullable<Trial['error']>,
  recorded: { warmup?: boolean; phases?: Trial['phases']; values?: Trial['values']; detail?: Trial['detail'] } = {},
): Trial {
  return {
    index,
    warmup: recorded.warmup ?? false,
    ok: false,
    startedAt,
    phases: recorded.phases ?? {},
    values: recorded.values ?? {},
    error,
    ...(recorded.detail && { detail: recorded.detail }),
  };
}

/** The error of a failed trial as recorded in results. */
export function trialError(error: unknown): NonNullable<Trial['error']> {
  const e = error as { message?: string; consoleTail?: string };
  return { reason: e?.message ?? String(error), ...(e?.consoleTail ? { consoleTail: e.consoleTail } : {}) };
}
