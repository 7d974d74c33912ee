import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../cli/config.ts';
import type { Results } from '../suites/results.ts';
import { compareResults, compareRounds, GateRefusedError, type GateReport } from '../reports/compare.ts';
import { renderGateMarkdown } from '../reports/gate-markdown.ts';
import { fixtureResults } from './fixtures-results/build.ts';

// The default gates: cold-start.ready_ms, memory.idle_pss_bytes, throughput.requests_per_s; α 0.01, 8 samples.
const gates = parseConfig({}).gates;
const only = (key: string, extra: Partial<Config['gates']> = {}): Config['gates'] => ({ ...gates, ...extra, metrics: { [key]: gates.metrics[key]! } });
const verdictsOf = (report: GateReport) => new Set(report.rows.map((r) => r.verdict));

/** `results` with the samples of one metric of the container/http-hello cell of `suite` replaced. */
function withSamples(results: Results, suite: string, metric: string, samples: number[]): Results {
  return {
    ...results,
    cells: results.cells.map((c) =>
      c.suite === suite && c.workload === 'http-hello' && c.runner === 'container' && c.status !== 'not-run'
        ? { ...c, metrics: c.metrics.map((m) => (m.name === metric ? { ...m, samples } : m)) }
        : c,
    ),
  };
}
const ten = (base: number, step = 1) => Array.from({ length: 10 }, (_, i) => base + i * step);

