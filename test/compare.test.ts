import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { compareResults, GateRefusedError, type GateReport } from '../reports/compare.ts';
import { renderGateMarkdown } from '../reports/gate-markdown.ts';
import { fixtureResults } from './fixtures-results/build.ts';

// The default gates: cold-start.ready_ms, memory.idle_pss_bytes, throughput.requests_per_s; α 0.01, 5 samples.
const gates = parseConfig({}).gates;
const verdictsOf = (report: GateReport) => new Set(report.rows.map((r) => r.verdict));

describe('compareResults', () => {
  it('A/A: two runs of the same distribution are unchanged, and the gate passes', () => {
    const report = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2 }), gates);
    // Cold start: http-hello 3 lanes, nginx 2, redis 1 (its VM failed, its unikernel did not run); memory 3; throughput 3.
    const judged = report.rows.filter((r) => r.test);
    expect(judged).toHaveLength(12);
    expect(new Set(judged.map((r) => r.verdict))).toEqual(new Set(['unchanged']));
    expect(report.comparisons).toBe(12);
    // The failed redis VM keeps the whole gate from passing; without that metric it passes.
    expect(report.verdict).toBe('inconclusive');
    const { 'cold-start.ready_ms': _, ...others } = gates.metrics;
    expect(compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2 }), { ...gates, metrics: others }).verdict).toBe('pass');
  });

  it('30% slower to ready: exactly the ready_ms rows regress, and the gate fails', () => {
    const current = fixtureResults({ seed: 2, scale: { 'cold-start.ready_ms': 1.3 } });
    const report = compareResults(fixtureResults({ seed: 1 }), current, gates);
    expect(report.verdict).toBe('fail');
    const regressed = report.rows.filter((r) => r.verdict === 'regressed');
    expect(regressed.map((r) => `${r.workload}/${r.runner}`).sort()).toEqual(
      ['http-hello/container', 'http-hello/linux-vm', 'http-hello/unikraft', 'nginx/container', 'nginx/linux-vm', 'redis/container'].sort(),
    );
    expect(regressed.every((r) => r.key === 'cold-start.ready_ms')).toBe(true);
    for (const r of regressed) {
      expect(r.change).toBeGreaterThan(0.2);
      expect(r.interval!.low).toBeGreaterThan(1.1);
      expect(r.test!.pAdjusted).toBeLessThan(gates.alpha);
      expect(r.reason).toMatch(/wholly beyond the ±10% threshold and significant/);
    }
    expect(report.rows.filter((r) => r.key !== 'cold-start.ready_ms' && r.test).every((r) => r.verdict === 'unchanged')).toBe(true);
  });

  it('a 5% slowdown is within a 10% threshold: not a regression', () => {
    const current = fixtureResults({ seed: 2, noise: 0.01, scale: { 'cold-start.ready_ms': 1.05 } });
    const report = compareResults(fixtureResults({ seed: 1, noise: 0.01 }), current, gates);
    expect(report.rows.some((r) => r.verdict === 'regressed')).toBe(false);
    const ready = report.rows.filter((r) => r.key === 'cold-start.ready_ms' && r.test);
    expect(ready.every((r) => r.verdict === 'unchanged')).toBe(true);
    // The change is real (significant) but small: the interval, not the p-value, says it does not matter.
    expect(ready.some((r) => r.test!.pAdjusted < gates.alpha)).toBe(true);
  });

  it('higher-is-better metrics regress when they fall, and improve when they rise', () => {
    const slower = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2, scale: { 'throughput.requests_per_s': 0.7 } }), gates);
    expect(slower.rows.filter((r) => r.verdict === 'regressed').map((r) => r.key)).toEqual(Array(3).fill('throughput.requests_per_s'));
    const faster = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2, scale: { 'throughput.requests_per_s': 1.3 } }), gates);
    expect(faster.verdict).toBe('inconclusive'); // the failed redis VM leaves one row undecidable
    expect(faster.rows.filter((r) => r.verdict === 'improved').map((r) => r.key)).toEqual(Array(3).fill('throughput.requests_per_s'));
  });

  it('with 3 trials a side it is inconclusive, never a pass, even for a 30% slowdown', () => {
    const report = compareResults(fixtureResults({ seed: 1, trials: 3 }), fixtureResults({ seed: 2, trials: 3, scale: { 'cold-start.ready_ms': 1.3 } }), gates);
    expect(verdictsOf(report)).toEqual(new Set(['inconclusive']));
    expect(report.verdict).toBe('inconclusive');
    expect(report.rows[0]!.reason).toMatch(/too few samples \(baseline: 3 trials; current: 3 trials\); at least 5 per side/);
    expect(report.comparisons).toBe(0);
  });

  it('is inconclusive where the current run did not measure what the baseline did', () => {
    const current = fixtureResults({ seed: 2 });
    current.cells = current.cells.filter((c) => !(c.suite === 'memory' && c.runner === 'unikraft'));
    const row = compareResults(fixtureResults({ seed: 1 }), current, gates).rows.find((r) => r.key === 'memory.idle_pss_bytes' && r.runner === 'unikraft')!;
    expect(row.verdict).toBe('inconclusive');
    expect(row.reason).toContain('current: not measured');
  });

  it('says when the trials are too few to ever be significant', () => {
    const few = { ...gates, minSamples: 4, metrics: { 'cold-start.ready_ms': gates.metrics['cold-start.ready_ms']! } };
    const report = compareResults(fixtureResults({ seed: 1, trials: 4 }), fixtureResults({ seed: 2, trials: 4, scale: { 'cold-start.ready_ms': 1.3 } }), few);
    const row = report.rows.find((r) => r.test)!;
    expect(row.verdict).toBe('inconclusive');
    expect(row.reason).toMatch(/smallest attainable p is 0\.029.*run more trials/);
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

describe('renderGateMarkdown', () => {
  const report = compareResults(fixtureResults({ seed: 1 }), fixtureResults({ seed: 2, scale: { 'cold-start.ready_ms': 1.3 } }), gates);
  const md = renderGateMarkdown(report);

  it('heads with the verdict and tabulates every gated metric', () => {
    expect(md.startsWith('## isobench gate: FAIL')).toBe(true);
    expect(md).toContain('| metric | workload | runner | gate | baseline median | current median | change | interval of the change | p / Holm p | verdict | why |');
    const tableRows = md.split('\n').filter((l) => /^\| (cold-start|memory|throughput)\./.test(l));
    expect(tableRows).toHaveLength(report.rows.length);
    expect(tableRows[0]).toMatch(/^\| cold-start\.ready_ms \| .* \| \+\d+\.\d% \| \+\d+\.\d% … \+\d+\.\d% @99% \| .* \| REGRESSED \|/);
  });

  it('states the rule it used', () => {
    expect(md).toContain("**Rule:** Each trial is one sample. A metric regressed (improved) only when both: the two-sided Mann-Whitney U test");
    expect(md).toContain("Holm's correction over the 12 comparisons at family-wise α = 0.01");
  });
});
