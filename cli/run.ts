import { rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyQuick, type Config, type RunnerName, type SuiteName, type WorkloadName } from './config.ts';
import { loadConfig } from './load-config.ts';
import { RESULTS_SCHEMA_VERSION, type Cell, type Results } from '../suites/results.ts';
import { createRunFolder, linkLatest, writeResults, writingTo } from './output.ts';
import { createProgress } from './progress.ts';
import { leftoverLine, stopAll } from '../core/lifecycle.ts';
import { removeRunDir } from '../core/rundir.ts';
import { Interrupted, watchInterruptions } from '../core/interrupt.ts';
import { checkRunInputs } from './run-inputs.ts';
import { prepareHost, type HostReadiness } from './preflight.ts';
import { formatSummary } from '../reports/summary.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { gateResults } from './publish-gate.ts';
import { checkTrialsGate } from './gate-design.ts';
import { readResults } from '../suites/results-io.ts';
import { WORKLOADS, type Workload } from '../fixtures/workloads.ts';
import { createRunner } from '../runners/index.ts';
import type { Runner } from '../runners/index.ts';
import { suiteDescriptor, SUITES } from '../suites/index.ts';
import { writeReports } from '../reports/index.ts';

/** Options that set a suite's setting, as its descriptor's `runOptions` say. */
interface SuiteRunOptions {
  /** Trials per cell of the suite that counts them by `--trials` (cold start). */
  trials?: number;
  /** Cross-check throughput against the reference tools (suite.throughput.reference). */
  reference?: boolean;
}

export interface RunOptions extends SuiteRunOptions {
  configPath?: string;
  suites?: SuiteName[];
  runners?: RunnerName[];
  workloads?: WorkloadName[];
  quick: boolean;
  out?: string;
  json: boolean;
  install: boolean;
  /** Gate this run against a saved results.json when `gate` is set. */
  baseline?: string;
  gate?: boolean;
}

/** The config as this run uses it: --quick, --trials and the selections applied. */
export function resolveRunConfig(config: Config, opts: RunOptions): Config {
  let resolved = opts.quick ? applyQuick(config) : config;
  // Each run option sets the setting of the suites that name it (--trials: cold start's trials); unset or off, none.
  for (const d of SUITES) {
    for (const [option, key] of Object.entries(d.runOptions ?? {})) {
      const value = opts[option as keyof SuiteRunOptions];
      if (value === undefined || value === false) continue;
      resolved = { ...resolved, suite: { ...resolved.suite, [d.name]: { ...resolved.suite[d.name], [key]: value } } };
    }
  }
  return {
    ...resolved,
    ...(opts.workloads ? { workloads: opts.workloads as Config['workloads'] } : {}),
    ...(opts.suites ? { suites: opts.suites as Config['suites'] } : {}),
    ...(opts.out ? { testbed: { ...resolved.testbed, outDir: opts.out } } : {}),
  };
}

/** The runners a run uses: the ones asked for, else every runner the config enables. */
export function selectedRunners(config: Config, asked?: RunnerName[]): RunnerName[] {
  if (asked) return asked;
  return (Object.keys(config.runners) as RunnerName[]).filter((name) => config.runners[name].enabled);
}

function notRunCell(suite: SuiteName, workload: Workload, runner: Runner | undefined, name: RunnerName, reason: string): Cell {
  return {
    suite,
    workload: workload.name,
    runner: name,
    status: 'not-run',
    reason,
    label: runner ? runner.label(workload) : { accelerator: { kind: 'none', reason: 'not run' }, notes: [] },
    trials: [],
    metrics: [],
  };
}

/**
 * `npm run bench`: every selected suite × workload × runner, results written after every cell so that nothing
 * measured is lost when the run breaks. Returns the process exit code.
 */
