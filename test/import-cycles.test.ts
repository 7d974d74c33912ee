import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('imports', () => {
  const graph = importGraph(root);

  it('finds the imports of the project, type-only and multi-line ones included', () => {
    expect(graph.get('runners/index.ts')).toEqual(expect.arrayContaining(['runners/linux-vm/index.ts', 'runners/types.ts']));
    expect(graph.get('reports/index.ts')).toEqual(expect.arrayContaining(['reports/compare.ts', 'reports/lanes.ts']));
  });

  it('finds a cycle where there is one', () => {
    const cyclic = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(importCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('has no cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
