import { WORKLOAD_NAMES } from '../core/config-values.ts';
import { RUNNER_NAMES } from '../runners/index.ts';
import { SUITE_NAMES, type SuiteName } from '../suites/index.ts';
import type { Results } from '../suites/results.ts';
import { buildLane, type Lane } from './lanes.ts';
import { laneRatios, type RatioOptions, type RatioView } from './ratios.ts';
import { wakeVsColdStart } from './wake-ratios.ts';
import { suiteDescriptor } from '../suites/index.ts';
import { describeSources, sourceNotices, type Notice, type SourceView } from './sources.ts';

export interface WorkloadView {
  workload: string;
  /** One per cell: every runner of every source, also those that did not run (with their reason). */
  lanes: Lane[];
  /** Every metric any lane has, in first-seen order. */
  metricNames: string[];
  /** Between the runners of each source. */
  ratios: RatioView[];
  /** Wake suite: each lane's wake against its own cold start. */
  wakeRatios: RatioView[];
}

export interface SuiteView {
  suite: SuiteName;
  workloads: WorkloadView[];
}

/** Everything a report shows, computed once from the results; renderers only lay it out. */
export interface ReportModel {
  sources: SourceView[];
  notices: Notice[];
  suites: SuiteView[];
  /** How the ratio intervals were computed, for the report's methods note. */
  ratioMethod: RatioOptions & { description: string };
}

export type ModelOptions = Partial<RatioOptions>;

/** Fixed so that the same results always give the same report. */
export const REPORT_SEED = 0x150be7c4;
/**
 * A report bootstraps every pair of runners on every metric: 2,000 resamples keep that to a fraction of a second
 * and still put 50 resamples in each tail of a 95% interval. The gate, which decides, uses more.
 */
export const REPORT_RESAMPLES = 2_000;

const orderOf = (list: readonly string[], item: string) => {
  const i = list.indexOf(item);
  return i >= 0 ? i : list.length;
};

/** The report's view of one or more results files (several hosts or commits side by side). */
export function buildReportModel(results: readonly Results[], options: ModelOptions = {}): ReportModel {
  if (!results.length) throw new Error('a report needs at least one results file');
  const ratioOptions: RatioOptions = {
    level: options.level ?? 0.95,
    resamples: options.resamples ?? REPORT_RESAMPLES,
    seed: options.seed ?? REPORT_SEED,
  };
  const sources = describeSources(results);
  const laneName = (cell: { runner: string; variant?: string }, source: number) => {
    const name = cell.variant ? `${cell.runner} · ${cell.variant}` : cell.runner;
    return sources.length > 1 ? `${name} · ${sources[source]!.label}` : name;
  };

  const suites: SuiteView[] = [];
  for (const suite of SUITE_NAMES) {
    const cells = results.flatMap((r, source) => r.cells.filter((c) => c.suite === suite).map((cell) => ({ cell, source })));
    if (!cells.length) continue;
    const workloadNames = [...new Set(cells.map((c) => c.cell.workload))].sort(
      (a, b) => orderOf(WORKLOAD_NAMES, a) - orderOf(WORKLOAD_NAMES, b) || a.localeCompare(b),
    );
    const workloads = workloadNames.map((workload): WorkloadView => {
      const lanes = cells
        .filter((c) => c.cell.workload === workload)
        .sort((a, b) => a.source - b.source || orderOf(RUNNER_NAMES, a.cell.runner) - orderOf(RUNNER_NAMES, b.cell.runner))
        .map(({ cell, source }) => buildLane(cell, source, laneName(cell, source)));
      return {
        workload,
        lanes,
        metricNames: [...new Set(lanes.flatMap((l) => l.metrics.map((m) => m.name)))],
        ratios: laneRatios(suite, lanes, ratioOptions),
        wakeRatios: wakeVsColdStart(lanes, ratioOptions, suiteDescriptor(suite).beside),
      };
    });
    suites.push({ suite, workloads });
  }

  return {
    sources,
    notices: sourceNotices(sources),
    suites,
    ratioMethod: {
      ...ratioOptions,
      description:
        `ratio of medians between runners; ${Math.round(ratioOptions.level * 100)}% percentile-bootstrap interval ` +
        `from ${ratioOptions.resamples.toLocaleString('en-US')} resamples of the trials (seed ${ratioOptions.seed})`,
    },
  };
}
