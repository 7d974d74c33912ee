import type { Accelerator } from '../../core/label.ts';
import type { Availability } from '../types.ts';
import { describeExit, type Vm, type VmLaunchOptions, type Vmm, type VmSpec } from '../vm/vmm.ts';
import { cpuModelFor, type AccelKind } from './accel.ts';
import type { QemuSpec } from './args.ts';
import { QEMU_PACKAGE, qemuBinary } from './binary.ts';
import { launchQemu, type QemuProcess } from './launch.ts';
import { QmpClient } from './qmp.ts';
import { continueLoadedGuest, saveGuest } from './snapshot.ts';

const QMP_TIMEOUT_MS = 10_000;

/** A guest under QEMU: pause and resume through QMP `stop`/`cont`, snapshots through migration to a file. */
class QemuVm implements Vm {
  /** Held while paused, so that `cont` is one round trip (QMP serves one client at a time: closed before quit). */
  #paused?: QmpClient;
  /** Launched with `-incoming`: the first `resume` waits for the load, then lets the guest run. */
  #loading: boolean;

  constructor(
    private readonly qemu: QemuProcess,
    loading: boolean,
  ) {
    this.#loading = loading;
  }

  get pid() {
    return this.qemu.pid;
  }
  get spawnedAt() {
    return this.qemu.spawnedAt;
  }
  get console() {
    return this.qemu.console;
  }
  get exited() {
    return this.qemu.exited;
  }
  get description() {
    return this.qemu.description;
  }

  running(): boolean {
    return this.qemu.running();
  }

  async ending(): Promise<string> {
    const exit = await this.qemu.exited;
    const own = this.qemu.stderr().trim().split('\n').find((line) => line !== '' && !line.includes('warning:'));
    return `QEMU ${describeExit(exit)}${own ? `: ${own}` : ''}`;
  }

  memory() {
    return this.qemu.memory();
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

  async resume(signal?: AbortSignal): Promise<void> {
    if (this.#loading) {
      this.#loading = false;
      return continueLoadedGuest(this.qemu.qmpSocket, this.qemu.exited, signal);
    }
    const qmp = this.#paused;
    if (!qmp) throw new Error(`${this.qemu.description} is not paused`);
    this.#paused = undefined;
    try {
      await qmp.execute('cont');
    } finally {
      qmp.close();
    }
  }

  save(file: string, signal?: AbortSignal): Promise<number> {
    return saveGuest(this.qemu.qmpSocket, file, signal);
  }

  stop(): Promise<void> {
    this.#paused?.close();
    this.#paused = undefined;
    return this.qemu.stop();
  }
}

export interface QemuVmmOptions {
  /** The accelerator the runner's preflight decided; TCG where it decided none. */
  accelerator: Accelerator;
  machine: QemuSpec['machine'];
  /** The CPU model under each accelerator (default: `cpuModelFor`, the host's under KVM, `max` under TCG). */
  cpuModel?: (accel: AccelKind) => string;
}

/** QEMU as the VMM of a runner's guests: `machine` with the given CPU model, on the decided accelerator. */
export function qemuVmm(options: QemuVmmOptions): Vmm {
  const accel: AccelKind = options.accelerator.kind === 'kvm' ? 'kvm' : 'tcg';
  const { machine } = options;
  const cpu = (options.cpuModel ?? cpuModelFor)(accel);
  return {
    name: 'QEMU',
    accel,
    machine,
    cpu,
    async availability(): Promise<Availability> {
      try {
        await qemuBinary();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: (error as Error).message, fix: `apt-get install ${QEMU_PACKAGE}` };
      }
    },
    async launch(spec: VmSpec, launch: VmLaunchOptions = {}): Promise<Vm> {
      const { cmdline, ...rest } = spec;
      const qemu = await launchQemu({ ...rest, machine, accel, cpu, append: cmdline, signal: launch.signal, incoming: launch.snapshot });
      return new QemuVm(qemu, launch.snapshot !== undefined);
    },
  };
}
