import { describe, expect, it } from 'vitest';
import { parseConfig } from '../cli/config.ts';
import { checkRoundsGate, checkTrialsGate } from '../cli/gate-design.ts';
import { GateRefusedError } from '../reports/compare.ts';
import { fixtureResults } from './fixtures-results/build.ts';

/** The config a `run --suite cold-start --runner container,linux-vm --workload http-hello,nginx` would use. */
const planned = (coldStart: { trials?: number } = {}, gates: Record<string, unknown> = {}) =>
  parseConfig({ suites: ['cold-start'], workloads: ['http-hello', 'nginx'], suite: { 'cold-start': coldStart }, gates });
const runners = ['container', 'linux-vm'] as const;

describe('checkTrialsGate (run --gate)', () => {
  it('accepts the default design against a baseline of as many trials where runs share one level', () => {
    expect(checkTrialsGate(planned({}, { runToRun: 0 }), [...runners], fixtureResults({ seed: 1 })).warnings).toEqual([]);
  });

  it('says once when the run-to-run spread alone keeps every row from detecting twice its threshold, and what to do', () => {
    const { warnings } = checkTrialsGate(planned(), [...runners], fixtureResults({ seed: 1 }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^4 gated rows .* detect at best \+\d+\.\d% with 90% power however many samples.*gates\.runToRun = 5\.0%.*`isobench ab`/);
  });

  it('refuses fewer trials than minSamples, naming the trials that would work', () => {
    expect(() => checkTrialsGate(planned({ trials: 3 }), [...runners], fixtureResults({ seed: 1 }))).toThrow(GateRefusedError);
    expect(() => checkTrialsGate(planned({ trials: 3 }), [...runners], fixtureResults({ seed: 1 }))).toThrow(
      /no gated metric could ever be significant .*fewer than gates.minSamples = 8 .*set --trials 8/,
    );
  });

  it('refuses a design whose smallest p × comparisons ≥ α, and finds the smallest trials that beat it', () => {
    // 3 against 3 trials: smallest one-sided p 1/20 = 0.05; 3 against 12 is the first below 0.01/4: 1/455 × 4 = 0.0088.
    const few = planned({ trials: 3 }, { minSamples: 2 });
    const baseline = fixtureResults({ seed: 1, trials: 3 });
    expect(() => checkTrialsGate(few, [...runners], baseline)).toThrow(/smallest attainable p × 4 comparisons ≥ α = 0.01\); set --trials 12/);
  });

  it('warns where the MDE is more than twice the threshold, naming trials that would bring it there', () => {
    const { warnings } = checkTrialsGate(planned({}, { runToRun: 0 }), [...runners], fixtureResults({ seed: 1, noise: 0.25 }));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/cold-start\.ready_ms http-hello on container: with 10 samples against the baseline's 10 .* more than twice its 10\.0% threshold; /);
  });
});

describe('checkRoundsGate (ab)', () => {
  it('accepts the default 12 rounds for a few comparisons', () => {
    expect(checkRoundsGate(planned(), [...runners], 12).warnings).toEqual([]);
  });

  it('refuses rounds that can never be significant, naming an even number that can', () => {
    expect(() => checkRoundsGate(planned(), [...runners], 8)).toThrow(/8 rounds can never show a regression over 4 gated comparisons .*; use --rounds 10/);
    expect(() => checkRoundsGate(planned(), [...runners], 4)).toThrow(/fewer than gates.minSamples = 8/);
  });

  it('counts Unikraft cells only where an image is configured', () => {
    // 8 rounds: smallest one-sided p 1/256; × 4 comparisons ≥ 0.01, × 2 (no Unikraft image configured) below it.
    expect(() => checkRoundsGate(planned(), [...runners], 8)).toThrow(/over 4 gated comparisons/);
    expect(checkRoundsGate(planned(), ['container', 'unikraft'], 8).warnings).toEqual([]);
    // A shared app-elfloader runs both workloads: 4 comparisons again.
    const elfloader = parseConfig({ suites: ['cold-start'], workloads: ['http-hello', 'nginx'], runners: { unikraft: { elfloader: '/k' } } });
    expect(() => checkRoundsGate(elfloader, ['container', 'unikraft'], 8)).toThrow(/over 4 gated comparisons/);
  });
});
