/**
 * TEST FIXTURE: synthetic isobench results, deterministic for a given seed, shaped like what the suites write
 * (suites/*.ts): cold start with phases, memory with the minimum-memory bisection, throughput with latency
 * percentiles, density with one trial per start and its curve, not-run and failed cells. Nothing here was measured.
 */
import type { RunnerName, SuiteName, WorkloadName } from '../../cli/config.ts';
import { metricSpec, PHASES } from '../../suites/metrics.ts';
import { RESULTS_SCHEMA_VERSION, type Cell, type Label, type Metric, type Results, type Trial } from '../../suites/results.ts';
import { summarize } from '../../stats/descriptive.ts';
import { mulberry32 } from '../../stats/prng.ts';

export interface FixtureOptions {
  seed?: number;
  accelerator?: 'kvm' | 'tcg';
  hostname?: string;
  cpuModel?: string;
  commit?: string;
  /** Measured trials per cell for cold start, memory and throughput. */
  trials?: number;
  /** Multiplies every sample of `suite.metric` (e.g. { 'cold-start.ready_ms': 1.3 }): a made-up regression. */
  scale?: Record<string, number>;
  /** Relative noise of every sample (standard deviation / value). */
  noise?: number;
}

/** A metric's typical median per runner; its unit and direction are the registry's. */
type Spec = { base: Partial<Record<RunnerName, number>> };

/** Typical medians under TCG (VMs slow) and KVM. */
function coldStartSpecs(tcg: boolean): Record<string, Spec> {
  const vm = tcg ? 8 : 1;
  return {
    spawned_ms: { base: { container: 85, 'linux-vm': 25, unikraft: 24 } },
    first_output_ms: { base: { container: 240, 'linux-vm': 60 * vm, unikraft: 40 * vm } },
    kernel_init_ms: { base: { 'linux-vm': 280 * vm } },
    banner_ms: { base: { unikraft: 48 * vm } },
    ready_ms: { base: { container: 310, 'linux-vm': 420 * vm, unikraft: 62 * vm } },
  };
}

const PHASE_OF: Record<string, string> = Object.fromEntries(PHASES.map((m) => [m.name, m.phase.name]));

const MIB = 2 ** 20;
const MEMORY: Record<string, Spec> = {
  idle_rss_bytes: { base: { container: 6.2 * MIB, 'linux-vm': 142 * MIB, unikraft: 38 * MIB } },
  idle_pss_bytes: { base: { container: 4.1 * MIB, 'linux-vm': 139 * MIB, unikraft: 35 * MIB } },
};
const MIN_MEMORY_MIB: Partial<Record<RunnerName, number>> = { 'linux-vm': 48, unikraft: 6 };

const THROUGHPUT: Record<string, Spec> = {
  requests_per_s: { base: { container: 21_500, 'linux-vm': 9_800, unikraft: 14_200 } },
  bytes_per_s: { base: { container: 3.1e6, 'linux-vm': 1.4e6, unikraft: 2.0e6 } },
  latency_p50_us: { base: { container: 410, 'linux-vm': 880, unikraft: 620 } },
  latency_p90_us: { base: { container: 690, 'linux-vm': 1_450, unikraft: 980 } },
  latency_p99_us: { base: { container: 1_300, 'linux-vm': 3_900, unikraft: 2_100 } },
  latency_max_us: { base: { container: 9_000, 'linux-vm': 21_000, unikraft: 12_000 } },
  load_pss_bytes: { base: { container: 7 * MIB, 'linux-vm': 150 * MIB, unikraft: 40 * MIB } },
  errors: { base: { container: 0, 'linux-vm': 0, unikraft: 0 } },
};

const RUNNERS: RunnerName[] = ['container', 'linux-vm', 'unikraft'];

