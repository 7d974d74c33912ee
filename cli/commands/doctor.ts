import { resolve } from 'node:path';
import { CONFIG_OPTION, defineCommand, NO_INSTALL_OPTION } from '../args.ts';
import { RUNNER_NAMES } from '../config.ts';
import { loadConfig } from '../load-config.ts';
import { prepareHost } from '../preflight.ts';
import { engineVersion } from '../../core/environment.ts';
import { ExitCode } from '../../core/exit-codes.ts';
import { workload } from '../../fixtures/workloads.ts';
import { createRunner, ENGINES, RUNNERS } from '../../runners/index.ts';

const GiB = 2 ** 30;

/** `isobench doctor`: what this host can measure, and what to do about what it cannot. */
export const doctorCommand = defineCommand('doctor', { ...CONFIG_OPTION, ...NO_INSTALL_OPTION }, (values) =>
  doctor({ configPath: values.config, install: !values['no-install'] }),
);

async function doctor(opts: { configPath?: string; install: boolean }): Promise<number> {
  const { config } = await loadConfig(opts.configPath);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const host = await prepareHost(config, [...RUNNER_NAMES], { install: opts.install, cacheDir: resolve(config.testbed.cacheDir), log });
  const env = host.environment;
  const engineRows = ENGINES.map((engine): [string, string] => {
    const version = engineVersion(env, engine);
    const problem = RUNNERS.filter((d) => d.engine === engine).map((d) => host.runnerProblems[d.name]).find(Boolean);
    return [engine.environmentKey, engine.describe(version, problem)];
  });
  const rows: Array<[string, string]> = [
    ['host', `${env.hostname}: ${env.os}, kernel ${env.kernel}`],
    ['cpu', `${env.cpuModel}, ${env.cores} cores`],
    ['memory', `${(env.memoryBytes / GiB).toFixed(1)} GiB total, ${(env.memAvailableBytes / GiB).toFixed(1)} GiB available`],
    ['node', env.node],
    ...engineRows,
    ['accelerator', `${env.accelerator.kind}: ${env.accelerator.reason}`],
    ['harness', `isobench ${env.harness.version} at ${env.harness.commit}${env.harness.dirty ? ' (uncommitted changes)' : ''}`],
  ];
  const cacheDir = resolve(config.testbed.cacheDir);
  for (const runner of RUNNER_NAMES) {
    const problem = host.runnerProblems[runner];
    rows.push([`runner ${runner}`, problem ? `cannot run: ${problem}` : await workloadsServed(runner)]);
  }

  /** Which of the config's workloads `name` can run, and why not the others (e.g. which a Unikraft image serves). */
  async function workloadsServed(name: (typeof RUNNER_NAMES)[number]): Promise<string> {
    const runner = createRunner(name, { config, cacheDir, accelerator: host.accelerators[name] });
    const can: string[] = [];
    // Workloads that cannot run for the same reason share one line (with the name as <workload>).
    const cannot = new Map<string, string[]>();
    for (const w of config.workloads) {
      const availability = await runner.availability(workload(w));
      if (availability.ok) {
        can.push(w);
        continue;
      }
      const why = `${availability.reason} (${availability.fix})`.replaceAll(w, '<workload>');
      cannot.set(why, [...(cannot.get(why) ?? []), w]);
    }
    const ready = can.length ? `ready for ${can.join(', ')}` : 'ready, but for none of the workloads';
    return [ready, ...[...cannot].map(([why, names]) => `  not ${names.join(', ')}: ${why}`)].join('\n');
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) log(`${k.padEnd(width)}  ${v.replaceAll('\n', `\n${' '.repeat(width + 2)}`)}`);
  return host.anyRunnable ? ExitCode.Ok : ExitCode.HostNotReady;
}
