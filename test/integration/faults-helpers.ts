import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RUN_BASE } from '../../core/rundir.ts';
import { docker } from '../../runners/container/docker.ts';

export const run = promisify(execFile);

export { REPO, runCli, startCli, startNpx, startProcess, type CliExit } from '../cli-process.ts';

/** A bench.config.ts in `dir` that imports isobench as a user's config file does. */
export async function writeConfig(dir: string, config: unknown, name = 'bench.config.ts'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `import { defineConfig } from 'isobench';\n\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`);
  return path;
}

async function procStat(pid: number): Promise<{ state: string; ppid: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: state!, ppid: Number(ppid) };
}

export async function cmdline(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ').trim();
}

/** Whether `pid` still runs (a zombie has ended: it only waits to be reaped). */
export async function running(pid: number): Promise<boolean> {
  const stat = await procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** Every running process below `root`. */
export async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await procStat(Number(name));
    if (stat && stat.state !== 'Z') parents.set(Number(name), stat.ppid);
  }
  const below = (pid: number): number[] => [...parents].filter(([, ppid]) => ppid === pid).flatMap(([child]) => [child, ...below(child)]);
  return below(root);
}

/** QEMU processes among `pids`. */
export async function qemuAmong(pids: number[]): Promise<number[]> {
  const found: number[] = [];
  for (const pid of pids) if ((await cmdline(pid)).startsWith('qemu-system')) found.push(pid);
  return found;
}

/** What the isobench process `harnessPid` left: QEMU with a pid file in its run folder, containers labelled with it, the folder. */
export async function leftBy(harnessPid: number): Promise<string[]> {
  const folder = join(RUN_BASE, String(harnessPid));
  const { stdout } = await run('pgrep', ['-af', 'qemu-system']).catch(() => ({ stdout: '' }));
  const qemu = stdout.split('\n').filter((line) => line.includes(`${folder}/`));
  const containers = await docker.listContainers({ all: true, filters: { label: [`isobench.run=${harnessPid}`] } });
  return [...qemu, ...containers.map((c) => `container ${c.Id.slice(0, 12)}`), ...(existsSync(folder) ? [`run folder ${folder}`] : [])];
}

/** The run folders (one per run) that a run wrote into `outDir`. */
export async function runFolders(outDir: string): Promise<string[]> {
  return (await readdir(outDir).catch(() => [] as string[])).filter((name) => /^\d{4}-/.test(name)).map((name) => join(outDir, name));
}
