import { describe, expect, it } from 'vitest';
import { mergeRuns } from '../reports/merge.ts';
import { RESULTS_SCHEMA_VERSION, resultsSchema, type Cell, type Results } from '../suites/results.ts';
import { summarize } from '../stats/descriptive.ts';

const label = { accelerator: { kind: 'none' as const, reason: 'containers run on the host kernel' }, notes: [] };

/** A run of one cell: measured with `samples`, or not run for `samples` (its reason). */
function run(runId: string, samples: number[] | string): Results {
  const identity = { suite: 'cold-start', workload: 'http-hello', runner: 'container' } as const;
  const cell: Cell =
    typeof samples === 'string'
      ? { ...identity, status: 'not-run', reason: samples, label, trials: [], metrics: [] }
      : {
          ...identity,
          status: 'ok',
          label,
          trials: samples.map((v, index) => ({ index, warmup: false, ok: true, startedAt: '2026-01-01T00:00:00Z', phases: { ready: v }, values: { ready_ms: v } })),
          metrics: [{ name: 'ready_ms', unit: 'ms', direction: 'lower', samples, stats: summarize(samples), flags: [] }],
        };
  return resultsSchema.parse({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    partial: false,
    quick: true,
    environment: {
      hostname: 'h', os: 'Debian', kernel: '6.1', cpuModel: 'cpu', cores: 2, memoryBytes: 1, memAvailableBytes: 1, node: 'v20',
      engines: {}, accelerator: { kind: 'none', reason: 'x' }, harness: { version: '0', commit: 'c', dirty: false },
    },
    config: {},
    cells: [cell],
  });
}

describe('mergeRuns', () => {
  it('pools the trials of several runs, each trial one sample, and recomputes the statistics from them', () => {
    const merged = mergeRuns([run('a', [1, 2, 3]), run('b', [4, 5])]);
    expect(resultsSchema.parse(merged).cells).toHaveLength(1);
    const metric = merged.cells[0]!.metrics[0]!;
    expect(metric.samples).toEqual([1, 2, 3, 4, 5]);
    expect(metric.stats).toEqual(summarize([1, 2, 3, 4, 5]));
    expect(merged.cells[0]!.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    expect(merged.runId).toBe('a+b');
  });

  it('keeps a cell that did not run in some runs partial, with their reasons, and one that never ran not-run', () => {
    const merged = mergeRuns([run('a', 'docker is down'), run('b', [4, 5])]);
    const cell = resultsSchema.parse(merged).cells[0]!;
    expect(cell).toMatchObject({ status: 'partial', reason: 'docker is down' });
    expect(cell.metrics[0]!.samples).toEqual([4, 5]);
    const never = resultsSchema.parse(mergeRuns([run('a', 'docker is down'), run('b', 'no image')])).cells[0]!;
    expect(never).toMatchObject({ status: 'not-run', reason: 'docker is down; no image', trials: [], metrics: [] });
  });
});
