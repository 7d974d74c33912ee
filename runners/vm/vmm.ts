import type { ProcessMemory } from '../../core/procmem.ts';
import type { Availability } from '../types.ts';
import type { ConsoleLog } from './console.ts';

/**
 * What a VM runner boots, the same under every VMM: a kernel booted directly, its guest resources, one TCP port
 * forward from the host's loopback. How the VMM emulates the machine (QEMU's machine type and CPU model, a
 * Firecracker CPU template) is the Vmm's own, fixed when it is made.
 */
export interface VmSpec {
  /** Shown in `ps` and in the lifecycle registry; also names the VMM's run files. */
  name: string;
  vcpus: number;
  memoryMiB: number;
  kernel: string;
  initrd?: string;
  /** The kernel command line. */
  cmdline: string;
  /** One TCP port forward from 127.0.0.1:hostPort to the guest's port. */
  net: { hostPort: number; guestPort: number };
}

export interface VmExit {
  code: number | null;
  signal: string | null;
}

/** Describes an exit for messages: "exited with code 1", "was killed by SIGKILL". */
export function describeExit(exit: VmExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

export interface VmLaunchOptions {
  /** Aborting stops the VM (at any time until it is stopped). */
  signal?: AbortSignal;
  /** A file `Vm.save` wrote: the VM loads that guest instead of booting, and holds it until `resume`. */
  snapshot?: string;
}

/** One guest and the VMM process that runs it; it is registered with the lifecycle registry while it runs. */
export interface Vm {
  /** The VMM's host process. */
  readonly pid: number;
  /** performance.now() right after the process was created. */
  readonly spawnedAt: number;
  /** The guest's serial console. */
  readonly console: ConsoleLog;
  /** Resolves when the VMM has exited and its output is fully read. */
  readonly exited: Promise<VmExit>;
  /** e.g. "linux-vm-nginx (qemu pid 1234)" */
  readonly description: string;
  /** True until the VMM exited. */
  running(): boolean;
  /** How a VMM that ended ended, for messages: its exit and its own first error line (not its warnings). */
  ending(): Promise<string>;
  /** Host memory of the VMM process (the guest's memory is in it). */
  memory(): Promise<ProcessMemory>;
  /** Idempotent: ends the VMM (forcibly after a grace period), waits for the exit, removes its run files. */
  stop(): Promise<void>;
  /** Freezes the guest where it is; its memory stays held. Absent where the VMM cannot. */
  pause?(): Promise<void>;
  /**
   * Lets a guest run on: one `pause` froze, or one launched from a snapshot (waiting until it is loaded; a VMM
   * that cannot load it exits, and the promise rejects).
   */
  resume?(signal?: AbortSignal): Promise<void>;
  /** Writes the whole guest to `file` and leaves it frozen, for the caller to stop; resolves with the bytes written. */
  save?(file: string, signal?: AbortSignal): Promise<number>;
}

/**
 * A virtual machine monitor as the VM runners use it: it launches guests from a `VmSpec` on the accelerator the
 * runner's preflight decided. QEMU is one (runners/qemu/vmm.ts); a Firecracker runner would bring another.
 */
export interface Vmm {
  /** Its name in messages and labels: "QEMU could not be started", "memory = QEMU process on the host". */
  readonly name: string;
  /** What its guests run on: the accelerator the runner's preflight decided (TCG where it decided none). */
  readonly accel: 'kvm' | 'tcg';
  /** The machine its guests get, for the label. */
  readonly machine: string;
  /** The CPU model its guests see, for the label. */
  readonly cpu: string;
  /** Whether it is installed here, or why not and how to install it. */
  availability(): Promise<Availability>;
  /** Starts a VM for `spec` and resolves as soon as its process exists; guest-specific waiting is the caller's. */
  launch(spec: VmSpec, options?: VmLaunchOptions): Promise<Vm>;
}

/** The label's note on what a VM's memory figures are. */
export function vmMemoryNote(vmm: Vmm): string {
  return `memory = ${vmm.name} process on the host (RSS, PSS); guest memory as configured`;
}
