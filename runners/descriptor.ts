import type { z } from 'zod';
import type { HostTool } from '../core/host-tools.ts';
import type { EngineVersion } from '../core/environment.ts';
import type { Accelerator } from '../core/label.ts';
import type { MetricDef, PhaseDef } from '../core/metric-def.ts';
import type { Workload } from '../fixtures/workloads.ts';
import type { Runner, RunnerContext } from './types.ts';

/** What every runner's section of the config (`runners.<name>`) holds at least. */
export interface RunnerSection {
  enabled: boolean;
}

/** A runner's config section: a zod object with its defaults, accepting an absent section. */
export type SectionSchema = z.ZodType<RunnerSection, unknown>;

/** What a preflight may do: install or start host programs (when `install`), probe with the cache, say what it does. */
export interface PreflightOptions {
  install: boolean;
  cacheDir: string;
  log: (line: string) => void;
}

/**
 * What runs the instances of one or more runners (dockerd; QEMU for the VM and the unikernel). Several runners may
 * share one: what belongs to the engine is installed, recorded and cleaned once.
 */
export interface Engine {
  /** Its name in the gate's check that two runs come from the same host ("QEMU"). */
  readonly label: string;
  /** Its field of the environment record (`environment.docker`; core/results.ts declares the field). */
  readonly environmentKey: string;
  /** Host programs it needs; the preflight installs the missing ones (apt-get, as root) or says how to. */
  readonly tools: readonly HostTool[];
  /**
   * How many starts or stops of its instances may be under way at once: an engine that serialises them internally
   * (dockerd's locks) only makes more wait there, against their own timeouts.
   */
  readonly concurrency: number;
  /** Its entry in the environment record; `usable`: a runner of this run on this engine passed its preflight. */
  version(usable: boolean): Promise<EngineVersion | null>;
  /** Its line in `isobench doctor`: the version it records, or why there is none (`problem`: of a runner on it). */
  describe(version: EngineVersion | null, problem: string | undefined): string;
  /** How an instance is stopped, for the labels of what times a stop (the wake suite's restart). */
  readonly stopMethod: string;
  /** What `isobench clean` counts of it: "container(s)". */
  readonly leftovers: string;
  /** `isobench clean`: removes what runs that are gone left of it, saying what; returns how many. */
  clean(log: (line: string) => void): Promise<number>;
}

/**
 * A platform isobench measures, as the rest of the harness knows it: the config section, the host preflight, how
 * its instances are made, how reports draw them. Adding a platform is a folder with one of these and a line in
 * runners/index.ts.
 */
export interface RunnerDescriptor<Name extends string = string, Schema extends SectionSchema = SectionSchema> {
  readonly name: Name;
  /** Its section of the config, `runners.<name>`, with defaults. */
  readonly config: Schema;
  readonly engine: Engine;
  /**
   * Makes the host ready for this runner, beyond installing the engine's tools, and decides the accelerator its
   * instances get. Throws an Error whose message says what is wrong and how to fix it: the runner cannot run here.
   */
  preflight(section: z.output<Schema>, options: PreflightOptions): Promise<Accelerator>;
  /**
   * Checks the files its section names before a run starts anything; throws a RunnerInputError saying what to set
   * (the run refuses to start, as for any config error).
   */
  checkInputs?(section: z.output<Schema>, cacheDir: string): Promise<void>;
  create(ctx: RunnerContext<z.output<Schema>>): Runner<Name>;
  /**
   * Whether its section lets it measure `workload` at all (an image configured for it), before any host check:
   * which cells a run will measure, for planning. Absent: every workload.
   */
  measures?(section: z.output<Schema>, workload: Workload): boolean;
  /**
   * Phases of its starts that other platforms do not have, each timed by a cold-start metric (suites/metrics.ts lists
   * them between first output and ready, in the registry's order). Its instances record them in `phases`.
   */
  readonly phases?: readonly (MetricDef & { phase: PhaseDef })[];
  /** Its colours in charts: one hue, a shade per source of a merged report. */
  readonly shades: readonly string[];
  /** What its labels say instead of the accelerator's kind where there is none ("native" for containers). */
  readonly unaccelerated?: string;
}

/** A configured input that is missing or not what it should be. */
export class RunnerInputError extends Error {
  override name = 'RunnerInputError';
}

/** Infers a descriptor's name and section types, so that the registry keeps them. */
export const defineRunner = <Name extends string, Schema extends SectionSchema>(d: RunnerDescriptor<Name, Schema>) => d;
