import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from '../../core/lifecycle.ts';
import { processMemory, type ProcessMemory } from '../../core/procmem.ts';
import { runDir } from '../../core/rundir.ts';
import { qemuArgs, type QemuSpec } from './args.ts';
import { qemuBinary } from './binary.ts';
import { ConsoleLog } from '../vm/console.ts';
import { describeExit, type VmExit } from '../vm/vmm.ts';

export interface QemuProcess {
  readonly pid: number;
  /** performance.now() right after the process was created. */
  readonly spawnedAt: number;
  /** The guest's serial console. */
  readonly console: ConsoleLog;
  /** Resolves when QEMU has exited and its output is fully read. */
  readonly exited: Promise<VmExit>;
  /** e.g. "linux-vm-nginx (qemu pid 1234)" */
  readonly description: string;
  /** Its QMP socket; one client at a time. */
  readonly qmpSocket: string;
  /** True until QEMU exited. */
  running(): boolean;
  /** What QEMU itself wrote to stderr (its own errors, not the guest's). */
  stderr(): string;
  memory(): Promise<ProcessMemory>;
  /** Idempotent: SIGTERM, SIGKILL after a grace period, waits for the exit, removes the run files. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Aborting stops the QEMU (at any time until it is stopped). */
  signal?: AbortSignal;
  /** How long QEMU gets to quit after SIGTERM before it is killed (default QEMU_STOP_GRACE_MS). */
  graceMs?: number;
  /**
   * A migration stream file to load instead of booting (`-incoming` on the file as fd 3, with `-S`): the guest
   * stays stopped until QMP `cont`.
   */
  incoming?: string;
}

/** Unix socket paths are limited to 108 bytes; the run folder is short, the name part is kept short too. */
function runFileBase(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 32);
  return join(runDir(), `${safe}-${++launched}`);
}
let launched = 0;

const STDERR_LIMIT = 64 * 1024;

/** How long a QEMU gets to exit in order after SIGTERM before SIGKILL. */
export const QEMU_STOP_GRACE_MS = 2_000;

/**
 * Starts QEMU for `spec` and resolves as soon as the process exists (it is registered with the lifecycle registry
 * from that moment on). Guest-specific waiting (console markers, probes) is the caller's.
 */
export async function launchQemu(spec: QemuSpec & LaunchOptions): Promise<QemuProcess> {
  const { signal, graceMs = QEMU_STOP_GRACE_MS, incoming, ...qemuSpec } = spec;
  const binary = await qemuBinary();
  signal?.throwIfAborted();
  const base = runFileBase(spec.name);
  const qmpSocket = `${base}.qmp`;
  const pidFile = `${base}.pid`;
  const args = qemuArgs(qemuSpec, { qmpSocket, pidFile, sandbox: binary.sandbox });
  if (incoming) args.push('-incoming', 'fd:3', '-S');

  const incomingFd = incoming ? openSync(incoming, 'r') : undefined;
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(binary.path, args, { stdio: ['ignore', 'pipe', 'pipe', incomingFd ?? 'ignore'] }) as ChildProcessByStdio<null, Readable, Readable>;
  } finally {
    // QEMU has its own copy of the descriptor.
    if (incomingFd !== undefined) closeSync(incomingFd);
  }
  const spawnedAt = performance.now();
  // Kept for the lifetime of the child: an 'error' event without a listener would crash the harness.
  const failed = new Promise<Error>((resolve) => child.on('error', resolve));
  const consoleLog = new ConsoleLog();
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => consoleLog.push(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk;
  });
  const exited = new Promise<VmExit>((resolve) => {
    child.once('close', (code, sig) => {
      const exit = { code, signal: sig };
      consoleLog.close(`QEMU ${describeExit(exit)}${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}`);
      resolve(exit);
    });
  });

  if (child.pid === undefined) throw new Error(`${binary.path} could not be started: ${(await failed).message}`);
  const pid = child.pid;
  const description = `${spec.name} (qemu pid ${pid})`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM, not QMP quit: QEMU shuts down just as orderly, and it costs one turn of its main loop instead of
        // four (connect, greeting, negotiation, quit): hundreds of guests that share a saturated CPU stop in seconds.
        child.kill('SIGTERM');
        const quit = await Promise.race([exited.then(() => true), sleep(graceMs, false)]);
        if (!quit) child.kill('SIGKILL');
        await exited;
      }
      await Promise.all([rm(pidFile, { force: true }), rm(qmpSocket, { force: true })]);
      untrack();
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  const untrack = track({ description, stop });
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  return {
    pid,
    spawnedAt,
    console: consoleLog,
    exited,
    description,
    qmpSocket,
    running: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    memory: () => processMemory(pid),
    stop,
  };
}
