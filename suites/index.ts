import { coldStartSuite } from './cold-start/index.ts';
import { densitySuite } from './density/index.ts';
import type { CellOf } from '../core/cell-schema.ts';
import type { RunnerName } from '../runners/index.ts';
import type { SuiteDescriptor } from './descriptor.ts';
import type { SuiteContext } from './types.ts';
import { memorySuite } from './memory/index.ts';
import { throughputSuite } from './throughput/index.ts';
import { wakeSuite } from './wake/index.ts';

/**
 * Every scenario isobench measures, in the order runs, reports and the README list them: the one place that names
 * them all. Config, run, the metric registry, the gate's design check, the CLI, summary and reports iterate it.
 */
export const SUITES = [coldStartSuite, memorySuite, throughputSuite, densitySuite, wakeSuite] as const;

type Descriptor = (typeof SUITES)[number];
export type SuiteName = Descriptor['name'];
export const SUITE_NAMES = SUITES.map((d) => d.name) as [SuiteName, ...SuiteName[]];

/** Each suite's section schema of the config (`suite.<name>`), under its name. */
export type SuiteSections = { [D in Descriptor as D['name']]: D['config'] };

/** A cell of any suite: a union on `suite`, each with its own extra (the union core/results.ts validates). */
export type SuiteCell = { [D in Descriptor as D['name']]: CellOf<D['name'], RunnerName, D['extra']> }[SuiteName];

/** A suite of the registry, whichever: its cells are of the union. */
export type AnySuite = Omit<SuiteDescriptor<SuiteName>, 'run'> & { run(ctx: SuiteContext): Promise<SuiteCell | SuiteCell[]> };

/**
 * The suite `name`. Its functions take its own section, which the type no longer says: callers hand them
 * `config.suite[name]`, the section of that name.
 */
export function suiteDescriptor(name: SuiteName): AnySuite {
  return SUITES.find((d) => d.name === name)! as unknown as AnySuite;
}