describe('compareResults', () => {
  it('A/A: two runs of the same distribution regress nothing; only the failed cell keeps the gate from passing', () => {
    const report = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2 }), gates);
    // Cold start: http-hello 3 lanes, nginx 2, redis 1 (its VM failed, its unikernel did not run); memory 3; throughput 3.
    const judged = report.rows.filter((r) => r.test);
    expect(judged).toHaveLength(12);
    expect(report.comparisons).toBe(12);
    expect(judged.every((r) => r.verdict === 'unchanged' || r.verdict === 'not-detected')).toBe(true);
    const failed = report.rows.filter((r) => r.verdict === 'not-judged');
    expect(failed.map((r) => `${r.workload}/${r.runner}`)).toEqual(['redis/linux-vm']);
    expect(failed[0]!.reason).toMatch(/too few samples: at least 8 trials per side .*failed: 3 of 3 trials failed/);
    expect(report.verdict).toBe('inconclusive');
    const { 'cold-start.ready_ms': _, ...others } = gates.metrics;
    expect(compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2 }), { ...gates, metrics: others }).verdict).toBe('pass');
  });

  it('noise that shows nothing unchanged still passes: "no regression detected" is exit 0, not inconclusive', () => {
    const report = compareResults(fixtureResults({ seed: 1, noise: 0.3 }), fixtureResults({ seed: 2, noise: 0.3 }), only('memory.idle_pss_bytes'));
    expect(report.rows.some((r) => r.verdict === 'not-detected')).toBe(true);
    expect(verdictsOf(report).has('regressed')).toBe(false);
    expect(report.verdict).toBe('pass');
  });

  it('30% slower to ready: exactly the ready_ms rows regress, and the gate fails', () => {
    const current = fixtureResults({ seed: 2, scale: { 'cold-start.ready_ms': 1.3 } });
    const report = compareResults(fixtureResults({ seed: 1 }), current, gates);
    expect(report.verdict).toBe('fail');
    const regressed = report.rows.filter((r) => r.verdict === 'regressed');
    expect(regressed.map((r) => `${r.workload}/${r.runner}`).sort()).toEqual(
      ['http-hello/container', 'http-hello/linux-vm', 'http-hello/unikraft', 'nginx/container', 'nginx/linux-vm', 'redis/container'].sort(),
    );
    for (const r of regressed) {
      expect(r.key).toBe('cold-start.ready_ms');
      expect(r.change).toBeGreaterThan(0.1);
      expect(r.test!.pAdjusted).toBeLessThan(gates.alpha);
      expect(r.reason).toMatch(/beyond the ±10% threshold and significant/);
    }
  });

  describe('the regression rule: significant after Holm AND the estimate beyond the threshold', () => {
    const base = () => withSamples(fixtureResults({ seed: 1 }), 'cold-start', 'ready_ms', ten(98.875, 0.25)); // median 100
    // The rule's edges, without the allowance for run-to-run drift (tested on its own below).
    const gate = only('cold-start.ready_ms', { runToRun: 0 });
    const row = (current: number[]) =>
      compareResults(base(), withSamples(fixtureResults({ seed: 2 }), 'cold-start', 'ready_ms', current), gate).rows.find(
        (r) => r.workload === 'http-hello' && r.runner === 'container',
      )!;

    it('significant and beyond: regressed', () => {
      const r = row(ten(110.875, 0.25));
      expect(r.test!.pAdjusted).toBeLessThan(gates.alpha);
      expect(r.verdict).toBe('regressed');
    });

    it('significant but exactly at the threshold: not a regression (beyond means beyond)', () => {
      const r = row(ten(108.875, 0.25)); // median 110
      expect(r.current.median! / r.baseline.median!).toBe(1.1);
      expect(r.test!.pAdjusted).toBeLessThan(gates.alpha);
      expect(r.verdict).not.toBe('regressed');
    });

    it('significant and within the threshold: not a regression; the 90% interval within ±10% shows it unchanged', () => {
      const r = row(ten(103.875, 0.25));
      expect(r.test!.pAdjusted).toBeLessThan(gates.alpha);
      expect(r.verdict).toBe('unchanged');
      expect(r.interval!.level).toBe(0.9);
    });

    it('beyond the threshold but not significant: no change detected, with the MDE that says why', () => {
      const r = row([55, 75, 95, 105, 110, 115, 120, 125, 145, 165]);
      expect(r.change).toBeGreaterThan(0.1);
      expect(r.test!.pAdjusted).toBeGreaterThanOrEqual(gates.alpha);
      expect(r.verdict).toBe('not-detected');
      expect(r.mde).toBeGreaterThan(0.2);
      expect(r.reason).toMatch(/not significant .*detects \+\d+\.\d% with 90% power/);
    });

    it('a level shift within the run-to-run spread is not a regression; one far beyond it is', () => {
      const shifted = (factor: number, runToRun: number) =>
        compareResults(base(), withSamples(fixtureResults({ seed: 2 }), 'cold-start', 'ready_ms', ten(98.875 * factor, 0.25 * factor)), only('cold-start.ready_ms', { runToRun })).rows.find(
          (r) => r.workload === 'http-hello' && r.runner === 'container',
        )!;
      // +15% with almost no noise: the rank test alone is as significant as 10 against 10 can be.
      expect(shifted(1.15, 0).verdict).toBe('regressed');
      const drifting = shifted(1.15, 0.05);
      expect(drifting.verdict).toBe('not-detected');
      expect(drifting.test!.pAdjusted).toBeGreaterThanOrEqual(gates.alpha);
      expect(drifting.mde!).toBeGreaterThan(shifted(1.15, 0).mde!);
      expect(shifted(1.6, 0.05).verdict).toBe('regressed');
    });

    it('higher-is-better metrics regress when they fall, and improve when they rise', () => {
      const slower = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2, scale: { 'throughput.requests_per_s': 0.7 } }), gates);
      expect(slower.rows.filter((r) => r.verdict === 'regressed').map((r) => r.key)).toEqual(Array(3).fill('throughput.requests_per_s'));
      const faster = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2, scale: { 'throughput.requests_per_s': 1.3 } }), gates);
      expect(faster.rows.filter((r) => r.verdict === 'improved').map((r) => r.key)).toEqual(Array(3).fill('throughput.requests_per_s'));
      expect(faster.verdict).toBe('inconclusive'); // the failed redis VM leaves one row unjudged
    });
  });

  it('does not judge a client-bound throughput row: a 30% drop of a lower bound may be the load generator', () => {
    const clientBound = (results: Results): Results => ({
      ...results,
      cells: results.cells.map((c) =>
        c.status === 'not-run' ? c : { ...c, metrics: c.metrics.map((m) => (m.name === 'requests_per_s' ? { ...m, lowerBound: true } : m)) },
      ),
    });
    const report = compareResults(
      fixtureResults({ seed: 1 }),
      clientBound(fixtureResults({ seed: 2, scale: { 'throughput.requests_per_s': 0.7 } })),
      only('throughput.requests_per_s'),
    );
    expect(report.rows.every((r) => r.verdict === 'not-judged')).toBe(true);
    expect(report.rows[0]!.reason).toMatch(/^client-bound: the current figure is a lower bound/);
    expect(report.verdict).toBe('inconclusive');
  });

  it('states the MDE of each judged row, larger for noisier samples', () => {
    const mdeOf = (noise: number) =>
      compareResults(fixtureResults({ seed: 1, noise }), fixtureResults({ seed: 2, noise }), only('memory.idle_pss_bytes')).rows[0]!.mde!;
    expect(mdeOf(0.03)).toBeGreaterThan(0.1);
    expect(mdeOf(0.1)).toBeGreaterThan(mdeOf(0.03));
  });

  it('with fewer than minSamples trials it is not judged (exit 4), even for a 30% slowdown', () => {
    const report = compareResults(fixtureResults({ seed: 1, trials: 3 }), fixtureResults({ seed: 2, trials: 3, scale: { 'cold-start.ready_ms': 1.3 } }), gates);
    expect(verdictsOf(report)).toEqual(new Set(['not-judged']));
    expect(report.verdict).toBe('inconclusive');
    expect(report.rows[0]!.reason).toMatch(/at least 8 trials per side are needed \(baseline: 3 trials; current: 3 trials\)/);
    expect(report.comparisons).toBe(0);
  });

  it('is not judged where the current run did not measure what the baseline did', () => {
    const current = fixtureResults({ seed: 2 });
    current.cells = current.cells.filter((c) => !(c.suite === 'memory' && c.runner === 'unikraft'));
    const row = compareResults(fixtureResults({ seed: 1 }), current, gates).rows.find((r) => r.key === 'memory.idle_pss_bytes' && r.runner === 'unikraft')!;
    expect(row.verdict).toBe('not-judged');
    expect(row.reason).toContain('current: not measured');
  });

  it('does not judge samples that could never be significant, and says so', () => {
    const few = only('cold-start.ready_ms', { minSamples: 4 });
    const report = compareResults(fixtureResults({ seed: 1, trials: 4 }), fixtureResults({ seed: 2, trials: 4, scale: { 'cold-start.ready_ms': 1.3 } }), few);
    const row = report.rows.find((r) => r.test)!;
    expect(row.verdict).toBe('not-judged');
    expect(row.reason).toMatch(/can never be significant: the smallest attainable p is 0\.014/);
    expect(report.verdict).toBe('inconclusive');
  });

  it('refuses runs with different accelerators', () => {
    expect(() => compareResults(fixtureResults({ accelerator: 'kvm' }), fixtureResults({ accelerator: 'tcg' }), gates)).toThrow(GateRefusedError);
    expect(() => compareResults(fixtureResults({ accelerator: 'kvm' }), fixtureResults({ accelerator: 'tcg' }), gates)).toThrow(
      /baseline ran VMs under KVM .* current run under TCG/,
    );
  });

  it('refuses runs from different hosts, naming what differs; a new host name alone is fine', () => {
    expect(() => compareResults(fixtureResults({ cpuModel: 'CPU A' }), fixtureResults({ cpuModel: 'CPU B' }), gates)).toThrow(
      /different hosts \(CPU model: baseline "CPU A", current "CPU B"\)/,
    );
    const report = compareResults(fixtureResults({ hostname: 'runner-1' }), fixtureResults({ hostname: 'runner-2', seed: 2 }), gates);
    expect(report.environment.differing).toEqual(['host name: baseline "runner-1", current "runner-2"']);
  });

  it('is the same report every time for the same files', () => {
    const a = fixtureResults({ seed: 1 });
    const b = fixtureResults({ seed: 2, scale: { 'cold-start.ready_ms': 1.3 } });
    expect(compareResults(a, b, gates)).toEqual(compareResults(a, b, gates));
  });
});

