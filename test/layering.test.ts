import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUNNER_NAMES } from '../runners/index.ts';
import { SUITE_NAMES } from '../suites/index.ts';
import { importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Code without its comments: a comment may say "a container" without naming the runner. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/**
 * The ways `text` names one of `names` (runners, suites): a string literal, or a property of that name
 * (`runners.unikraft`, `suite.memory`) that is not a method called (`qemu.memory()` is not the memory suite).
 */
export function nameMentions(text: string, names: readonly string[]): string[] {
  const alternatives = names.map((n) => n.replace(/[-]/g, '\\-')).join('|');
  const literal = new RegExp(`(['"\`])(${alternatives})\\1`, 'g');
  const property = new RegExp(`[\\w)\\]]\\.(${alternatives})\\b(?!\\.ts|\\s*\\()`, 'g');
  const body = code(text);
  return [...body.matchAll(literal), ...body.matchAll(property)].map((m) => m[0]);
}

/** A kind of plug-in and the one folder that may name its members. */
interface Layer {
  folder: 'runners' | 'suites';
  names: readonly string[];
  /**
   * Files outside the folder that may name a member anyway, each with the mentions allowed and why: a name that
   * is also a word in another role, or the user's config.
   */
  allowed: Record<string, { mentions: string[]; why: string }>;
}

const RUNNERS: Layer = {
  folder: 'runners',
  names: RUNNER_NAMES,
  allowed: {
    'bench.config.ts': { mentions: [`'linux-vm'`], why: 'the config of this testbed: it sets runners by name' },
  },
};

const SUITES: Layer = {
  folder: 'suites',
  names: SUITE_NAMES,
  allowed: {
    'bench.config.ts': { mentions: [`'cold-start'`], why: 'the config of this testbed: it sets suites by name' },
    'cli/commands/doctor.ts': { mentions: [`'memory'`], why: "the host's memory, a row of `isobench doctor`, not the suite" },
    'reports/html.ts': { mentions: [`'memory'`], why: "the host's memory, a row of the report's environment table, not the suite" },
    'runners/container/memory.ts': { mentions: [`'memory'`], why: 'the cgroup v1 memory controller, not the suite' },
  },
};

/** Where members may be named besides their folder: the tests and benchmarks that exercise them. */
const EXERCISING = /^(test|bench)\//;

/** Files outside the layer's folder that name a member or import a member's own files, with what they name. */
function offenders(layer: Layer): Record<string, string[]> {
  const own = new RegExp(`^${layer.folder}/`);
  const memberFolders = readdirSync(join(root, layer.folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${layer.folder}/${e.name}/`);
  const found: Record<string, string[]> = {};
  for (const [file, imports] of importGraph(root)) {
    if (own.test(file) || EXERCISING.test(file)) continue;
    const allowed = layer.allowed[file]?.mentions ?? [];
    const named = [
      ...nameMentions(readFileSync(join(root, file), 'utf8'), layer.names).filter((m) => !allowed.includes(m)),
      ...imports.filter((target) => memberFolders.some((folder) => target.startsWith(folder))),
    ];
    if (named.length) found[file] = [...new Set(named)];
  }
  return found;
}

/** Allowed mentions no longer made: each exception must stay needed. */
function staleExceptions(layer: Layer): string[] {
  return Object.entries(layer.allowed).flatMap(([file, { mentions }]) => {
    const made = new Set(nameMentions(readFileSync(join(root, file), 'utf8'), layer.names));
    return mentions.filter((m) => !made.has(m)).map((m) => `${file}: ${m}`);
  });
}

describe('layering: one place per platform and per scenario', () => {
  it('recognises a name in a string or a property, not in a comment, a longer name or a method called', () => {
    const names = ['container', 'linux-vm', 'memory'];
    expect(nameMentions(`const a = 'linux-vm'; b = config.runners.container; c = s.suite.memory;`, names)).toEqual([
      `'linux-vm'`,
      's.container',
      'e.memory',
    ]);
    expect(nameMentions(`// the 'container' runner\n/* "linux-vm" */ const c = 'containers'; d.containerId; q.memory();`, names)).toEqual([]);
  });

  it('names runners only in runners/ (the registry: runners/index.ts), tests, benchmarks and the config', () => {
    expect(offenders(RUNNERS)).toEqual({});
  });

  it('names suites only in suites/ (the registry: suites/index.ts), tests, benchmarks and the config', () => {
    expect(offenders(SUITES)).toEqual({});
  });

  it('keeps its exceptions current: each still names what it is allowed to', () => {
    expect([...staleExceptions(RUNNERS), ...staleExceptions(SUITES)], 'remove these from `allowed`: no longer named there').toEqual([]);
  });
});