export function fixtureResults(options: FixtureOptions = {}): Results {
  const random = mulberry32(options.seed ?? 1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const noise = options.noise ?? 0.03;
  const trialsPerCell = options.trials ?? 10;
  const tcg = (options.accelerator ?? 'tcg') === 'tcg';
  const accelerator = tcg
    ? { kind: 'tcg' as const, reason: 'TEST FIXTURE: /dev/kvm does not exist on this host' }
    : { kind: 'kvm' as const, reason: 'TEST FIXTURE: /dev/kvm is usable' };
  const t0 = Date.parse('2026-11-27T05:00:00Z');
  const at = (i: number) => new Date(t0 + i * 1000).toISOString();

  const draw = (suite: SuiteName, metric: string, base: number) =>
    base * (options.scale?.[`${suite}.${metric}`] ?? 1) * Math.max(0.5, 1 + noise * gaussian());

  const label = (runner: RunnerName): Label => ({
    accelerator: runner === 'container' ? { kind: 'none', reason: 'containers run natively' } : accelerator,
    ...(runner === 'container' ? {} : { machine: 'pc', vcpus: 1, guestMemoryMiB: runner === 'unikraft' ? 64 : 128 }),
    rootfsHash: 'fixture0123456789abcdef',
    notes: [],
  });

  const metricsOf = (suite: SuiteName, trials: Trial[], specs: Record<string, Spec>, runner: RunnerName): Metric[] =>
    Object.entries(specs)
      .filter(([, spec]) => spec.base[runner] !== undefined)
      .map(([name]) => {
        const samples = trials.filter((t) => t.ok && !t.warmup && t.values[name] !== undefined).map((t) => t.values[name]!);
        return { ...metricSpec(suite, name), samples, stats: summarize(samples), flags: [] };
      });

  const measure = (suite: SuiteName, runner: RunnerName, specs: Record<string, Spec>, count: number): Trial[] =>
    Array.from({ length: count + 1 }, (_, i): Trial => {
      const values: Record<string, number> = {};
      for (const [name, spec] of Object.entries(specs)) {
        const base = spec.base[runner];
        if (base !== undefined) values[name] = draw(suite, name, base);
      }
      const phases =
        suite === 'cold-start'
          ? { requested: 0, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [PHASE_OF[k]!, v])) }
          : {};
      return { index: i === 0 ? 0 : i - 1, warmup: i === 0, ok: true, startedAt: at(i), phases, values };
    });

  const cells: Cell[] = [];
  // A cell that ran, but for its suite (first) and the suite's own extra (last).
  const ran = (workload: WorkloadName, runner: RunnerName, trials: Trial[], metrics: Metric[]) => ({
    workload,
    runner,
    status: 'ok' as const,
    label: label(runner),
    trials,
    metrics,
  });
  const notRun = (suite: SuiteName, workload: WorkloadName): Cell => ({
    suite,
    workload,
    runner: 'unikraft',
    status: 'not-run',
    reason: `TEST FIXTURE: no Unikraft image for ${workload}; build one with kraft and set runners.unikraft.images.${workload}`,
    label: label('unikraft'),
    trials: [],
    metrics: [],
  });

  const coldStart = coldStartSpecs(tcg);
  for (const workload of ['http-hello', 'nginx', 'redis'] as const) {
    for (const runner of RUNNERS) {
      if (runner === 'unikraft' && workload !== 'http-hello') {
        cells.push(notRun('cold-start', workload));
        continue;
      }
      if (runner === 'linux-vm' && workload === 'redis') {
        const trials = Array.from({ length: 3 }, (_, i): Trial => ({
          index: i,
          warmup: false,
          ok: false,
          startedAt: at(i),
          phases: {},
          values: {},
          error: { reason: 'TEST FIXTURE: probe did not succeed within 60000 ms', consoleTail: 'Kernel panic - not syncing <fixture>' },
        }));
        cells.push({
          suite: 'cold-start',
          workload,
          runner,
          status: 'failed',
          reason: '3 of 3 trials failed: TEST FIXTURE: probe did not succeed within 60000 ms',
          label: label(runner),
          trials,
          metrics: [{ ...metricSpec('cold-start', 'ready_ms'), samples: [], stats: null, flags: [] }],
        });
        continue;
      }
      const trials = measure('cold-start', runner, coldStart, trialsPerCell);
      cells.push({ suite: 'cold-start', ...ran(workload, runner, trials, metricsOf('cold-start', trials, coldStart, runner)) });
    }
  }

  for (const runner of RUNNERS) {
    const trials = measure('memory', runner, MEMORY, trialsPerCell);
    const minimum = MIN_MEMORY_MIB[runner];
    const metrics = metricsOf('memory', trials, MEMORY, runner);
    if (minimum !== undefined) {
      trials.push({ index: trialsPerCell, warmup: false, ok: true, startedAt: at(99), phases: {}, values: { min_memory_mib: minimum } });
      metrics.push({ ...metricSpec('memory', 'min_memory_mib'), samples: [minimum], stats: summarize([minimum]), flags: [] });
    }
    const steps = [1024, 512, 256, 128, 64, 32, 16, 8, 4, minimum ?? 0].map((value) => ({ value, ok: value >= (minimum ?? 0), ms: 900 }));
    cells.push({
      suite: 'memory',
      ...ran('http-hello', runner, trials, metrics),
      extra: {
        minMemory:
          minimum === undefined
            ? { skipped: 'TEST FIXTURE: not applicable to containers: a container has no guest memory size to shrink' }
            : { minimum, confirmed: true, steps, lowMiB: 2, highMiB: 1024, requests: 20, criterion: 'TEST FIXTURE criterion' },
      },
    });
  }

  for (const runner of RUNNERS) {
    const trials = measure('throughput', runner, THROUGHPUT, trialsPerCell);
    cells.push({ suite: 'throughput', ...ran('http-hello', runner, trials, metricsOf('throughput', trials, THROUGHPUT, runner)) });
  }

  // Density as the suite records it: one trial per start, then one for the final liveness sweep.
  const densityTarget = 20;
  for (const runner of RUNNERS) {
    const reached = runner === 'linux-vm' ? 14 : densityTarget;
    const perInstance = MEMORY.idle_pss_bytes!.base[runner]!;
    const startBase = coldStart.ready_ms!.base[runner]!;
    const starts = Array.from({ length: reached }, (_, i): Trial => {
      const startMs = draw('density', 'start_ms', startBase * (1 + i * 0.04));
      return {
        index: i,
        warmup: false,
        ok: true,
        startedAt: at(i),
        phases: { requested: 0, ready: startMs },
        values: {
          start_ms: startMs,
          mem_available_drop_bytes: draw('density', 'mem_available_drop_bytes', perInstance * 1.2),
          pss_per_instance_bytes: draw('density', 'pss_per_instance_bytes', perInstance),
          rss_per_instance_bytes: draw('density', 'rss_per_instance_bytes', perInstance * 1.1),
        },
        detail: { concurrent: 1 },
      };
    });
    const sweep: Trial = {
      index: reached,
      warmup: false,
      ok: true,
      startedAt: at(0),
      phases: {},
      values: { density_count: reached },
      detail: { sweep: true, started: reached, answered: reached, silent: [] },
    };
    const trials = [...starts, sweep];
    // In the order the density suite records them.
    const metrics = ['density_count', 'start_ms', 'pss_per_instance_bytes', 'rss_per_instance_bytes', 'mem_available_drop_bytes'].map(
      (name): Metric => {
        const samples = trials.flatMap((t) => (t.values[name] === undefined ? [] : [t.values[name]!]));
        return { ...metricSpec('density', name), samples, stats: summarize(samples), flags: [] };
      },
    );
    const byMemory = reached < densityTarget;
    const memAvailableAtStart = 22 * 2 ** 30;
    cells.push({
      suite: 'density',
      ...ran('http-hello', runner, trials, metrics),
      extra: {
        stopReason: byMemory ? 'memory-budget' : 'target',
        stopReasonText: byMemory ? 'another instance would eat into the MemAvailable reserve' : 'reached the target count',
        target: densityTarget,
        concurrency: 1,
        startTimeoutMs: 60_000,
        memoryReserve: 0.1,
        reserveBytes: memAvailableAtStart * 0.1,
        started: reached,
        answered: reached,
        memAvailableAtStartBytes: memAvailableAtStart,
        memAvailableAfterStopBytes: memAvailableAtStart,
        pssTotalBytes: perInstance * reached,
        curve: starts.map((t) => ({
          instance: t.index + 1,
          ok: t.ok,
          startMs: t.values.start_ms ?? null,
          pssBytes: t.values.pss_per_instance_bytes ?? null,
          memAvailableDropBytes: t.values.mem_available_drop_bytes ?? null,
        })),
        leftovers: [],
      },
    });
  }

  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: `fixture-${options.seed ?? 1}`,
    startedAt: at(0),
    finishedAt: at(600),
    partial: false,
    quick: false,
    environment: {
      hostname: options.hostname ?? 'fixture-host',
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0-fixture-amd64',
      cpuModel: options.cpuModel ?? 'TEST FIXTURE CPU @ 2.00GHz',
      cores: 2,
      memoryBytes: 24 * 2 ** 30,
      memAvailableBytes: 22 * 2 ** 30,
      node: 'v20.20.2',
      engines: { docker: { version: '20.10.24' }, qemu: { version: '7.2.15', path: '/usr/bin/qemu-system-x86_64' } },
      accelerator,
      harness: { version: '0.1.0', commit: options.commit ?? '0123456789abcdef0123456789abcdef01234567', dirty: false },
    },
    config: { testbed: { name: 'fixture' } },
    cells,
  };
}
