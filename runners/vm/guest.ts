import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatePort, releasePort } from '../../core/ports.ts';
import { waitReady } from '../../fixtures/probes.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import { TrialFailure, type Endpoint, type Phases, type StartOptions } from '../types.ts';
import { VmInstance } from './instance.ts';
import type { Vm, Vmm, VmSpec } from './vmm.ts';

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
  vm: Vm;
  instance: VmInstance;
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
  /** What boots the guest. */
  vmm: Vmm;
  /** All but the name (from `runner`) and the port forward (to the host port the start allocates). */
  vm: Omit<VmSpec, 'name' | 'net'>;
  guestPort: number;
  failure: ConsoleFailure;
  /** Between spawn and probe: waits for boot milestones the console shows. */
  afterSpawn?: (boot: Boot) => Promise<void>;
  /** Once ready: what the console showed on the way. */
  afterReady?: (boot: Boot) => Promise<void>;
  /** The reason a start failed; `error` is what ended the wait, `endedByItself` whether the VM had exited by then. */
  diagnose: (error: Error, vm: Vm, endedByItself: boolean) => string | Promise<string>;
}

/** Rejects once the console shows `failure` or the VM exits; never settles once `signal` aborts. */
function watchConsole(vm: Vm, failure: ConsoleFailure, signal: AbortSignal): Promise<never> {
  return vm.console.waitFor(failure.pattern, { timeoutMs: Infinity, signal, what: 'the workload was ready' }).then(
    async (m) => {
      if (failure.settleMs !== undefined) await Promise.race([vm.exited, sleep(failure.settleMs)]);
      throw new Error(failure.describe ? failure.describe(m.match[0]) : m.match[0]);
    },
    (error: unknown) => (signal.aborted ? new Promise<never>(() => {}) : Promise.reject(error)),
  );
}

/**
 * Boots `guest` under its VMM and resolves once its workload's probe succeeds. On failure it stops the VM and
 * rejects with a TrialFailure carrying the console tail, or with the caller's abort reason.
 */
export async function startGuest(guest: Guest, options: StartOptions): Promise<VmInstance> {
  const { signal, readyTimeoutMs } = options;
  signal?.throwIfAborted();
  const { workload: w, what } = guest;
  const hostPort = await allocatePort();
  const endpoint: Endpoint = { host: '127.0.0.1', port: hostPort };
  const requested = performance.now();
  // Whole milliseconds: the probe's failure message quotes this.
  const remaining = () => Math.max(1, Math.ceil(requested + readyTimeoutMs - performance.now()));

  const name = `${guest.runner}-${w.name}`;
  let vm: Vm;
  try {
    vm = await guest.vmm.launch({ ...guest.vm, name, net: { hostPort, guestPort: guest.guestPort } }, { signal });
  } catch (error) {
    releasePort(hostPort);
    if (signal?.aborted) throw signal.reason;
    throw new TrialFailure(`${what}: ${guest.vmm.name} could not be started: ${(error as Error).message}`);
  }

  const phases: Phases = { requested: 0, spawned: vm.spawnedAt - requested };
  const instance = new VmInstance(guest.runner, guest.vmm, vm, w.name, endpoint, phases, { ...guest.vm, name, guestPort: guest.guestPort });
  const watching = new AbortController();
  const boot: Boot = { vm, instance, requested, remaining, signal: signal ? AbortSignal.any([signal, watching.signal]) : watching.signal };
  const failed = watchConsole(vm, guest.failure, watching.signal);
  try {
    if (guest.afterSpawn) await Promise.race([guest.afterSpawn(boot), failed]);
    await Promise.race([
      // Once the failure watch wins, `finally` aborts boot.signal: the probe stops knocking on a guest that will never serve.
      waitReady(w.probe, endpoint, { timeoutMs: remaining(), signal: boot.signal, isAlive: () => vm.running() }),
      failed,
    ]);
    phases.ready = performance.now() - requested;
    await guest.afterReady?.(boot);
    return instance;
  } catch (error) {
    const endedByItself = !vm.running();
    await instance.stop();
    if (signal?.aborted) throw signal.reason;
    throw new TrialFailure(`${what}: ${await guest.diagnose(error as Error, vm, endedByItself)}`, vm.console.tail(50));
  } finally {
    watching.abort();
  }
}