describe('compareRounds (isobench ab)', () => {
  const gate = only('memory.idle_pss_bytes');
  /** Round i of a side: every sample at the round's own level, as when the host's load moves between runs. */
  const rounds = (count: number, factor: number, seed: number) =>
    Array.from({ length: count }, (_, i) => {
      const level = [0.6, 1.8, 1, 1.4][i % 4]!;
      return fixtureResults({ seed: seed + i, trials: 3, scale: { 'memory.idle_pss_bytes': level * factor } });
    });

  it('one log-ratio per round: level shifts shared within a round do not read as a change', () => {
    const report = compareRounds(rounds(12, 1, 100), rounds(12, 1, 200), gate);
    expect(report.design).toBe('rounds');
    expect(report.rows.every((r) => r.rounds === 12 && r.test!.method === 'signed-rank')).toBe(true);
    expect(verdictsOf(report).has('regressed')).toBe(false);
    expect(report.verdict).toBe('pass');
  });

  it('a 30% regression in every round is caught by round, each row n = all trials, rounds = 12', () => {
    const report = compareRounds(rounds(12, 1, 100), rounds(12, 1.3, 200), gate);
    expect(report.rows.map((r) => r.verdict)).toEqual(['regressed', 'regressed', 'regressed']);
    expect(report.rows[0]!.current.n).toBe(36);
    expect(report.rule).toMatch(/Each round is one sample/);
  });

  it('too few rounds are not judged', () => {
    const report = compareRounds(rounds(4, 1, 100), rounds(4, 1.3, 200), gate);
    expect(verdictsOf(report)).toEqual(new Set(['not-judged']));
    expect(report.rows[0]!.reason).toMatch(/at least 8 rounds with samples on both sides/);
  });

  it('names a stored-file side drift-exposed', () => {
    const report = compareRounds([fixtureResults({ seed: 1 })], rounds(12, 1, 200), gate);
    expect(report.baseline.driftExposed).toBe(true);
    expect(report.current.driftExposed).toBe(false);
    expect(report.notes.join('\n')).toMatch(/baseline is a stored results file, measured once: drift-exposed/);
    expect(renderGateMarkdown(report)).toContain('stored file: drift-exposed');
  });
});

