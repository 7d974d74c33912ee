import { describe, expect, it } from 'vitest';
import { renderCsv } from '../reports/csv.ts';
import { fixtureResults } from './fixtures-results/build.ts';

/** RFC 4180 reader, independent of csv-stringify: quoted fields, doubled quotes, line breaks inside quotes. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

describe('renderCsv', () => {
  const results = fixtureResults();

  it('writes one sample row per trial per metric, every label on it, values at full precision', () => {
    const rows = parseCsv(renderCsv([results]).samples);
    const expected = results.cells.reduce(
      (n, c) => n + c.trials.reduce((m, t) => m + Math.max(1, Object.keys(t.values).length), 0),
      0,
    );
    expect(rows).toHaveLength(expected);
    const cell = results.cells.find((c) => c.suite === 'cold-start' && c.workload === 'nginx' && c.runner === 'linux-vm')!;
    const trial = cell.trials.find((t) => !t.warmup && t.index === 4)!;
    const row = rows.find(
      (r) => r.suite === 'cold-start' && r.workload === 'nginx' && r.runner === 'linux-vm' && r.trial_index === '4' && r.warmup === 'false' && r.metric === 'ready_ms',
    )!;
    expect(Number(row.value)).toBe(trial.values.ready_ms);
    expect(row).toMatchObject({ unit: 'ms', direction: 'lower', accelerator: 'tcg', machine: 'pc', guest_memory_mib: '128', source: 'fixture@0123456 (tcg)', trial_ok: 'true' });
  });

  it('keeps warm-ups (flagged) and failed trials (with their error)', () => {
    const rows = parseCsv(renderCsv([results]).samples);
    expect(rows.some((r) => r.warmup === 'true')).toBe(true);
    const failed = rows.filter((r) => r.cell_status === 'failed');
    expect(failed).toHaveLength(3);
    expect(failed[0]).toMatchObject({ trial_ok: 'false', metric: '', trial_error: 'TEST FIXTURE: probe did not succeed within 60000 ms' });
  });

  it('writes one summary row per metric with statistics, and not-run cells with their reason', () => {
    const rows = parseCsv(renderCsv([results]).summary);
    const ready = rows.find((r) => r.suite === 'cold-start' && r.workload === 'http-hello' && r.runner === 'unikraft' && r.metric === 'ready_ms')!;
    const samples = results.cells.find((c) => c.suite === 'cold-start' && c.workload === 'http-hello' && c.runner === 'unikraft')!.metrics.find((m) => m.name === 'ready_ms')!.samples;
    const sorted = [...samples].sort((a, b) => a - b);
    expect(Number(ready.n)).toBe(samples.length);
    expect(Number(ready.median)).toBeCloseTo((sorted[4]! + sorted[5]!) / 2, 10);
    expect(Number(ready.ci_low)).toBeLessThanOrEqual(Number(ready.median));
    expect(ready.ci_method).toBe('order-statistic (binomial)');
    const notRun = rows.find((r) => r.workload === 'nginx' && r.runner === 'unikraft' && r.suite === 'cold-start')!;
    expect(notRun).toMatchObject({ cell_status: 'not-run', metric: '', n: '' });
    expect(notRun.cell_reason).toContain('runners.unikraft.images.nginx');
  });

  it('survives commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const tricky = fixtureResults();
    const cell = tricky.cells.find((c) => c.status === 'not-run')!;
    cell.reason = 'no image, "kraft build" failed\nsee log';
    tricky.cells.find((c) => c.status === 'failed')!.reason = '=HYPERLINK("http://example.invalid")';
    const rows = parseCsv(renderCsv([tricky]).summary);
    expect(rows.find((r) => r.cell_status === 'not-run' && r.workload === cell.workload)!.cell_reason).toBe(cell.reason);
    expect(rows.find((r) => r.cell_status === 'failed')!.cell_reason).toMatch(/^'=HYPERLINK/);
  });

  it('labels the rows of each results file', () => {
    const other = fixtureResults({ seed: 2, accelerator: 'kvm', commit: 'fedcba9876543210fedcba9876543210fedcba98' });
    const rows = parseCsv(renderCsv([results, other]).summary);
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['fixture@0123456 (tcg)', 'fixture@fedcba9 (kvm)']));
  });
});
