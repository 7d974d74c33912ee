import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatePort, releasePort } from '../../core/ports.ts';
import { waitReady } from '../../fixtures/probes.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import { TrialFailure, type Endpoint, type Phases, type StartOptions } from '../types.ts';
import type { QemuSpec } from './args.ts';
import { QemuInstance } from './instance.ts';
import { launchQemu, type QemuProcess } from './launch.ts';

/** Console output that means the guest will never serve. */
export interface ConsoleFailure {
  pattern: RegExp;
  /** The error for the matched text; the matched text itself when absent. */
  describe?: (matched: string) => string;
  /** Lets the guest print the rest of its story before the start gives up. */
  settleMs?: number;
}

/** A booting guest, as the runner's own steps see it. */
export interface Boot {
  qemu: QemuProcess;
  instance: QemuInstance;
  /** performance.now() when the start was requested: phases count from it. */
  requested: number;
  /** ms left until the ready deadline. */
  remaining: () => number;
  /** Aborts when the caller aborts or the start is over (failed or not), so that a step stops waiting. */
  signal: AbortSignal;
}

export interface Guest {
  /** The runner's name. */
  runner: string;
  workload: Workload;
  /** Names the guest in failure messages, e.g. "nginx VM". */
  what: string;
  /** All but the name (from `runner`) and the port forward (to the host port the start allocates). */
  qemu: Omit<QemuSpec, 'name' | 'net'>;
  guestPort: number;
  failure: ConsoleFailure;
  /** Between spawn and probe: waits for boot milestones the console shows. */
  afterSpawn?: (boot: Boot) => Promise<void>;
  /** Once ready: what the console showed on the way. */
  afterReady?: (boot: Boot) => Promise<void>;
  /** The reason a start failed; `error` is what ended the wait, `endedByItself` whether QEMU had exited by then. */
  diagnose: (error: Error, qemu: QemuProcess, endedByItself: boolean) => string | Promise<string>;
}

/** Rejects once the console shows `failure` or QEMU exits; never settles once `signal` aborts. */
function watchConsole(qemu: QemuProcess, failure: ConsoleFailure, signal: AbortSignal): Promise<never> {
  return qemu.console.waitFor(failure.pattern, { timeoutMs: Infinity, signal, what: 'the workload was ready' }).then(
    async (m) => {
      if (failure.settleMs !== undefined) await Promise.race([qemu.exited, sleep(failure.settleMs)]);
      throw new Error(failure.describe ? failure.describe(m.match[0]) : m.match[0]);
    },
    (error: unknown) => (signal.aborted ? new Promise<never>(() => {}) : Promise.reject(error)),
  );
}

/**
 * Boots `guest` and resolves once its workload's probe succeeds. On failure it stops the QEMU and rejects with a
 * TrialFailure carrying the console tail, or with the caller's abort reason.
 */
export async function startGuest(guest: Guest, options: StartOptions): Promise<QemuInstance> {
  const { signal, readyTimeoutMs } = options;
  signal?.throwIfAborted();
  const { workload: w, what } = guest;
  const hostPort = await allocatePort();
  const endpoint: Endpoint = { host: '127.0.0.1', port: hostPort };
  const requested = performance.now();
  // Whole milliseconds: the probe's failure message quotes this.
  const remaining = () => Math.max(1, Math.ceil(requested + readyTimeoutMs - performance.now()));

  let qemu: QemuProcess;
  try {
    qemu = await launchQemu({ ...guest.qemu, name: `${guest.runner}-${w.name}`, net: { hostPort, guestPort: guest.guestPort }, signal });
  } catch (error) {
    releasePort(hostPort);
    if (signal?.aborted) throw signal.reason;
    throw new TrialFailure(`${what}: QEMU could not be started: ${(error as Error).message}`);
  }

  const phases: Phases = { requested: 0, spawned: qemu.spawnedAt - requested };
  const instance = new QemuInstance(guest.runner, qemu, w.name, endpoint, phases, {
    ...guest.qemu,
    name: `${guest.runner}-${w.name}`,
    guestPort: guest.guestPort,
  });
  const watching = new AbortController();
  const boot: Boot = { qemu, instance, requested, remaining, signal: signal ? AbortSignal.any([signal, watching.signal]) : watching.signal };
  const failed = watchConsole(qemu, guest.failure, watching.signal);
  try {
    if (guest.afterSpawn) await Promise.race([guest.afterSpawn(boot), failed]);
    await Promise.race([
      // Once the failure watch wins, `finally` aborts boot.signal: the probe stops knocking on a guest that will never serve.
      waitReady(w.probe, endpoint, { timeoutMs: remaining(), signal: boot.signal, isAlive: () => qemu.running() }),
      failed,
    ]);
    phases.ready = performance.now() - requested;
    await guest.afterReady?.(boot);
    return instance;
  } catch (error) {
    const endedByItself = !qemu.running();
    await instance.stop();
    if (signal?.aborted) throw signal.reason;
    throw new TrialFailure(`${what}: ${await guest.diagnose(error as Error, qemu, endedByItself)}`, qemu.console.tail(50));
  } finally {
    watching.abort();
  }
}
