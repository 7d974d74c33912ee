import { resolve } from 'node:path';
import { RUNNER_NAMES } from './config.ts';
import { loadConfig } from './load-config.ts';
import { prepareHost } from './preflight.ts';
import { ExitCode } from './exit-codes.ts';

const GiB = 2 ** 30;

/** `isobench doctor`: what this host can measure, and what to do about what it cannot. */
export async function doctor(opts: { configPath?: string; install: boolean }): Promise<number> {
  const { config } = await loadConfig(opts.configPath);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const host = await prepareHost(config, [...RUNNER_NAMES], { install: opts.install, cacheDir: resolve(config.testbed.cacheDir), log });
  const env = host.environment;
  const rows: Array<[string, string]> = [
    ['host', `${env.hostname}: ${env.os}, kernel ${env.kernel}`],
    ['cpu', `${env.cpuModel}, ${env.cores} cores`],
    ['memory', `${(env.memoryBytes / GiB).toFixed(1)} GiB total, ${(env.memAvailableBytes / GiB).toFixed(1)} GiB available`],
    ['node', env.node],
    ['docker', env.docker ? `engine ${env.docker.version}` : `not usable: ${host.runnerProblems.container ?? 'not checked'}`],
    ['qemu', env.qemu ? `${env.qemu.version} (${env.qemu.path})` : 'not installed'],
    ['accelerator', `${env.accelerator.kind}: ${env.accelerator.reason}`],
    ['harness', `isobench ${env.harness.version} at ${env.harness.commit}${env.harness.dirty ? ' (uncommitted changes)' : ''}`],
  ];
  const images = Object.keys(config.runners.unikraft.images);
  for (const runner of RUNNER_NAMES) {
    const problem = host.runnerProblems[runner];
    const ready =
      runner === 'unikraft'
        ? images.length
          ? `ready, images for ${images.join(', ')}`
          : 'ready, but no image is configured: its cells will say "not run" (see docs/unikraft.md)'
        : 'ready';
    rows.push([`runner ${runner}`, problem ? `cannot run: ${problem}` : ready]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) log(`${k.padEnd(width)}  ${v}`);
  return host.anyRunnable ? ExitCode.Ok : ExitCode.HostNotReady;
}
