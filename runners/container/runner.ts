import type Docker from 'dockerode';
import { Writable } from 'node:stream';
import { STOP_TIMEOUT_MS, track } from '../../core/lifecycle.ts';
import { allocatePort, releasePort } from '../../core/ports.ts';
import { ensureImage } from '../../fixtures/container-image.ts';
import { waitReady } from '../../fixtures/probes.ts';
import { buildRootfs, cachedRootfs } from '../../fixtures/rootfs.ts';
import type { Accelerator } from '../../core/label.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import { processCpuUs } from '../../core/proccpu.ts';
import { containerCpuUs } from './cpu.ts';
import { containerMemory } from './memory.ts';
import { docker, dockerAvailability } from './docker.ts';
import { createHostScan } from '../host-scan.ts';
import {
  StrategyUnavailable,
  TrialFailure,
  type Endpoint,
  type HostScan,
  type Instance,
  type MemorySample,
  type Phases,
  type ServerCpu,
  type Runner,
  type Snapshot,
  type StartOptions,
} from '../types.ts';

/** Every container's: it has no accelerator of its own. */
export const CONTAINER_ACCELERATOR: Accelerator = { kind: 'none', reason: 'containers run on the host kernel' };

/** Container logs kept for `logs()`: the tail is what explains a failure. */
const LOG_KEEP_BYTES = 64 * 1024;
const FAILURE_TAIL_LINES = 50;