export async function runBench(opts: RunOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { config: loaded, source } = await loadConfig(opts.configPath);
  const config = resolveRunConfig(loaded, opts);
  const runnerNames = selectedRunners(config, opts.runners);
  await checkRunInputs(config, runnerNames, source);
  // Read first: a baseline that cannot be gated against must not cost a whole run to find out.
  const baseline = opts.baseline && opts.gate ? await readResults(opts.baseline) : undefined;
  if (baseline) for (const line of checkTrialsGate(config, runnerNames, baseline).warnings) log(`gate design: ${line}`);
  const startedAt = new Date();
  const folder = await createRunFolder(config.testbed.outDir, startedAt);
  const cacheDir = resolve(config.testbed.cacheDir);

  // From here on a signal or an uncaught error stops what was started (the preflight may boot a probe guest).
  const interruptions = watchInterruptions(log);
  let host: HostReadiness;
  let results: Results;
  let resultsPath = '';
  try {
    host = await prepareHost(config, runnerNames, { install: opts.install, cacheDir, log });
    if (!host.anyRunnable) {
      await rmdir(folder).catch(() => {}); // nothing was measured: no empty run folder
      log(`host not ready: none of the runners ${runnerNames.join(', ')} can run here.`);
      for (const line of host.problems) log(`  ${line}`);
      return ExitCode.HostNotReady;
    }
    results = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: folder.split('/').pop()!,
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      partial: true,
      quick: opts.quick,
      environment: host.environment,
      config: { ...config, source } as unknown as Record<string, unknown>,
      cells: [],
    };
    resultsPath = await writeResults(folder, results);
  } finally {
    // Leaving before the measuring loop (which owns the cleanup from then on) gives the signals back.
    if (!resultsPath) interruptions.dispose();
  }
  log(`isobench: ${config.suites.join(', ')} × ${config.workloads.join(', ')} × ${runnerNames.join(', ')}; ` +
    `accelerator ${host.environment.accelerator.kind} (${host.environment.accelerator.reason}); results in ${resultsPath}`);

  const progress = createProgress();
  const runners = new Map<RunnerName, Runner>();
  for (const name of runnerNames) {
    if (host.runnerProblems[name] === undefined) {
      runners.set(name, createRunner(name, { config, cacheDir, accelerator: host.accelerators[name], log: progress.log }));
    }
  }
  const prepared = new Map<string, string | null>();

  // Why the run ended early: an Interrupted (signal), an uncaught error, or an error of the run itself.
  let failure: unknown;
  const totalCells = config.suites.length * config.workloads.length * runnerNames.length;
  let cellsBegun = 0;
  try {
    for (const suiteName of config.suites) {
      for (const workloadName of config.workloads) {
        const workload = WORKLOADS[workloadName];
        for (const runnerName of runnerNames) {
          if (interruptions.signal.aborted) break;
          progress.cell(++cellsBegun, totalCells);
          const runner = runners.get(runnerName);
          results.cells.push(...[await measureCell(suiteName, workload, runnerName, runner)].flat());
          await writeResults(folder, results);
        }
      }
    }
  } catch (error) {
    failure = error;
  } finally {
    const leftovers = await stopAll();
    // Its pid files are how `isobench clean` finds what could not be stopped.
    if (leftovers.length) log(leftoverLine(leftovers));
    else removeRunDir();
    interruptions.dispose();
  }

  const stoppedBy = interruptions.signal.aborted ? interruptions.signal.reason : failure;
  results.finishedAt = new Date().toISOString();
  results.partial = stoppedBy !== undefined;
  if (stoppedBy !== undefined) results.partialReason = (stoppedBy as Error)?.message ?? String(stoppedBy);
  // When the run already broke (e.g. on a full disk), saving is tried once more but its failure is not the news.
  const saved = await writeResults(folder, results).then(
    () => true,
    (error: Error) => {
      if (stoppedBy === undefined) throw error;
      if (error.message !== (stoppedBy as Error)?.message) log(`isobench: ${error.message}`);
      return false;
    },
  );
  const written = saved ? await writingTo(`the reports into ${folder}`, () => writeReports(results, folder)) : [];
  if (saved) await linkLatest(folder);

  log('');
  log(formatSummary(results));
  log(`\nresults: ${resultsPath}${saved ? '' : ' (its last complete version: this run could not save more)'}`);
  for (const path of written) log(`         ${path}`);
  if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (stoppedBy instanceof Interrupted) return stoppedBy.exitCode;
  if (stoppedBy !== undefined) throw stoppedBy;
  if (baseline) return gateResults(baseline, results, config.gates, folder);
  return ExitCode.Ok;

  async function measureCell(suiteName: SuiteName, workload: Workload, name: RunnerName, runner?: Runner): Promise<Cell | Cell[]> {
    if (!runner) return notRunCell(suiteName, workload, undefined, name, host.runnerProblems[name]!);
    const availability = await runner.availability(workload);
    if (!availability.ok) return notRunCell(suiteName, workload, runner, name, `${availability.reason}; ${availability.fix}`);
    const key = `${name}/${workload.name}`;
    if (!prepared.has(key)) {
      progress.log(`preparing ${workload.name} for ${name} (built once, cached in ${cacheDir})`);
      try {
        await runner.prepare(workload, interruptions.signal);
        prepared.set(key, null);
      } catch (error) {
        if (interruptions.signal.aborted) throw error;
        prepared.set(key, (error as Error).message);
      }
    }
    const prepareError = prepared.get(key);
    if (prepareError) {
      return { ...notRunCell(suiteName, workload, runner, name, `could not prepare: ${prepareError}`), status: 'failed' };
    }
    return suiteDescriptor(suiteName).run({ config, runner, workload, signal: interruptions.signal, progress });
  }
}

