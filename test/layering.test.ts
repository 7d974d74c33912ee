import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUNNER_NAMES } from '../runners/index.ts';
import { importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files outside runners/ that may name a runner: the user's config (it configures runners by name), each with why.
 */
const ALLOWED: Record<string, string> = {
  'bench.config.ts': 'the config of this testbed: it sets runners by name',
};

/** Where runners may be named: their own folder, and the tests and benchmarks that exercise them. */
const RUNNER_SIDE = /^(runners|test|bench)\//;

/** Code without its comments: a comment may say "a container" without naming the runner. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** The ways `text` names a runner of `names`: a string literal, or a property of that name (`runners.unikraft`). */
export function runnerMentions(text: string, names: readonly string[]): string[] {
  const alternatives = names.map((n) => n.replace(/[-]/g, '\\-')).join('|');
  const literal = new RegExp(`(['"\`])(${alternatives})\\1`, 'g');
  const property = new RegExp(`[\\w)\\]]\\.(${alternatives})\\b(?!\\.ts)`, 'g');
  const body = code(text);
  return [...body.matchAll(literal), ...body.matchAll(property)].map((m) => m[0]);
}

/** Folders of runners/ that hold one platform's (or one engine's) own code. */
const runnerFolders = readdirSync(join(root, 'runners'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => `runners/${e.name}/`);

/** Files outside runners/ that name a runner or import a runner's own files, with what they name. */
function offenders(): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [file, imports] of importGraph(root)) {
    if (RUNNER_SIDE.test(file)) continue;
    const named = [
      ...runnerMentions(readFileSync(join(root, file), 'utf8'), RUNNER_NAMES),
      ...imports.filter((target) => runnerFolders.some((folder) => target.startsWith(folder))),
    ];
    if (named.length) found[file] = [...new Set(named)];
  }
  return found;
}

describe('layering: one place per platform', () => {
  it('recognises a runner named in a string or a property, not in a comment or a longer name', () => {
    const names = ['container', 'linux-vm'];
    expect(runnerMentions(`const a = 'linux-vm'; b = config.runners.container;`, names)).toEqual([`'linux-vm'`, 's.container']);
    expect(runnerMentions(`// the 'container' runner\n/* "linux-vm" */ const c = 'containers'; d.containerId;`, names)).toEqual([]);
  });

  it('names runners only in runners/ (the registry: runners/index.ts), tests, benchmarks and the config', () => {
    const found = offenders();
    for (const file of Object.keys(ALLOWED)) delete found[file];
    expect(found).toEqual({});
  });

  it('keeps its exceptions current: each still names a runner', () => {
    const found = offenders();
    const stale = Object.keys(ALLOWED).filter((file) => !found[file]);
    expect(stale, 'remove these from ALLOWED: they no longer name a runner').toEqual([]);
  });
});
