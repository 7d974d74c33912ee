import type { z } from 'zod';
import type { Accelerator } from '../core/label.ts';
import { containerRunner } from './container/index.ts';
import type { Engine, RunnerDescriptor } from './descriptor.ts';
import { linuxVmRunner } from './linux-vm/index.ts';
import type { Runner as RunnerOf } from './types.ts';
import { unikraftRunner } from './unikraft/index.ts';

// For the config's authors: cli/index.ts, the package's entry, re-exports it.
export type { UnikraftImageConfig } from './unikraft/config.ts';

/**
 * Every platform isobench measures, in the order runs, reports and `doctor` list them: the one place that names
 * them all. Config, preflight, doctor, clean, the environment record, the gate's same-host check and the charts
 * iterate it.
 */
export const RUNNERS = [containerRunner, linuxVmRunner, unikraftRunner] as const;

type Descriptor = (typeof RUNNERS)[number];
export type RunnerName = Descriptor['name'];
export const RUNNER_NAMES = RUNNERS.map((d) => d.name) as [RunnerName, ...RunnerName[]];
/** A runner of the registry, by its name. */
export type Runner = RunnerOf<RunnerName>;

/** The config's `runners` section: each runner's own, under its name. */
export const runnerSections = Object.fromEntries(RUNNERS.map((d) => [d.name, d.config])) as {
  [D in Descriptor as D['name']]: D['config'];
};
export type RunnerSections = { [D in Descriptor as D['name']]: z.output<D['config']> };

export function runnerDescriptor(name: RunnerName): RunnerDescriptor<RunnerName> {
  return RUNNERS.find((d) => d.name === name)!;
}

/** The engines of the runners, each once, in the registry's order. */
export const ENGINES: readonly Engine[] = [...new Set(RUNNERS.map((d) => d.engine))];

/** How many starts or stops of one runner may be under way at once: its engine's bound. */
export const ENGINE_CONCURRENCY = Object.fromEntries(RUNNERS.map((d) => [d.name, d.engine.concurrency])) as Record<RunnerName, number>;

/** The runner `name`, made with its own section of the config. */
export function createRunner(
  name: RunnerName,
  ctx: { config: { runners: RunnerSections }; cacheDir: string; accelerator: Accelerator; log?: (line: string) => void },
): Runner {
  return runnerDescriptor(name).create({ ...ctx, config: ctx.config.runners[name] });
}
