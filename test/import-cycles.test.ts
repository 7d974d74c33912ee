import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { folderGraph, folderOf, importCycles, importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Files of `folder` that import files outside it, with what they import there. */
function leavingImports(graph: ReadonlyMap<string, readonly string[]>, folder: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [file, targets] of graph) {
    if (folderOf(file) !== folder) continue;
    const outside = targets.filter((t) => graph.has(t) && folderOf(t) !== folder);
    if (outside.length) found[file] = outside;
  }
  return found;
}

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

  it('finds a cycle of folders made of files that do not import each other round about', () => {
    const files = new Map([['x/a.ts', ['y/b.ts']], ['y/b.ts', []], ['y/c.ts', ['x/d.ts']], ['x/d.ts', []]]);
    expect(importCycles(files)).toEqual([]);
    expect(importCycles(folderGraph(files))).toEqual([['x', 'y']]);
    expect(leavingImports(files, 'x')).toEqual({ 'x/a.ts': ['y/b.ts'] });
  });

  it('has no cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('has no cycle between folders: each layer imports only the ones below it', () => {
    expect(importCycles(folderGraph(graph))).toEqual([]);
  });

  it('keeps core/ the base: it imports nothing else of the project', () => {
    expect(leavingImports(graph, 'core')).toEqual({});
  });
});