/** Splits Docker's multiplexed (non-TTY) log stream: 8-byte frame headers, then the frame. */
function demuxLogs(buffer: Buffer): string {
  const frames: Buffer[] = [];
  for (let at = 0; at + 8 <= buffer.length; ) {
    const length = buffer.readUInt32BE(at + 4);
    frames.push(buffer.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return Buffer.concat(frames).toString('utf8');
}

class ContainerInstance implements Instance {
  readonly runner = 'container' as const;
  readonly phases: Phases = { requested: 0 };
  pid?: number;
  private proxyPid?: Promise<number | undefined>;
  /** Exit status once the container's process ended (while not stopped by us). */
  exitStatus?: number;
  private log = '';
  private logStream?: NodeJS.ReadableStream & { destroy(): void };
  private stopping?: Promise<void>;
  private readonly untrack: () => void;

  constructor(
    private readonly container: Docker.Container,
    readonly workload: string,
    readonly endpoint: Endpoint,
  ) {
    this.untrack = track({ description: this.description, stop: () => this.stop() });
  }

  /**
   * Notes the exit status when the process ends. Called once the container started: 'not-running' then answers at
   * once for a process that already exited, and is one idle request instead of polling the engine.
   */
  watchExit(): void {
    this.container.wait({ condition: 'not-running' }).then(
      (result: { StatusCode: number }) => {
        if (!this.stopping) this.exitStatus = result.StatusCode;
      },
      () => {},
    );
  }

  get id(): string {
    return this.container.id;
  }

  get description(): string {
    return `container ${this.workload} (${this.container.id.slice(0, 12)}, port ${this.endpoint.port})`;
  }

  /** Keeps the container's output for `logs()`; not awaited, so that probing starts without a round trip. */
  followLogs(): void {
    this.container.logs({ follow: true, stdout: true, stderr: true }).then(
      (stream) => {
        const readable = stream as NodeJS.ReadableStream & { destroy(): void };
        readable.on('error', () => {});
        if (this.stopping) return readable.destroy();
        this.logStream = readable;
        const sink = new Writable({
          write: (chunk: Buffer, _encoding, done) => {
            this.log = (this.log + chunk.toString('utf8')).slice(-LOG_KEEP_BYTES);
            done();
          },
        });
        docker.modem.demuxStream(readable, sink, sink);
      },
      () => {},
    );
  }

  /** The last lines the container wrote, read from the engine (complete even when the follower lags behind). */
  async logsTail(): Promise<string> {
    const raw = (await this.container.logs({ stdout: true, stderr: true, tail: FAILURE_TAIL_LINES }).catch(() => undefined)) as Buffer | undefined;
    return raw ? demuxLogs(raw) : this.log;
  }

  logs(): string {
    return this.log;
  }

  async alive(): Promise<boolean> {
    if (this.stopping || this.exitStatus !== undefined) return false;
    const info = await this.container.inspect().catch(() => undefined);
    return info?.State.Running ?? false;
  }

  async memory(scan: HostScan = createHostScan()): Promise<MemorySample> {
    if (this.pid === undefined) this.pid = (await this.container.inspect()).State.Pid;
    if (!this.pid) throw new Error(`${this.description} is not running; it has no memory to measure`);
    try {
      return await containerMemory(this.container.id, this.pid, this.endpoint.port, scan);
    } catch (error) {
      // Its cgroup vanishes with it: say that rather than which cgroup files were missing.
      if (!(await this.alive())) throw new Error(`${this.description} is gone (exited or removed); it has no memory to measure`);
      throw error;
    }
  }

  async cpuTime(): Promise<ServerCpu> {
    if (!this.pid) throw new Error(`${this.description} is not running; it has no CPU time to read`);
    // The cgroup first: it is one file, and the reading should be as close to the moment asked for as it can be.
    const totalUs = await containerCpuUs(this.pid);
    // Finding the proxy walks /proc, which takes long on a busy host: once per instance.
    this.proxyPid ??= createHostScan().dockerProxies().then((proxies) => proxies.get(this.endpoint.port));
    const proxy = await this.proxyPid;
    const proxyUs = proxy === undefined ? undefined : await processCpuUs(proxy).catch(() => undefined);
    return { totalUs, ...(proxyUs === undefined ? {} : { parts: { dockerProxyUs: proxyUs } }) };
  }

  /** The cgroup freezer (`docker pause`): every process of the container stops where it is. */
  async pause(): Promise<void> {
    await this.container.pause({ abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
  }

  async resume(): Promise<void> {
    await this.container.unpause({ abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
  }

  /**
   * CRIU through Docker's checkpoint API, which dockerd offers in experimental mode only. Where it refuses, the
   * strategy cannot run here: dockerd's (or CRIU's) own message says why.
   */
  async snapshot(): Promise<Snapshot> {
    try {
      // dockerode has no checkpoint call: the engine API directly.
      await new Promise((resolve, reject) =>
        docker.modem.dial(
          {
            path: `/containers/${this.container.id}/checkpoints?`,
            method: 'POST',
            options: { CheckpointID: 'isobench-wake', Exit: true },
            statusCodes: { 201: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
            abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS),
          },
          (error, data) => (error ? reject(error) : resolve(data)),
        ),
      );
    } catch (error) {
      const e = error as { json?: { message?: string }; message: string };
      throw new StrategyUnavailable(`Docker's checkpoint API refused: ${e.json?.message ?? e.message}`);
    }
    // Restoring (start with a checkpoint) is never reached on a host whose dockerd has no CRIU: not written untried.
    throw new StrategyUnavailable('Docker checkpointed the container, but restoring a checkpoint is not implemented by isobench');
  }

  /** Whether the container is gone within `timeoutMs` (Docker's wait for the `removed` condition). */
  private async removedBy(timeoutMs: number): Promise<boolean> {
    try {
      await this.container.wait({ condition: 'removed', abortSignal: AbortSignal.timeout(timeoutMs) });
      return true;
    } catch (error) {
      return (error as { statusCode?: number }).statusCode === 404;
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logStream?.destroy();
      try {
        // Bounded: a daemon that stopped answering must not hang the run's cleanup.
        await this.container.remove({ force: true, abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
      } catch (error) {
        // Someone else is removing it already (`docker rm -f` from outside): done once it is gone.
        const removing = (error as { statusCode?: number }).statusCode === 409 && /already in progress/.test((error as Error).message);
        const gone = removing && (await this.removedBy(STOP_TIMEOUT_MS));
        if ((error as { statusCode?: number }).statusCode !== 404 && !gone) {
          // Still there: a later stop() must try again.
          this.stopping = undefined;
          throw new Error(`could not remove ${this.description}: ${(error as Error).message}; remove it with docker rm -f ${this.id}`);
        }
      }
      releasePort(this.endpoint.port);
      this.untrack();
    })();
    return this.stopping;
  }
}

/** Docker containers of the workload rootfs images: same bytes as the VM boots, on the host kernel. */
export function createContainerRunner(opts: { cacheDir: string; log?: (line: string) => void }): Runner<'container'> {
  const image = async (w: Workload, signal?: AbortSignal) => ensureImage(docker, await buildRootfs(w, { cacheDir: opts.cacheDir, signal, log: opts.log }));

  return {
    name: 'container',
    fixedMemory:
      'not applicable to containers: a container has no guest memory size to shrink; it takes what its processes ' +
      'allocate, and a cgroup limit would measure when the OOM killer strikes, not what the workload needs to boot',

    async availability(w) {
      const engine = await dockerAvailability();
      if (!engine.ok) return { ok: false, reason: engine.reason, fix: engine.fix };
      if (!cachedRootfs(w, opts.cacheDir) && process.getuid?.() !== 0) {
        return { ok: false, reason: `the ${w.name} rootfs is not built and building it needs root`, fix: 'run isobench as root once to build it' };
      }
      return { ok: true };
    },

    label(w) {
      return {
        accelerator: CONTAINER_ACCELERATOR,
        rootfsHash: cachedRootfs(w, opts.cacheDir)?.hash,
        notes: ['memory = container cgroup usage + its containerd-shim; the docker-proxy of its port is a part, not in the total'],
      };
    },

    async prepare(w, signal) {
      await image(w, signal);
    },

    async start(w, options) {
      // Not timed: a no-op once prepared (a manifest read and an image inspect).
      const tag = await image(w, options.signal);
      return startContainer(w, tag, options);
    },

    async stillListed(instances) {
      // One list of this run's containers (by its label), not one inspect per instance.
      const listed = await docker.listContainers({
        all: true,
        filters: { label: [`isobench.run=${process.pid}`] },
        abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS),
      });
      const ids = new Set(listed.map((c) => c.Id));
      return instances.filter((i) => ids.has(i.id)).map((i) => i.id);
    },
  };
}

async function startContainer(w: Workload, tag: string, options: StartOptions): Promise<Instance> {
  const { signal, readyTimeoutMs } = options;
  signal?.throwIfAborted();
  const hostPort = await allocatePort();
  const requested = performance.now();
  const since = () => performance.now() - requested;
  const exposed = `${w.port}/tcp`;
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: tag,
      Cmd: w.command,
      Env: Object.entries(w.env).map(([k, v]) => `${k}=${v}`),
      User: `${w.user.uid}:${w.user.gid}`,
      Labels: { isobench: '1', 'isobench.run': String(process.pid), 'isobench.workload': w.name },
      ExposedPorts: { [exposed]: {} },
      HostConfig: {
        PortBindings: { [exposed]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
        Privileged: false,
      },
    });
  } catch (error) {
    releasePort(hostPort);
    throw new TrialFailure(`docker could not create the ${w.name} container from ${tag}: ${(error as Error).message}`);
  }
  const instance = new ContainerInstance(container, w.name, { host: '127.0.0.1', port: hostPort });
  try {
    signal?.throwIfAborted();
    // Bounded by the ready deadline too: a start the engine never answers is a failed trial, not a hung run.
    const startLimit = AbortSignal.timeout(Math.max(1, Math.round(readyTimeoutMs - since())));
    await container.start({ abortSignal: signal ? AbortSignal.any([signal, startLimit]) : startLimit });
    instance.phases.spawned = since();
    instance.watchExit();
    instance.followLogs();
    await waitReady(w.probe, instance.endpoint, {
      timeoutMs: Math.max(1, Math.round(readyTimeoutMs - since())),
      signal,
      isAlive: () => instance.exitStatus === undefined,
    });
    instance.phases.ready = since();
    instance.pid = (await container.inspect()).State.Pid;
    return instance;
  } catch (error) {
    const exited = instance.exitStatus === undefined ? '' : `exited with status ${instance.exitStatus}: `;
    const tail = await instance.logsTail();
    await instance.stop();
    if (signal?.aborted) throw signal.reason;
    const reason = error instanceof TrialFailure ? error.message : `docker could not start it: ${(error as Error).message}`;
    throw new TrialFailure(`${w.name} container ${exited}${reason}`, tail);
  }
}
