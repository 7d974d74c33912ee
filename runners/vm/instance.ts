import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatePort, releasePort } from '../../core/ports.ts';
import { processCpuUs } from '../../core/proccpu.ts';
import { TrialFailure, type Endpoint, type Instance, type MemorySample, type Phases, type ServerCpu, type Snapshot } from '../types.ts';
import { cleanConsoleText } from './console.ts';
import type { Vm, Vmm, VmSpec } from './vmm.ts';

/** How long a VMM whose load failed gets to exit and say why. */
const EXIT_GRACE_MS = 2_000;

/** What a VM was launched with, all but the host port: a snapshot is restored into the same machine. */
export type LaunchedSpec = Omit<VmSpec, 'net'> & { guestPort: number };

/**
 * A guest under a VMM, whichever runner booted it; it owns its VM and its forwarded host port. It pauses and
 * snapshots where its VMM can.
 */
export class VmInstance implements Instance {
  readonly id: string;
  readonly pid: number;
  /** Set by runners whose guest prints its kernel uptime at init. */
  guestUptimeAtInitS?: number;
  readonly pause?: () => Promise<void>;
  readonly resume?: () => Promise<void>;
  readonly snapshot?: (file: string, signal?: AbortSignal) => Promise<Snapshot>;
  #stopping?: Promise<void>;

  constructor(
    readonly runner: string,
    private readonly vmm: Vmm,
    private readonly vm: Vm,
    readonly workload: string,
    readonly endpoint: Endpoint,
    readonly phases: Phases,
    private readonly spec: LaunchedSpec,
  ) {
    this.pid = vm.pid;
    this.id = `${runner}-${workload}-${vm.pid}`;
    const { pause, resume, save } = vm;
    if (pause && resume) {
      this.pause = () => pause.call(vm);
      this.resume = () => resume.call(vm);
    }
    if (save && resume) this.snapshot = (file, signal) => this.#snapshot(save.bind(vm), file, signal);
  }

  async memory(): Promise<MemorySample> {
    return { ...(await this.vm.memory()), guestMemoryBytes: this.spec.memoryMiB * 2 ** 20 };
  }

  async cpuTime(): Promise<ServerCpu> {
    return { totalUs: await processCpuUs(this.pid) };
  }

  logs(): string {
    return cleanConsoleText(this.vm.console.text());
  }

  async alive(): Promise<boolean> {
    return !this.#stopping && this.vm.running();
  }

  async #snapshot(save: NonNullable<Vm['save']>, file: string, signal?: AbortSignal): Promise<Snapshot> {
    const bytes = await save(file, signal);
    await this.stop();
    return { file, bytes, restore: (restoreSignal) => this.#restore(file, restoreSignal) };
  }

  /** A new VM of the same machine that loads `file` and runs on, on a port of its own. */
  async #restore(file: string, signal?: AbortSignal): Promise<VmInstance> {
    const { guestPort, ...spec } = this.spec;
    const hostPort = await allocatePort();
    const requested = performance.now();
    let vm: Vm;
    try {
      vm = await this.vmm.launch({ ...spec, net: { hostPort, guestPort } }, { snapshot: file, signal });
    } catch (error) {
      releasePort(hostPort);
      throw error;
    }
    const endpoint: Endpoint = { host: '127.0.0.1', port: hostPort };
    const instance = new VmInstance(this.runner, this.vmm, vm, this.workload, endpoint, { requested: 0, spawned: vm.spawnedAt - requested }, this.spec);
    try {
      // The VMM that saved the guest resumes its VMs: `snapshot` exists only where it does both.
      await vm.resume!(signal);
      instance.phases.ready = performance.now() - requested;
      return instance;
    } catch (error) {
      // A VMM that cannot load the snapshot ends (a QEMU drops its QMP connection as it exits): its exit is the story.
      const ended = await Promise.race([vm.exited.then(() => true), sleep(EXIT_GRACE_MS, false)]);
      await instance.stop();
      if (signal?.aborted) throw signal.reason;
      const why = ended ? await vm.ending() : (error as Error).message;
      throw new TrialFailure(`the snapshot ${file} could not be restored: ${why}`, vm.console.tail(20));
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.vm.stop().finally(() => releasePort(this.endpoint.port));
    return this.#stopping;
  }
}
