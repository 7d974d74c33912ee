import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { engineVersion } from '../core/environment.ts';
import { ENGINES } from '../runners/index.ts';
import { parseResults, RESULTS_SCHEMA_VERSION, ResultsFormatError } from '../suites/results.ts';

// A real version 1 run (bench/data keeps three A/A runs for the gate's calibration): baselines are older files.
const V1 = new URL('../bench/data/aa-container-cold-start/r1.json', import.meta.url);

describe('parseResults', () => {
  it('reads a version 1 file, its engines gathered into one record keyed by each engine of the registry', async () => {
    const text = await readFile(V1, 'utf8');
    expect(JSON.parse(text).schemaVersion).toBe(1);
    const results = parseResults(text, 'r1.json');
    expect(results.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    expect(Object.keys(results.environment)).not.toContain('docker');
    const versions = Object.fromEntries(ENGINES.map((e) => [e.label, engineVersion(results.environment, e)?.version]));
    expect(versions).toEqual({ Docker: '20.10.24+dfsg1', QEMU: '7.2.22' });
    expect(results.cells.length).toBeGreaterThan(0);
  });

  it('reads back what it writes, and refuses a version it does not know', async () => {
    const current = parseResults(await readFile(V1, 'utf8'), 'r1.json');
    expect(parseResults(JSON.stringify(current), 'again.json')).toEqual(current);
    expect(() => parseResults(JSON.stringify({ ...current, schemaVersion: 99 }), 'future.json')).toThrow(ResultsFormatError);
    expect(() => parseResults(JSON.stringify({ ...current, schemaVersion: 99 }), 'future.json')).toThrow(/version 99 is not supported/);
  });
});
