import { describe, expect, it } from 'vitest';
import { parseConfig } from '../cli/config.ts';
import type { Cell, Results } from '../suites/results.ts';
import { summarize } from '../stats/descriptive.ts';
import { compareResults } from '../reports/compare.ts';
import { renderCsv } from '../reports/csv.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { buildReportModel } from '../reports/model.ts';
import { fixtureResults } from './fixtures-results/build.ts';

// Wake cells as the suite writes them (one per strategy, `variant`), with made-up values: nothing here was measured.
function wakeCell(variant: string, wakeMs: number[], coldStartMs: number[]): Cell {
  const metric = (name: string, samples: number[]) => ({ name, unit: 'ms', direction: 'lower' as const, samples, stats: summarize(samples), flags: [] });
  return {
    suite: 'wake',
    workload: 'redis',
    runner: 'linux-vm',
    variant,
    status: 'ok',
    label: { accelerator: { kind: 'tcg', reason: 'test' }, notes: [] },
    trials: wakeMs.map((w, index) => ({ index, warmup: false, ok: true, startedAt: '', phases: {}, values: { wake_ms: w, cold_start_ms: coldStartMs[index]! } })),
    metrics: [metric('wake_ms', wakeMs), metric('cold_start_ms', coldStartMs)],
  };
}

const ten = (value: number) => Array.from({ length: 10 }, () => value);

function withWake(cells: Cell[], seed = 1): Results {
  const results = fixtureResults({ seed });
  return { ...results, cells: [...results.cells, ...cells] };
}

describe('wake in the reports', () => {
  const results = withWake([wakeCell('pause', ten(10), ten(5000)), wakeCell('restart', ten(6000), ten(5000))]);

  it('gives each strategy a lane of its own and its wake against its own cold start', () => {
    const view = buildReportModel([results]).suites.find((s) => s.suite === 'wake')!.workloads[0]!;
    expect(view.lanes.map((l) => l.name)).toEqual(['linux-vm · pause', 'linux-vm · restart']);
    expect(view.wakeRatios.map((r) => r.text)).toEqual([
      'linux-vm · pause: the wake is 500.0× faster than a cold start (95% CI 500.0×–500.0×)',
      'linux-vm · restart: the wake is 1.20× slower than a cold start (95% CI 1.20×–1.20×)',
    ]);
    expect(renderMarkdown([results])).toContain('- redis: linux-vm · pause: the wake is 500.0× faster than a cold start');
  });

  it('names the strategy in every CSV row of a wake cell', () => {
    const rows = renderCsv([results]).samples.split('\n').filter((line) => line.includes(',wake,'));
    expect(rows.length).toBe(40);
    expect(rows.filter((line) => line.includes(',linux-vm,pause,')).length).toBe(20);
  });

  it('gates wake.wake_ms by default, each strategy against the same strategy of the baseline', () => {
    const gates = parseConfig({}).gates;
    expect(gates.metrics['wake.wake_ms']).toEqual({ direction: 'lower', threshold: 0.1 });
    // The restart row is three times slower now; the pause row unchanged.
    const current = withWake([wakeCell('pause', ten(10), ten(5000)), wakeCell('restart', ten(18000), ten(5000))], 2);
    const rows = compareResults(results, current, { ...gates, metrics: { 'wake.wake_ms': gates.metrics['wake.wake_ms']! } }).rows;
    expect(rows.map((r) => [r.variant, r.verdict])).toEqual([
      ['pause', 'unchanged'],
      ['restart', 'regressed'],
    ]);
  });
});
