import { describe, expect, it } from 'vitest';
import { applyQuick, parseConfig, ConfigError, QUICK_DEFAULTS } from '../cli/config.ts';
import defaultConfig from '../bench.config.ts';
import { METRIC_KEYS } from '../suites/metrics.ts';

const message = (raw: unknown): string => {
  try {
    parseConfig(raw, 'bench.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('config was accepted');
};

describe('config validation', () => {
  it('accepts the embedded default config and fills in every default', () => {
    const config = parseConfig(defaultConfig);
    expect(config.workloads).toEqual(['http-hello', 'nginx', 'redis', 'postgres']);
    expect(config.suite['cold-start']).toMatchObject({ trials: 10, warmups: 1 });
    expect(config.runners['linux-vm'].accel).toBe('auto');
  });

  it('names a misspelt key with its full path and the keys allowed there', () => {
    const text = message({ suite: { 'cold-start': { trails: 3 } } });
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('unknown key "suite.cold-start.trails"');
    expect(text).toContain('allowed here: trials, warmups');
  });

  it('names an unknown top-level key', () => {
    expect(message({ runerz: {} })).toMatch(/unknown key "runerz"; allowed here: testbed, runners, workloads/);
  });

  it('refuses impossible values with the key and what is allowed', () => {
    expect(message({ suite: { 'cold-start': { trials: 0 } } })).toMatch(/suite\.cold-start\.trials: .*>0/);
    expect(message({ runners: { 'linux-vm': { memoryMiB: -5 } } })).toMatch(/runners\.linux-vm\.memoryMiB/);
    expect(message({ workloads: ['ngnix'] })).toMatch(/workloads\.0: .*"http-hello"\|"nginx"/);
    expect(message({ runners: { unikraft: { images: { nginx: {} } } } })).toMatch(/runners\.unikraft\.images\.nginx\.kernel/);
  });

  it('applies the quick profile over the suites, the config quick section winning over the built-in one', () => {
    const quick = applyQuick(parseConfig({ quick: { 'cold-start': { trials: 4 } } }));
    expect(quick.suite['cold-start'].trials).toBe(4);
    expect(quick.suite.throughput.durationS).toBe(QUICK_DEFAULTS.throughput.durationS);
    expect(quick.suite.density.target).toBe(QUICK_DEFAULTS.density.target);
    // Only what the quick section says overrides: not the defaults of the keys it left out.
    const own = applyQuick(parseConfig({ suite: { 'cold-start': { readyTimeoutMs: 120_000 }, wake: { strategies: ['snapshot'] } }, quick: { 'cold-start': { trials: 4 }, wake: { trials: 2 } } }));
    expect(own.suite['cold-start'].readyTimeoutMs).toBe(120_000);
    expect(own.suite.wake).toMatchObject({ trials: 2, strategies: ['snapshot'], idleMs: QUICK_DEFAULTS.wake.idleMs });
  });
});

describe('gated metrics (suites/metrics.ts)', () => {
  it('gives the config its default gates, in their own direction', () => {
    expect(parseConfig({}).gates.metrics).toEqual({
      'cold-start.ready_ms': { direction: 'lower', threshold: 0.1 },
      'memory.idle_pss_bytes': { direction: 'lower', threshold: 0.1 },
      'throughput.requests_per_s': { direction: 'higher', threshold: 0.1 },
      'throughput.transactions_per_s': { direction: 'higher', threshold: 0.1 },
      'throughput.ops_per_s': { direction: 'higher', threshold: 0.1 },
      'wake.wake_ms': { direction: 'lower', threshold: 0.1 },
    });
    const gates = parseConfig({ gates: { metrics: { 'density.density_count': { threshold: 0.2 } } } }).gates.metrics;
    expect(gates).toEqual({ 'density.density_count': { direction: 'higher', threshold: 0.2 } });
  });

  it('refuses a gate on a metric it does not know, in one line naming it and the known ones', () => {
    const text = message({ gates: { metrics: { 'cold-start.ready_mss': { direction: 'lower', threshold: 0.1 } } } });
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('gates.metrics.cold-start.ready_mss: not a metric isobench measures');
    expect(text).toContain(METRIC_KEYS.join(', '));
    expect(message({ gates: { metrics: { ready_ms: { threshold: 0.1 } } } })).toContain('gates.metrics.ready_ms: not a metric');
  });

  it('refuses a gate direction contrary to the metric', () => {
    expect(message({ gates: { metrics: { 'throughput.requests_per_s': { direction: 'lower', threshold: 0.1 } } } })).toMatch(
      /gates\.metrics\.throughput\.requests_per_s\.direction: requests_per_s is better higher, not lower/,
    );
  });
});
