import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatePort, releasePort } from '../../core/ports.ts';
import { processCpuUs } from '../../core/proccpu.ts';
import { TrialFailure, type Endpoint, type Instance, type MemorySample, type Phases, type ServerCpu, type Snapshot } from '../types.ts';
import type { QemuSpec } from './args.ts';
import { cleanConsoleText } from './console.ts';
import { describeExit, launchQemu, type QemuProcess } from './launch.ts';
import { QmpClient } from './qmp.ts';
import { continueLoadedGuest, saveGuest } from './snapshot.ts';

const QMP_TIMEOUT_MS = 10_000;
/** How long a QEMU whose load failed gets to exit and say why. */
const EXIT_GRACE_MS = 2_000;

/** A guest under QEMU, whichever runner booted it; it owns its QEMU and its forwarded host port. */
export class QemuInstance implements Instance {
  readonly id: string;
  readonly pid: number;
  /** Set by runners whose guest prints its kernel uptime at init. */
  guestUptimeAtInitS?: number;
  #stopping?: Promise<void>;
  /** Held while paused, so that `cont` is one round trip (QMP serves one client at a time: closed before quit). */
  #paused?: QmpClient;

  constructor(
    readonly runner: string,
    private readonly qemu: QemuProcess,
    readonly workload: string,
    readonly endpoint: Endpoint,
    readonly phases: Phases,
    /** What was launched, all but the host port: a snapshot is restored into the same machine. */
    private readonly spec: Omit<QemuSpec, 'net'> & { guestPort: number },
  ) {
    this.pid = qemu.pid;
    this.id = `${runner}-${workload}-${qemu.pid}`;
  }

  async memory(): Promise<MemorySample> {
    return { ...(await this.qemu.memory()), guestMemoryBytes: this.spec.memoryMiB * 2 ** 20 };
  }

  async cpuTime(): Promise<ServerCpu> {
    return { totalUs: await processCpuUs(this.pid) };
  }

  logs(): string {
    return cleanConsoleText(this.qemu.console.text());
  }

  async alive(): Promise<boolean> {
    return !this.#stopping && this.qemu.running();
  }

  async pause(): Promise<void> {
    const qmp = await QmpClient.connect(this.qemu.qmpSocket, QMP_TIMEOUT_MS);
    try {
      await qmp.execute('stop');
    } catch (error) {
      qmp.close();
      throw error;
    }
    this.#paused = qmp;
  }

  async resume(): Promise<void> {
    const qmp = this.#paused;
    if (!qmp) throw new Error(`${this.qemu.description} is not paused`);
    this.#paused = undefined;
    try {
      await qmp.execute('cont');
    } finally {
      qmp.close();
    }
  }

  async snapshot(file: string, signal?: AbortSignal): Promise<Snapshot> {
    const bytes = await saveGuest(this.qemu.qmpSocket, file, signal);
    await this.stop();
    return { file, bytes, restore: (restoreSignal) => this.#restore(file, restoreSignal) };
  }

  /** A new QEMU of the same machine that loads `file` (`-incoming`) and runs on, on a port of its own. */
  async #restore(file: string, signal?: AbortSignal): Promise<QemuInstance> {
    const { guestPort, ...spec } = this.spec;
    const hostPort = await allocatePort();
    const requested = performance.now();
    let qemu: QemuProcess;
    try {
      qemu = await launchQemu({ ...spec, net: { hostPort, guestPort }, incoming: file, signal });
    } catch (error) {
      releasePort(hostPort);
      throw error;
    }
    const instance = new QemuInstance(this.runner, qemu, this.workload, { host: '127.0.0.1', port: hostPort }, { requested: 0, spawned: qemu.spawnedAt - requested }, this.spec);
    try {
      await continueLoadedGuest(qemu.qmpSocket, qemu.exited, signal);
      instance.phases.ready = performance.now() - requested;
      return instance;
    } catch (error) {
      // A QEMU that cannot load the stream drops the QMP connection as it exits: its exit is the story.
      const ended = await Promise.race([qemu.exited.then(() => true), sleep(EXIT_GRACE_MS, false)]);
      await instance.stop();
      if (signal?.aborted) throw signal.reason;
      const own = qemu.stderr().trim().split('\n').find((line) => line !== '' && !line.includes('warning:'));
      const why = ended ? `QEMU ${describeExit(await qemu.exited)}${own ? `: ${own}` : ''}` : (error as Error).message;
      throw new TrialFailure(`the snapshot ${file} could not be restored: ${why}`, qemu.console.tail(20));
    }
  }

  stop(): Promise<void> {
    this.#paused?.close();
    this.#paused = undefined;
    this.#stopping ??= this.qemu.stop().finally(() => releasePort(this.endpoint.port));
    return this.#stopping;
  }
}
