import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SUITE_NAMES } from '../cli/config.ts';
import { METRICS, metricsMarkdown } from '../suites/metrics.ts';

describe('metric registry', () => {
  it('is the README list of metrics', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const listed = /<!-- metrics: generated from suites\/metrics\.ts -->\n([\s\S]*?)\n<!-- \/metrics -->/.exec(readme)?.[1];
    // On a difference, paste the output of: npx tsx -e "import('./suites/metrics.ts').then((m) => console.log(m.metricsMarkdown()))"
    expect(listed).toBe(metricsMarkdown());
  });

  it('names each metric once per suite, every suite having some', () => {
    expect(Object.keys(METRICS).sort()).toEqual([...SUITE_NAMES].sort());
    for (const suite of SUITE_NAMES) {
      const names = METRICS[suite].map((m) => m.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
