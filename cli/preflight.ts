import type { Config, RunnerName } from './config.ts';
import type { Accelerator, Environment } from '../suites/results.ts';
import { collectEnvironment } from '../core/host.ts';
import { ensureTools, installCommand } from '../core/host-tools.ts';
import { ENGINES, RUNNER_NAMES, runnerDescriptor } from '../runners/index.ts';
import { suiteDescriptor } from '../suites/index.ts';

export interface HostReadiness {
  environment: Environment;
  /** The accelerator each runner uses (containers: none). */
  accelerators: Record<RunnerName, Accelerator>;
  /** Runners that cannot run at all here, with the reason and the fix. */
  runnerProblems: Partial<Record<RunnerName, string>>;
  problems: string[];
  anyRunnable: boolean;
}

const NOT_USED: Accelerator = { kind: 'none', reason: 'not used in this run' };

/**
 * Host preflight (also `isobench doctor`): installs what is missing when allowed, then each runner's own preflight
 * (starting dockerd, deciding KVM vs TCG by booting a guest), and records the environment every result carries.
 */
export async function prepareHost(
  config: Config,
  runners: RunnerName[],
  opts: { install: boolean; cacheDir: string; log: (line: string) => void },
): Promise<HostReadiness> {
  // In the registry's order, whatever the order asked in.
  const used = RUNNER_NAMES.filter((name) => runners.includes(name)).map(runnerDescriptor);
  const runnerProblems: Partial<Record<RunnerName, string>> = {};
  const missing = await ensureTools([...new Set(used.flatMap((d) => d.engine.tools))], opts);
  // What the suites' settings need (the throughput cross-check's tools): a tool still missing makes their rows say
  // "not run" and how to install it.
  const suiteTools = config.suites.flatMap((name) => suiteDescriptor(name).tools?.(config.suite[name]) ?? []);
  if (suiteTools.length) await ensureTools(suiteTools, opts);
  for (const d of used) {
    const lacking = d.engine.tools.filter((t) => missing.includes(t));
    if (lacking.length) {
      runnerProblems[d.name] =
        `${lacking.map((t) => t.bin).join(', ')} not installed (needed by ${lacking[0]!.neededBy}); ` +
        `install with: ${installCommand(lacking)}` +
        (opts.install ? '' : ' (or run without --no-install, as root, to let isobench install it)');
    }
  }

  const accelerators = Object.fromEntries(RUNNER_NAMES.map((name) => [name, NOT_USED])) as Record<RunnerName, Accelerator>;
  for (const d of used) {
    if (runnerProblems[d.name]) continue;
    try {
      accelerators[d.name] = await d.preflight(config.runners[d.name], opts);
    } catch (error) {
      runnerProblems[d.name] = (error as Error).message;
    }
  }

  const usable = used.filter((d) => runnerProblems[d.name] === undefined);
  const engines: Environment['engines'] = {};
  for (const engine of ENGINES) engines[engine.environmentKey] = await engine.version(usable.some((d) => d.engine === engine));
  const accelerator = usable.map((d) => accelerators[d.name]).find((a) => a.kind !== 'none');
  const environment = await collectEnvironment(accelerator ?? { kind: 'none', reason: 'no VM or unikernel in this run' }, engines);
  const problems = Object.entries(runnerProblems).map(([runner, problem]) => `${runner}: ${problem}`);
  return {
    environment,
    accelerators,
    runnerProblems,
    problems,
    anyRunnable: runners.some((r) => runnerProblems[r] === undefined),
  };
}
