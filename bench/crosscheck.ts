/**
 * The throughput cross-check: runs the throughput suite with --reference (wrk, redis-benchmark, pgbench against
 * the same instance after each repetition) and prints isobench's figure next to the reference tool's.
 *   npm run bench:crosscheck -- [--quick] [--runner container,linux-vm] [--workload nginx,redis,postgres] [--out DIR]
 * Defaults: the container and the Linux VM, nginx, redis and postgres. Whatever else is given goes to `isobench run`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResults } from '../suites/results.ts';
import { crosscheckRows, pad } from './crosscheck-table.ts';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

const args = process.argv.slice(2);
const given = (flag: string) => args.includes(flag);
// The run's own folder holds results.json: read from there (a large --json on a pipe may be cut at exit).
const out = given('--out') ? args[args.indexOf('--out') + 1]! : await mkdtemp(join(tmpdir(), 'isobench-crosscheck-'));
const runArgs = [
  'run', '--suite', 'throughput', '--reference',
  ...(given('--runner') ? [] : ['--runner', 'container,linux-vm']),
  ...(given('--workload') ? [] : ['--workload', 'nginx,redis,postgres']),
  ...(given('--out') ? [] : ['--out', out]),
  ...args,
];
const child = spawn(process.execPath, [...process.execArgv, CLI, ...runArgs], { stdio: 'inherit' });
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
const runs = (await readdir(out, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const latest = runs.at(-1) && join(out, runs.at(-1)!, 'results.json');
if (!latest || !existsSync(latest)) process.exit(code);
process.stdout.write(`\n${pad(crosscheckRows(parseResults(await readFile(latest, 'utf8'), latest)))}\n`);
process.exit(code);
