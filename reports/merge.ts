import type { Cell, Results } from '../suites/results.ts';
import { summarize } from '../stats/descriptive.ts';

const cellKey = (c: Cell) => `${c.suite}\0${c.workload}\0${c.runner}\0${c.variant ?? ''}`;

/**
 * One cell from the same cell of several runs: trials appended in run order, every metric recomputed from them. Runs
 * where it did not run add their reason; a cell that ran in some runs only is partial.
 */
function mergeCells(cells: Cell[]): Cell {
  const reasons = [...new Set(cells.map((c) => c.reason).filter(Boolean))];
  const reason = reasons.length ? { reason: reasons.join('; ') } : {};
  const ran = cells.filter((c) => c.status !== 'not-run');
  const first = ran[0];
  if (!first) return { ...cells[0]!, ...reason };
  const trials = ran.flatMap((c) => c.trials).map((t, index) => ({ ...t, index }));
  const names = [...new Set(ran.flatMap((c) => c.metrics.map((m) => m.name)))];
  const metrics = names.map((name) => {
    const parts = ran.flatMap((c) => c.metrics.filter((m) => m.name === name));
    const samples = parts.flatMap((m) => m.samples);
    return { ...parts[0]!, samples, stats: summarize(samples), flags: [...new Set(parts.flatMap((m) => m.flags))] };
  });
  const statuses = new Set(ran.map((c) => c.status));
  const status = statuses.size === 1 && ran.length === cells.length ? first.status : statuses.has('ok') ? 'partial' : first.status;
  return { ...first, status, ...reason, trials, metrics };
}

/**
 * Several runs of the same build (e.g. the interleaved rounds of an A/B comparison) as one: each trial stays one
 * sample. The environment and config are the first run's; the span covers all of them.
 */
export function mergeRuns(runs: readonly Results[]): Results {
  const first = runs[0];
  if (!first) throw new Error('mergeRuns: no runs');
  const groups = new Map<string, Cell[]>();
  for (const cell of runs.flatMap((r) => r.cells)) {
    const key = cellKey(cell);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return {
    ...first,
    runId: runs.map((r) => r.runId).join('+'),
    finishedAt: runs[runs.length - 1]!.finishedAt,
    partial: runs.some((r) => r.partial),
    cells: [...groups.values()].map(mergeCells),
  };
}
