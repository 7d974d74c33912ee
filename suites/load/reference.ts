import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installCommand, which, type HostTool } from '../../core/host-tools.ts';
import { PG_ROWS, PG_STATEMENTS } from './postgres.ts';
import type { LoadTarget } from './protocol.ts';
import { KEYS_PER_CLIENT, VALUE_BYTES } from './redis.ts';

const run = promisify(execFile);

/** The C load generator each kind of load is cross-checked against, and the Debian package that brings it. */
export const REFERENCE_TOOLS: Record<LoadTarget['kind'], HostTool> = {
  http: { bin: 'wrk', pkg: 'wrk', neededBy: 'the throughput cross-check of HTTP workloads' },
  redis: { bin: 'redis-benchmark', pkg: 'redis-tools', neededBy: 'the throughput cross-check of Redis' },
  postgres: { bin: 'pgbench', pkg: 'postgresql-contrib', neededBy: 'the throughput cross-check of PostgreSQL' },
};

/** What the reference tool measured on the same instance, or why it did not run. */
export type ReferenceResult =
  | { ran: true; tool: string; command: string; ratePerS: number; detail: Record<string, number> }
  | { ran: false; tool: string; reason: string };

/** `wrk` output: the rate of successful responses (wrk's Requests/sec also counts non-2xx ones, reported apart). */
export function parseWrk(stdout: string): { ratePerS: number; detail: Record<string, number> } {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)\b/.exec(stdout);
  if (!total) throw new Error(`wrk printed no request count: ${stdout.trim().slice(-200)}`);
  const seconds = Number(total[2]) * { ms: 0.001, s: 1, m: 60 }[total[3] as 'ms' | 's' | 'm'];
  const detail: Record<string, number> = { requests: Number(total[1]) };
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  if (non2xx) detail.non2xx = Number(non2xx[1]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  if (socket) detail.socketErrors = socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return { ratePerS: (detail.requests! - (detail.non2xx ?? 0)) / seconds, detail };
}

/**
 * `redis-benchmark --csv` output: one line per test. The tests run one after another with the same request count,
 * so the rate of the PING, SET, GET mix is the total over the total time: the harmonic mean of the three rates.
 */
export function parseRedisBenchmarkCsv(stdout: string): { ratePerS: number; detail: Record<string, number> } {
  const detail: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    const m = /^"([A-Z_]+)","([\d.]+)"/.exec(line.trim());
    if (m) detail[m[1]!] = Number(m[2]);
  }
  const rates = ['PING_MBULK', 'SET', 'GET'].map((t) => detail[t] ?? 0);
  if (rates.some((r) => !r)) throw new Error(`redis-benchmark did not report PING_MBULK, SET and GET: ${stdout.trim().slice(-200)}`);
  return { ratePerS: rates.length / rates.reduce((sum, r) => sum + 1 / r, 0), detail };
}

/**
 * `pgbench -P 1` output: the mean of the per-second rates after `warmupS` (its progress lines, on stderr), so that
 * pgbench's own connections are measured warmed up, as isobench's are. A new backend under TCG ran its first second
 * at a fifteenth of its later rate. Without progress lines, the tps without the initial connection time.
 */
export function parsePgbench(stdout: string, stderr = '', warmupS = 0): { ratePerS: number; detail: Record<string, number> } {
  const failed = /number of failed transactions: (\d+)/.exec(stdout);
  const detail: Record<string, number> = failed ? { failed: Number(failed[1]) } : {};
  const seconds = [...stderr.matchAll(/^progress: ([\d.]+) s, ([\d.]+) tps/gm)]
    .filter((m) => Number(m[1]) > warmupS)
    .map((m) => Number(m[2]));
  if (seconds.length > 0) return { ratePerS: seconds.reduce((sum, r) => sum + r, 0) / seconds.length, detail: { ...detail, measuredSeconds: seconds.length } };
  const tps = /^tps = ([\d.]+) \(without initial connection time\)/m.exec(stdout);
  if (!tps) throw new Error(`pgbench printed no tps: ${stdout.trim().slice(-200)}`);
  return { ratePerS: Number(tps[1]), detail };
}

/**
 * pgbench scripts doing what the PostgreSQL load does: one statement per transaction, SELECT 1, point read and
 * update in equal shares (pgbench picks a script per transaction by weight, isobench cycles through them).
 */
