import type { RunnerName } from '../../core/config.ts';
import { releasePort } from '../../core/ports.ts';
import { processCpuUs } from '../../core/proccpu.ts';
import type { Endpoint, Instance, MemorySample, Phases, ServerCpu } from '../types.ts';
import { cleanConsoleText } from './console.ts';
import type { QemuProcess } from './launch.ts';

/** A guest under QEMU, whichever runner booted it; it owns its QEMU and its forwarded host port. */
export class QemuInstance implements Instance {
  readonly id: string;
  readonly pid: number;
  /** Set by runners whose guest prints its kernel uptime at init. */
  guestUptimeAtInitS?: number;
  #stopping?: Promise<void>;

  constructor(
    readonly runner: RunnerName,
    private readonly qemu: QemuProcess,
    readonly workload: string,
    readonly endpoint: Endpoint,
    readonly phases: Phases,
    private readonly guestMemoryBytes: number,
  ) {
    this.pid = qemu.pid;
    this.id = `${runner}-${workload}-${qemu.pid}`;
  }

  async memory(): Promise<MemorySample> {
    return { ...(await this.qemu.memory()), guestMemoryBytes: this.guestMemoryBytes };
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

  stop(): Promise<void> {
    this.#stopping ??= this.qemu.stop().finally(() => releasePort(this.endpoint.port));
    return this.#stopping;
  }
}
