import type { z } from 'zod';
import type { CellOf } from '../core/cell-schema.ts';
import type { HostTool } from '../core/host-tools.ts';
import type { MetricDef } from '../core/metric-def.ts';
import type { RunnerName } from '../runners/index.ts';
import type { SuiteContext } from './types.ts';

/** A suite's section of the config (`suite.<name>`): a zod object with its defaults, so that `--quick` can be partial. */
export type SectionSchema = z.ZodObject;

/**
 * A chart of a suite's section in the HTML report, as data: reports/charts.ts draws each kind, and a suite says
 * which it wants and what they are called. `id` is appended to the workload's chart prefix.
 */
export type ChartDecl =
  /** Every trial's value of `metric` per lane, with the median and its interval. */
  | { kind: 'samples'; id: string; metric: string }
  /** Where the time to ready goes: the median time of each phase (cold-start metrics with a `phase`), stacked. */
  | { kind: 'phases'; id: string }
  /** Bars of every metric in bytes or MiB the workload measured, a series each. */
  | { kind: 'sizes'; id: string; title: string }
  /** A bar chart per headline metric the workload measured, each bar a lane. */
  | { kind: 'headlines' }
  /** Latency percentiles (`latency_p<N>_<unit>`), one chart per unit. */
  | { kind: 'latencies' }
  /** One bar per lane of `metric`, a count; its table says why each lane stopped (`stopReasonText` in `extra`). */
  | { kind: 'count'; id: string; metric: string; title: string; caption: string; unit: string }
  /**
   * The numeric fields of the cells' lists of records (one per instance), each a curve against the instance count;
   * `labels` name the fields, which are not metrics.
   */
  | { kind: 'curves'; labels: Readonly<Record<string, string>> }
  /** Bars of a few metrics side by side per lane, a series each; the table under it lists `table`. */
  | { kind: 'series'; id: string; title: string; caption: string; unit: string; series: readonly { label: string; metric: string }[]; table: readonly string[] };

/**
 * A scenario isobench measures, as the rest of the harness knows it: its section of the config and what `--quick`
 * changes in it, its metrics, how reports title and draw it, how many samples a cell gets, and `run`. Adding a
 * scenario is a folder with one of these and a line in suites/index.ts.
 */
export interface SuiteDescriptor<Name extends string = string, Schema extends SectionSchema = SectionSchema, Extra extends z.ZodType = z.ZodType> {
  readonly name: Name;
  /** Its section of the config, `suite.<name>`, with defaults. */
  readonly config: Schema;
  /** What `--quick` changes in its section when the config's own `quick` section does not say otherwise. */
  readonly quick: Readonly<Partial<z.output<Schema>>>;
  /** Runs when the config names no suites. */
  readonly byDefault?: true;
  /** Which of its settings the run's options set: `--trials N`, `--reference`. */
  readonly runOptions?: { readonly trials?: keyof z.output<Schema> & string; readonly reference?: keyof z.output<Schema> & string };
  /** Every metric it records, in the order reports list them (suites/metrics.ts lists the suites' in the registry's). */
  readonly metrics: readonly MetricDef[];
  /** Its heading in reports and a sentence on how it measures. */
  readonly title: string;
  readonly description: string;
  readonly charts: readonly ChartDecl[];
  /** What its cells sum up in `extra` beside their trials (its stop reason, a bisection): a zod schema, or NO_EXTRA. */
  readonly extra: Extra;
  /** Rows of each lane's headline beside a metric of the same trials (a wake against its own cold start). */
  readonly beside?: { readonly metric: string; readonly against: string };
  /**
   * The setting its samples per cell come from and how many its section asks for; absent where the run decides
   * how many (density). The gate's design check reads it.
   */
  readonly samples?: { readonly setting: string; count(settings: z.output<Schema>): number };
  /** The variants it measures as cells of their own per workload and runner (wake strategies); absent: one cell. */
  variants?(settings: z.output<Schema>): readonly string[];
  /** Host programs its settings need (installed by the preflight as the runners' are); absent: none. */
  tools?(settings: z.output<Schema>): readonly HostTool[];
  /**
   * Measures one workload on one runner and returns its cell (or one per variant) with every raw sample; a trial
   * that fails is recorded in the cell (with its reason and console tail) and the suite goes on. It stops every
   * instance it started before returning, also when it throws or the signal aborts.
   */
  run(ctx: SuiteContext): Promise<CellOf<Name, RunnerName, Extra> | CellOf<Name, RunnerName, Extra>[]>;
}

/** Infers a descriptor's name, section and extra types, so that the registry keeps them. */
export const defineSuite = <Name extends string, Schema extends SectionSchema, Extra extends z.ZodType>(d: SuiteDescriptor<Name, Schema, Extra>) => d;

/**
 * Reads suite `name`'s section from a run's config. The config was parsed with the registry's schemas, so the
 * section has this shape: the type is the schema's.
 */
export const sectionReader =
  <Schema extends SectionSchema>(name: string, _schema: Schema) =>
  (ctx: Pick<SuiteContext, 'config'>): z.output<Schema> =>
    ctx.config.suite[name] as z.output<Schema>;
