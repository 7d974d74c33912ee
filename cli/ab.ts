import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Config, RunnerName } from './config.ts';
import { checkRoundsGate } from './gate-design.ts';
import { UsageError } from '../core/usage-error.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { publishGate } from './publish-gate.ts';
import { watchInterruptions } from '../core/interrupt.ts';
import { REPO_ROOT } from '../core/host.ts';
import { readResults } from '../suites/results-io.ts';
import type { Results } from '../suites/results.ts';
import { compareRounds } from '../reports/index.ts';

const git = promisify(execFile);

/**
 * Rounds and cold-start trials per round of `isobench ab` by default. The round is the unit of analysis (the
 * host's level moves between runs, so trials of one run are not independent samples of the build): many short
 * rounds beat few long ones. 12 rounds let the one-sided signed-rank test reach p = 1/4096, significant after
 * Holm over up to 40 comparisons at α = 0.01.
 */
export const AB_DEFAULT_ROUNDS = 12;
export const AB_DEFAULT_TRIALS = 3;

export interface AbOptions {
  a: string;
  b: string;
  rounds: number;
  /** `isobench run` arguments used for every round of both sides (suite, runner, workload, trials, config, ...). */
  runArgs: string[];
  /** The config as every round runs it, and its runners: what the gate's design is checked against. */
  config: Config;
  runners: RunnerName[];
}

/** A side of the comparison: saved results, or a git ref to build and run here. */
type Side = { kind: 'results'; path: string } | { kind: 'ref'; ref: string; commit: string };

async function resolveSide(spec: string): Promise<Side> {
  if (spec.endsWith('.json') && existsSync(spec)) return { kind: 'results', path: resolve(spec) };
  try {
    const { stdout } = await git('git', ['-C', REPO_ROOT, 'rev-parse', '--verify', '--quiet', `${spec}^{commit}`]);
    return { kind: 'ref', ref: spec, commit: stdout.trim() };
  } catch {
    throw new Error(`"${spec}" is neither a results.json file nor a git ref of ${REPO_ROOT}`);
  }
}

/** Runs `isobench run` of the checkout in `dir` once and returns its results. */
function runOnce(dir: string, out: string, runArgs: string[]): Promise<Results> {
  return new Promise((resolvePromise, reject) => {
    // The checkout's own entry: bin/isobench.js in every layout (its CLI moved from core/ to cli/ once).
    const child = spawn(process.execPath, ['bin/isobench.js', 'run', ...runArgs, '--out', out, '--no-install'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // Our own SIGINT reaches the child through the process group; waiting for it lets it stop its instances.
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === ExitCode.Ok) resolvePromise(readResults(join(out, 'latest', 'results.json')));
      else reject(new Error(`isobench run in ${dir} exited with ${code}`));
    });
  });
}

/**
 * `isobench ab --a REF|results.json --b REF|results.json`: both builds measured on this host in the same session,
 * an even number of rounds in the order A B, B A, A B, … (so a drift of the host hits both alike), then gated
 * round by round (compareRounds: one log-ratio per round). A stored results file stands for its side in every
 * round and is named drift-exposed: its own level is not measured again.
 */
export async function abCommand(opts: AbOptions): Promise<number> {
  const sides = [await resolveSide(opts.a), await resolveSide(opts.b)] as const;
  if (sides.every((s) => s.kind === 'results')) {
    throw new UsageError('ab needs at least one side to be a git ref to measure; to compare two results files use `isobench gate`');
  }
  for (const line of checkRoundsGate(opts.config, opts.runners, opts.rounds).warnings) process.stderr.write(`gate design: ${line}\n`);
  const work = await mkdtemp(join(tmpdir(), 'isobench-ab-'));
  const worktrees: string[] = [];
  // Ctrl-C reaches the running child through the process group, and it stops its own instances; this process
  // must only live long enough to remove its worktrees.
  const interruptions = watchInterruptions((line) => process.stderr.write(`${line}\n`));
  try {
    const dirs: (string | null)[] = [];
    for (const [i, side] of sides.entries()) {
      if (side.kind === 'results') {
        dirs.push(null);
        continue;
      }
      const dir = join(work, `${'ab'[i]}-${side.commit.slice(0, 12)}`);
      await git('git', ['-C', REPO_ROOT, 'worktree', 'add', '--detach', dir, side.commit]);
      worktrees.push(dir);
      // Both builds run with this checkout's installed packages, so only the harness code differs.
      await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
      dirs.push(dir);
    }
    const runs: Results[][] = [[], []];
    for (const [i, side] of sides.entries()) if (side.kind === 'results') runs[i]!.push(await readResults(side.path));
    for (let round = 0; round < opts.rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        interruptions.signal.throwIfAborted();
        const dir = dirs[i];
        if (!dir) continue;
        process.stderr.write(`A/B round ${round + 1}/${opts.rounds}: ${'AB'[i]} (${(sides[i] as { ref: string }).ref})\n`);
        runs[i]!.push(await runOnce(dir, join(work, `out-${'ab'[i]}-${round}`), opts.runArgs));
      }
    }
    return await publishGate(() => compareRounds(runs[0]!, runs[1]!, opts.config.gates));
  } finally {
    interruptions.dispose();
    for (const dir of worktrees) await git('git', ['-C', REPO_ROOT, 'worktree', 'remove', '--force', dir]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}
