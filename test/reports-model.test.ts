import { describe, expect, it } from 'vitest';
import type { Results, Trial } from '../suites/results.ts';
import { phaseMedians } from '../reports/lanes.ts';
import { buildReportModel, type WorkloadView } from '../reports/model.ts';
import { fixtureResults } from './fixtures-results/build.ts';

const workload = (results: Results[], suite: string, name: string, options = {}): WorkloadView =>
  buildReportModel(results, options)
    .suites.find((s) => s.suite === suite)!
    .workloads.find((w) => w.workload === name)!;

describe('buildReportModel: ratios between runners', () => {
  it('gives the ratio of medians as a factor ≥ 1 for the better runner, with its interval', () => {
    // No noise: every sample is the fixture's base value, so the factor is exact and the interval a point.
    const w = workload([fixtureResults({ accelerator: 'kvm', noise: 0 })], 'cold-start', 'http-hello');
    const r = w.ratios.find((x) => x.metric === 'ready_ms' && x.better === 'unikraft' && x.worse === 'linux-vm')!;
    expect(r.factor).toBeCloseTo(420 / 62, 10);
    expect(r.interval!.low).toBeCloseTo(420 / 62, 10);
    expect(r.interval!.high).toBeCloseTo(420 / 62, 10);
    expect(r.clear).toBe(true);
    expect(r.text).toBe('unikraft is 6.77× faster to ready than linux-vm (95% CI 6.77×–6.77×)');
  });

  it('orients higher-is-better metrics the other way', () => {
    const w = workload([fixtureResults({ noise: 0 })], 'throughput', 'http-hello');
    const r = w.ratios.find((x) => x.metric === 'requests_per_s' && x.worse === 'linux-vm' && x.better === 'container')!;
    expect(r.factor).toBeCloseTo(21_500 / 9_800, 10);
    expect(r.text).toMatch(/^container is 2\.19× more requests\/s than linux-vm/);
  });

  it('puts the ratio inside its interval, and is reproducible', () => {
    const results = [fixtureResults({ seed: 3 })];
    const a = workload(results, 'cold-start', 'http-hello').ratios;
    const b = workload(results, 'cold-start', 'http-hello').ratios;
    expect(a).toEqual(b);
    for (const r of a) {
      expect(r.interval!.low).toBeLessThanOrEqual(r.factor);
      expect(r.interval!.high).toBeGreaterThanOrEqual(r.factor);
    }
    const reseeded = workload(results, 'cold-start', 'http-hello', { seed: 99 }).ratios;
    expect(reseeded.map((r) => r.interval)).not.toEqual(a.map((r) => r.interval));
  });

  it('says when an interval includes 1×, and gives none below 3 samples', () => {
    const results = fixtureResults({ trials: 10 });
    const density = workload([results], 'density', 'http-hello');
    const count = density.ratios.find((r) => r.metric === 'density_count' && r.worse === 'linux-vm')!;
    expect(count.interval).toBeNull();
    expect(count.text).toContain('fewer than 3 samples, no interval');
    // Unikraft given the container's samples, jittered by ±2%: the difference is noise.
    const readyOf = (runner: string) =>
      results.cells
        .find((c) => c.suite === 'cold-start' && c.workload === 'http-hello' && c.runner === runner)!
        .metrics.find((m) => m.name === 'ready_ms')!;
    readyOf('unikraft').samples = readyOf('container').samples.map((v, i) => v * (i % 2 ? 1.02 : 0.99));
    const r = workload([results], 'cold-start', 'http-hello').ratios.find(
      (x) => x.metric === 'ready_ms' && [x.better, x.worse].sort().join() === 'container,unikraft',
    )!;
    expect(r.clear).toBe(false);
    expect(r.text).toContain('not clearly different');
  });
});

