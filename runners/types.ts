import type { Accelerator, Label } from '../core/label.ts';
import type { Workload } from '../fixtures/workloads.ts';
import type { Endpoint } from '../core/endpoint.ts';

// Part of the runners' contract (an instance answers at an Endpoint; a failed start rejects with a TrialFailure), in
// core/ because the fixtures' readiness probes use them too.
export type { Endpoint } from '../core/endpoint.ts';
export { TrialFailure } from '../core/trial-failure.ts';

/**
 * Phase timestamps in ms since `requested` (performance.now() based), filled in as they happen.
 * requested: start() was called; spawned: the container/QEMU process exists; firstOutput: first console byte;
 * ready: the probe succeeded. A runner adds phases of its own (its descriptor's `phases`: the Linux VM's kernelInit).
 */
export type Phases = { [P in 'requested' | 'spawned' | 'firstOutput' | 'ready']?: number } & { [phase: string]: number | undefined };

/** Host-side memory of one instance, in bytes. */
export interface MemorySample {
  /** Container: cgroup usage + shim RSS. VM/unikernel: QEMU RSS. */
  rssBytes: number;
  /** Proportional set size (QEMU: smaps_rollup; container: cgroup usage + shim PSS). */
  pssBytes: number;
  /** Peak RSS (VmHWM) where known. */
  peakRssBytes?: number;
  /** The guest memory configured for a VM or unikernel. */
  guestMemoryBytes?: number;
  /** The parts the totals are made of, for the reader (cgroupBytes, shimRssBytes, ...). */
  parts?: Record<string, number>;
}

/**
 * Host-wide facts read at most once per scan, shared by the memory readings of many instances: a sweep over N
 * instances reads /proc once, not N times. A fresh scan for every sweep: the host changes between sweeps.
 */
export interface HostScan {
  /** docker-proxy pid by the host port it forwards. */
  dockerProxies(): Promise<ReadonlyMap<number, number>>;
}

export interface StartOptions {
  /** The probe must succeed within this time after `requested`, else the start fails. */
  readyTimeoutMs: number;
  /** Guest memory for VMs and unikernels; the runner's configured default when absent. */
  memoryMiB?: number;
  /**
   * The run's signal (SIGINT). Aborting stops the instance, while it starts (the start rejects with the signal's
   * reason) and for the rest of its life: pass a signal that only aborts when the instance should go.
   */
  signal?: AbortSignal;
}

/** A running workload instance. `stop()` is idempotent and always leaves nothing running. */
export interface Instance {
  readonly id: string;
  /** The runner's name. */
  readonly runner: string;
  readonly workload: string;
  readonly endpoint: Endpoint;
  readonly phases: Phases;
  /** Guest kernel uptime (s) when init printed its marker, where the kernel prints it. */
  readonly guestUptimeAtInitS?: number;
  /** Host process id (QEMU) or the container's init pid on the host, for cleanup bookkeeping. */
  readonly pid?: number;
  /** Memory now; `scan` shares host-wide lookups with the other instances of a sweep (a fresh one when absent). */
  memory(scan?: HostScan): Promise<MemorySample>;
  /** CPU used so far; read before and after a load, the difference is what serving it cost. */
  cpuTime?(): Promise<ServerCpu>;
  /** Console output (VM/unikernel) or container logs, most recent last. */
  logs(): string;
  /** False once the instance died or was stopped. */
  alive(): Promise<boolean>;
  stop(): Promise<void>;
  /** Freezes the instance where it is (its memory stays held); `resume` lets it run on. Absent where it cannot. */
  pause?(): Promise<void>;
  resume?(): Promise<void>;
  /**
   * Writes the instance's whole state to `file` (which the caller removes) and ends the instance; the snapshot
   * restores a new one. Throws StrategyUnavailable where the platform cannot do it on this host.
   */
  snapshot?(file: string, signal?: AbortSignal): Promise<Snapshot>;
}

/** An instance saved to disk, holding no memory until it is restored. */
export interface Snapshot {
  file: string;
  /** Bytes on disk. */
  bytes: number;
  /** A new instance from the file, running and answering on its own endpoint; stopped again on `signal`. */
  restore(signal?: AbortSignal): Promise<Instance>;
}

/** A way of scaling to zero that this platform cannot do on this host: its cell is not run, with this reason. */
export class StrategyUnavailable extends Error {
  override name = 'StrategyUnavailable';
}

/** CPU time the server side of an instance has used since it started, in µs. */
export interface ServerCpu {
  /** Container: its cgroup (every process in it). VM/unikernel: the QEMU process (all its threads). */
  totalUs: number;
  /** Work for the instance outside that total (the container's docker-proxy), for the reader. */
  parts?: Record<string, number>;
}

/** Either the runner can run here, or why not and how to fix it. */
export type Availability = { ok: true } | { ok: false; reason: string; fix: string };

/**
 * The one interface for every platform. A runner prepares artefacts once (not timed), then starts instances;
 * `start` resolves after the workload's readiness probe succeeded, and on failure rejects with a TrialFailure
 * after having stopped whatever it started.
 */
/** What every runner is made with: its own section of the config, the cache, the accelerator its preflight chose. */
export interface RunnerContext<Section> {
  config: Section;
  cacheDir: string;
  accelerator: Accelerator;
  log?: (line: string) => void;
}

export interface Runner<Name extends string = string> {
  readonly name: Name;
  /**
   * Why this platform has no guest memory size to set (containers take what their processes allocate); absent
   * where `StartOptions.memoryMiB` sizes the guest.
   */
  readonly fixedMemory?: string;
  /** Whether this runner can run `workload` on this host; a not-run cell carries the reason. */
  availability(workload: Workload): Promise<Availability>;
  /** How this runner measures `workload` (accelerator, machine, memory, rootfs hash, stand-in). */
  label(workload: Workload, options?: Pick<StartOptions, 'memoryMiB'>): Label;
  /** Build or fetch everything `start` needs; idempotent and cached. */
  prepare(workload: Workload, signal?: AbortSignal): Promise<void>;
  start(workload: Workload, options: StartOptions): Promise<Instance>;
  /**
   * Of `instances`, already stopped, the ids the platform itself still lists, in one query for all of them (the
   * Docker API for containers). Absent where a host process is all there is, which /proc shows.
   */
  stillListed?(instances: readonly Instance[]): Promise<string[]>;
}
