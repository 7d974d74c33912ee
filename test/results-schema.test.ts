import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { environmentFromV1 } from '../core/environment.ts';
import { parseResults, RESULTS_SCHEMA_VERSION, ResultsFormatError, type Results } from '../suites/results.ts';
import { fixtureResults } from './fixtures-results/build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The results files kept in the repository: real runs of earlier versions, read back as baselines are. */
function resultsFiles(): string[] {
  return readdirSync(join(root, 'bench'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .map((file) => join('bench', file))
    .filter((file) => readFileSync(join(root, file), 'utf8').includes('"schemaVersion"'));
}

/** A file's JSON as the current version holds it: version 1 kept the engines in fields of their own. */
function asCurrentVersion(raw: Record<string, unknown>): Record<string, unknown> {
  if (raw.schemaVersion !== 1) return raw;
  return { ...raw, schemaVersion: RESULTS_SCHEMA_VERSION, environment: environmentFromV1(raw.environment as Record<string, unknown>) };
}

/** The fixture with one cell changed by `change`, as the text of a results file. */
function changed(change: (results: Results) => void): string {
  const results = structuredClone(fixtureResults());
  change(results);
  return JSON.stringify(results);
}

/** A cell of the fixture, as plain JSON whatever its type says (a test writes what the schema must refuse). */
function cellOf(results: Results, pick: (cell: Results['cells'][number]) => boolean): Record<string, unknown> {
  const cell = results.cells.find(pick);
  if (!cell) throw new Error('the fixture lacks the cell this test changes');
  return cell as Record<string, unknown>;
}

describe('results schema', () => {
  it('reads every results file in the repository, whole: nothing it holds is dropped', () => {
    const files = resultsFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(parseResults(text, file), file).toEqual(asCurrentVersion(JSON.parse(text)));
    }
  });

  it('reads the test fixture whole, each suite with its extra', () => {
    const text = JSON.stringify(fixtureResults());
    const results = parseResults(text, 'fixture');
    expect(results).toEqual(JSON.parse(text));
    expect(new Set(results.cells.filter((c) => c.extra).map((c) => c.suite))).toEqual(new Set(['memory', 'density']));
  });

  it('refuses a not-run cell with trials or metrics', () => {
    const notRun = (results: Results) => cellOf(results, (c) => c.status === 'not-run');
    const ran = (results: Results) => cellOf(results, (c) => c.status === 'ok');
    expect(() => parseResults(changed((r) => void (notRun(r).trials = ran(r).trials)), 'r.json')).toThrow(
      /^r\.json: not an isobench results file: cells\.\d+\.trials: a not-run cell has no trials$/,
    );
    expect(() => parseResults(changed((r) => void (notRun(r).metrics = ran(r).metrics)), 'r.json')).toThrow(/a not-run cell has no metrics/);
    expect(() => parseResults(changed((r) => void delete notRun(r).reason), 'r.json')).toThrow(/cells\.\d+\.reason/);
  });

  it("refuses a cell's extra of the wrong shape for its suite", () => {
    const of = (suite: string) => (results: Results) => cellOf(results, (c) => c.suite === suite && c.status === 'ok');
    const memoryExtra = (r: Results) => of('memory')(r).extra;
    // Each suite's extra is its own: the memory suite's on a density cell is refused.
    expect(() => parseResults(changed((r) => void (of('density')(r).extra = memoryExtra(r))), 'r.json')).toThrow(
      /cells\.\d+\.extra\.stopReason/,
    );
    expect(() => parseResults(changed((r) => void (of('memory')(r).extra = { minMemory: 64 })), 'r.json')).toThrow(/cells\.\d+\.extra\.minMemory/);
    expect(() => parseResults(changed((r) => void (of('cold-start')(r).extra = { note: 'x' })), 'r.json')).toThrow(
      /cells\.\d+\.extra: this suite records no extra/,
    );
  });

  it('refuses an unknown workload, suite or status', () => {
    const first = (r: Results) => cellOf(r, () => true);
    expect(() => parseResults(changed((r) => void (first(r).workload = 'mysql')), 'r.json')).toThrow(/cells\.0\.workload: Invalid option/);
    expect(() => parseResults(changed((r) => void (first(r).suite = 'latency')), 'r.json')).toThrow(/cells\.0\.suite/);
    expect(() => parseResults(changed((r) => void (first(r).status = 'skipped')), 'r.json')).toThrow(ResultsFormatError);
  });
});