describe('renderGateMarkdown', () => {
  const report = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2, scale: { 'cold-start.ready_ms': 1.3 } }), gates);
  const md = renderGateMarkdown(report);

  it('heads with the verdict and tabulates every gated metric with its MDE', () => {
    expect(md.startsWith('## isobench gate: FAIL')).toBe(true);
    expect(md).toContain('| metric | workload | runner | gate | baseline median | current median | change | interval of the change | one-sided p / Holm p (towards) | MDE (90% power) | verdict | why |');
    const tableRows = md.split('\n').filter((l) => /^\| (cold-start|memory|throughput)\./.test(l));
    expect(tableRows).toHaveLength(report.rows.length);
    expect(tableRows[0]).toMatch(/^\| cold-start\.ready_ms \| .* \| \+\d+\.\d% \| \+\d+\.\d% … \+\d+\.\d% @90% \| .* \| \+\d+\.\d% \(spread \d+\.\d%\) \| REGRESSED \|/);
  });

  it('counts shown-unchanged rows apart from those where no change was detected, and states the rule', () => {
    expect(md).toMatch(/: 6 regressed, 1 not judged, 0 improved, \d+ shown unchanged, \d+ no change detected\./);
    expect(md).toContain("Holm's correction over the 12 comparisons at family-wise α = 0.01");
    expect(md).toContain('a change of exactly the threshold is caught about half the time');
  });

  it('says PASS: no regression detected when nothing regressed and every row was judged', () => {
    const { 'cold-start.ready_ms': _, ...others } = gates.metrics;
    const pass = renderGateMarkdown(compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2 }), { ...gates, metrics: others }));
    expect(pass.startsWith('## isobench gate: PASS: no regression detected')).toBe(true);
  });
});
