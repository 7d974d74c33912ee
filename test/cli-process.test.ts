import { beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../core/processes.ts';
import { startProcess } from './cli-process.ts';

// A test that times out leaves what it started running; the helper ends it with the test (or with the file).
describe('processes the tests start', () => {
  let inFile: number;
  let inTest: number;
  beforeAll(() => {
    inFile = startProcess('sleep', ['600']).pid;
  });

  it('(a test that leaves its process running)', () => {
    inTest = startProcess('sleep', ['600']).pid;
    expect(processAlive(inTest)).toBe(true);
  });

  it('are ended when their test ends; one started in beforeAll lives on until the file ends', () => {
    expect(processAlive(inTest)).toBe(false);
    expect(processAlive(inFile)).toBe(true);
  });
});
