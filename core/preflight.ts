import type { Config, RunnerName } from './config.ts';
import type { Accelerator, Environment } from './results.ts';
import { collectEnvironment, DOCKER_TOOL, ensureDockerd, ensureTools, installCommand, QEMU_TOOLS, type HostTool } from './host.ts';
import { dockerAvailability } from '../runners/docker.ts';
import { decideAccelerator } from '../runners/qemu/accel.ts';
import { REFERENCE_TOOLS } from '../suites/load/reference.ts';

export interface HostReadiness {
  environment: Environment;
  /** The accelerator each runner uses (containers: none). */
  accelerators: Record<RunnerName, Accelerator>;
  /** Runners that cannot run at all here, with the reason and the fix. */
  runnerProblems: Partial<Record<RunnerName, string>>;
  problems: string[];
  anyRunnable: boolean;
}

const CONTAINER_ACCEL: Accelerator = { kind: 'none', reason: 'containers run on the host kernel' };
const QEMU_RUNNERS = ['linux-vm', 'unikraft'] as const;

function toolsFor(runner: RunnerName): HostTool[] {
  return runner === 'container' ? [DOCKER_TOOL] : QEMU_TOOLS;
}

/**
 * Host preflight (also `isobench doctor`): installs what is missing when allowed, starts dockerd, decides KVM vs TCG
 * by booting a guest, and records the environment every result carries.
 */
export async function prepareHost(
  config: Config,
  runners: RunnerName[],
  opts: { install: boolean; cacheDir: string; log: (line: string) => void },
): Promise<HostReadiness> {
  const runnerProblems: Partial<Record<RunnerName, string>> = {};
  const missing = await ensureTools([...new Set(runners.flatMap(toolsFor))], opts);
  // The throughput cross-check's tools: one still missing makes its rows say "not run" and how to install it.
  if (config.suites.includes('throughput') && config.suite.throughput.reference) {
    await ensureTools(Object.values(REFERENCE_TOOLS), opts);
  }
  for (const runner of runners) {
    const lacking = toolsFor(runner).filter((t) => missing.includes(t));
    if (lacking.length) {
      runnerProblems[runner] =
        `${lacking.map((t) => t.bin).join(', ')} not installed (needed by ${lacking[0]!.neededBy}); ` +
        `install with: ${installCommand(lacking)}` +
        (opts.install ? '' : ' (or run without --no-install, as root, to let isobench install it)');
    }
  }

  let docker: { version: string } | null = null;
  if (runners.includes('container') && !runnerProblems.container) {
    if (opts.install) await ensureDockerd(opts.log);
    const availability = await dockerAvailability();
    if (availability.ok) docker = { version: availability.version };
    else runnerProblems.container = `${availability.reason}; ${availability.fix}`;
  }

  const accelerators: Record<RunnerName, Accelerator> = {
    container: CONTAINER_ACCEL,
    'linux-vm': { kind: 'none', reason: 'not used in this run' },
    unikraft: { kind: 'none', reason: 'not used in this run' },
  };
  for (const runner of QEMU_RUNNERS) {
    if (!runners.includes(runner) || runnerProblems[runner]) continue;
    try {
      accelerators[runner] = await decideAccelerator(config.runners[runner].accel, opts.cacheDir);
    } catch (error) {
      runnerProblems[runner] = (error as Error).message;
    }
  }

  const qemuAccel = QEMU_RUNNERS.map((r) => accelerators[r]).find((a) => a.kind !== 'none');
  const environment = await collectEnvironment(qemuAccel ?? { kind: 'none', reason: 'no VM or unikernel in this run' }, docker);
  const problems = Object.entries(runnerProblems).map(([runner, problem]) => `${runner}: ${problem}`);
  return {
    environment,
    accelerators,
    runnerProblems,
    problems,
    anyRunnable: runners.some((r) => runnerProblems[r] === undefined),
  };
}