describe('buildReportModel: lanes', () => {
  it('keeps not-run and failed cells as lanes with their reason', () => {
    const w = workload([fixtureResults()], 'cold-start', 'redis');
    const vm = w.lanes.find((l) => l.runner === 'linux-vm')!;
    const uk = w.lanes.find((l) => l.runner === 'unikraft')!;
    expect(uk.status).toBe('not-run');
    expect(uk.reason).toContain('runners.unikraft.images.redis');
    expect(vm.status).toBe('failed');
    expect(vm.trials).toEqual({ measured: 3, ok: 0, warmups: 0 });
    expect(vm.failures).toEqual(['TEST FIXTURE: probe did not succeed within 60000 ms']);
  });

  it('labels each lane with how it was measured', () => {
    const w = workload([fixtureResults({ accelerator: 'tcg' })], 'cold-start', 'http-hello');
    expect(w.lanes.map((l) => l.label.split(' · ')[0])).toEqual(['native', 'tcg', 'tcg']);
    expect(w.lanes[1]!.label).toContain('128 MiB');
  });

  it('recomputes statistics from the raw samples', () => {
    const results = fixtureResults();
    const cell = results.cells.find((c) => c.suite === 'cold-start' && c.runner === 'container')!;
    const metric = cell.metrics.find((m) => m.name === 'ready_ms')!;
    metric.samples = [1, 2, 3, 4, 100];
    metric.stats = null; // stale or missing stats must not matter
    const lane = workload([results], 'cold-start', 'http-hello').lanes[0]!;
    expect(lane.metrics.find((m) => m.name === 'ready_ms')!.stats).toMatchObject({ n: 5, median: 3, max: 100 });
  });

  it('reads density curves generically, with gaps for failed starts, and flattens extra into details', () => {
    const results = fixtureResults();
    const cell = results.cells.find((c) => c.suite === 'density' && c.runner === 'unikraft')!;
    if (cell.suite !== 'density') throw new Error('the fixture has a density cell on unikraft');
    const curve = cell.extra!.curve;
    curve[4]!.startMs = null;
    const lane = workload([results], 'density', 'http-hello').lanes.find((l) => l.runner === 'unikraft')!;
    const start = lane.curves.find((c) => c.field === 'startMs')!;
    expect(start.from).toBe('extra.curve');
    expect(start.points).toHaveLength(19);
    expect(start.points[4]).toEqual({ x: 6, y: curve[5]!.startMs });
    expect(lane.curves.map((c) => c.field).sort()).toEqual(['memAvailableDropBytes', 'pssBytes', 'startMs']);
    expect(lane.details).toContainEqual(['stopReasonText', 'reached the target count']);
    expect(lane.details.some(([key]) => key === 'curve')).toBe(false);
    const memory = workload([results], 'memory', 'http-hello').lanes[0]!;
    expect(memory.details[0]).toEqual(['minMemory.skipped', expect.stringContaining('not applicable to containers')]);
  });
});

describe('phaseMedians', () => {
  const trial = (phases: Record<string, number>, extra: Partial<Trial> = {}): Trial => ({
    index: 0,
    warmup: false,
    ok: true,
    startedAt: '2026-01-01T00:00:00Z',
    phases: { requested: 0, ...phases },
    values: {},
    ...extra,
  });

  it('takes the median of each phase over measured, successful trials, in the order phases happen', () => {
    const medians = phaseMedians([
      trial({ ready: 100, spawned: 10, custom: 50 }),
      trial({ ready: 300, spawned: 20 }),
      trial({ ready: 200, spawned: 30, custom: 70 }),
      trial({ ready: 9_000, spawned: 9_000 }, { warmup: true }),
      trial({ ready: 9_000, spawned: 9_000 }, { ok: false }),
    ]);
    expect(medians).toEqual([
      { phase: 'spawned', medianMs: 20, n: 3 },
      { phase: 'ready', medianMs: 200, n: 3 },
      { phase: 'custom', medianMs: 60, n: 2 },
    ]);
  });
});

describe('buildReportModel: sources', () => {
  it('labels each results file, names lanes after it, and compares runners within a source only', () => {
    const a = fixtureResults({ seed: 1, accelerator: 'tcg' });
    const b = fixtureResults({ seed: 2, accelerator: 'kvm', commit: 'fedcba9876543210fedcba9876543210fedcba98' });
    const model = buildReportModel([a, b]);
    expect(model.sources.map((s) => s.label)).toEqual(['fixture@0123456 (tcg)', 'fixture@fedcba9 (kvm)']);
    const w = model.suites[0]!.workloads[0]!;
    expect(w.lanes.map((l) => l.name)).toContain('unikraft · fixture@fedcba9 (kvm)');
    for (const r of w.ratios) expect(r.better.split(' · ')[1]).toBe(r.worse.split(' · ')[1]);
  });

  it('tells apart two runs of the same commit', () => {
    const model = buildReportModel([fixtureResults({ seed: 1 }), fixtureResults({ seed: 2 })]);
    expect(model.sources[0]!.label).not.toBe(model.sources[1]!.label);
  });

  it('warns that TCG times are emulated, and not under KVM', () => {
    const tcg = buildReportModel([fixtureResults({ accelerator: 'tcg' })]).notices;
    expect(tcg).toContainEqual({ level: 'warning', text: expect.stringMatching(/TCG.*absolute times are emulated/) });
    expect(buildReportModel([fixtureResults({ accelerator: 'kvm' })]).notices.filter((n) => n.level === 'warning')).toEqual([]);
  });

  it('warns about partial runs', () => {
    const partial = { ...fixtureResults(), partial: true, partialReason: 'interrupted (SIGINT)' };
    expect(buildReportModel([partial]).notices.map((n) => n.text).join()).toContain('partial results (interrupted (SIGINT))');
  });

  it('needs at least one results file', () => {
    expect(() => buildReportModel([])).toThrow(/at least one/);
  });
});