export function pgbenchScripts(): Record<string, string> {
  const id = `\\set id random(1, ${PG_ROWS})\n`;
  return {
    'select1.sql': `${PG_STATEMENTS.select1};\n`,
    'point-read.sql': `${id}${PG_STATEMENTS['point-read'].replace('$1', ':id')};\n`,
    'update.sql': `${id}${PG_STATEMENTS.update.replace('$1', ':id')};\n`,
  };
}

/** How long isobench's load lasted and what it measured: the reference tool is given the same. */
export interface ReferenceTiming {
  warmupS: number;
  durationS: number;
  /** isobench's own rate (ops/s). */
  expectedRate: number;
}

/**
 * The reference tool's command line for the same target, connections and duration. redis-benchmark runs a request
 * count, not a duration: each of its three tests gets what isobench did in the whole `durationS` (`expectedRate`), so
 * that each lasts about as long as isobench's load. With a third each, a test of a slow guest lasted about 1 s, in
 * which its 8 new connections and their ramp-up weighed enough to read 1.4-1.7 × below isobench. pgbench runs the
 * warm-up too, on the connections it then measures, and reports each second.
 */
export function referenceArgs(target: LoadTarget, timing: ReferenceTiming, scriptDir: string): string[] {
  const { warmupS, durationS, expectedRate } = timing;
  switch (target.kind) {
    case 'http':
      return ['-t1', `-c${target.connections}`, `-d${durationS}s`, '--timeout', '10s', target.url];
    case 'redis': {
      const perTest = Math.max(1_000, Math.round(expectedRate * durationS));
      return ['-h', target.host, '-p', String(target.port), '-c', String(target.clients), '-n', String(perTest),
        '-t', 'ping_mbulk,set,get', '-d', String(VALUE_BYTES), '-r', String(KEYS_PER_CLIENT * target.clients), '--csv'];
    }
    case 'postgres':
      return ['-h', target.host, '-p', String(target.port), '-U', target.user, '-n', '-M', 'prepared',
        '-c', String(target.clients), '-j', '1', '-T', String(warmupS + durationS), '-P', '1',
        ...Object.keys(pgbenchScripts()).flatMap((file) => ['-f', `${join(scriptDir, file)}@1`]), target.database];
  }
}

const PARSERS: Record<LoadTarget['kind'], (stdout: string, stderr: string, warmupS: number) => { ratePerS: number; detail: Record<string, number> }> = {
  http: parseWrk,
  redis: parseRedisBenchmarkCsv,
  postgres: parsePgbench,
};

/**
 * Runs the reference tool against the instance isobench just measured. Bounded: four times its duration plus
 * 30 s, and the run's signal. A tool that is not installed or pipelined HTTP (wrk pipelines only with a script)
 * gives a not-run result with the reason.
 */
export async function runReference(
  target: LoadTarget,
  timing: ReferenceTiming,
  signal: AbortSignal,
): Promise<ReferenceResult> {
  const tool = REFERENCE_TOOLS[target.kind];
  if (target.kind === 'http' && target.pipelining > 1) {
    return { ran: false, tool: tool.bin, reason: `wrk does not pipeline without a Lua script; cross-checked with pipelining 1 only` };
  }
  const path = await which(tool.bin);
  if (!path) return { ran: false, tool: tool.bin, reason: `${tool.bin} is not installed; install with: ${installCommand([tool])}` };
  const scriptDir = await mkdtemp(join(tmpdir(), 'isobench-reference-'));
  try {
    for (const [file, text] of Object.entries(pgbenchScripts())) await writeFile(join(scriptDir, file), text);
    const args = referenceArgs(target, timing, scriptDir);
    const timeoutS = (timing.warmupS + timing.durationS) * 4 + 30;
    const { stdout, stderr } = await run(path, args, { timeout: timeoutS * 1000, signal, maxBuffer: 16 * 1024 * 1024 });
    return { ran: true, tool: tool.bin, command: [tool.bin, ...args].join(' '), ...PARSERS[target.kind](stdout, stderr, timing.warmupS) };
  } catch (error) {
    if (signal.aborted) throw error;
    const e = error as { message: string; stderr?: string };
    return { ran: false, tool: tool.bin, reason: `${tool.bin} failed: ${(e.stderr?.trim() || e.message).slice(-300)}` };
  } finally {
    await rm(scriptDir, { recursive: true, force: true });
  }
}
