import { stringify } from 'csv-stringify/sync';
import type { Cell, Results } from '../suites/results.ts';
import { summarize } from '../stats/descriptive.ts';
import { describeSources, type SourceView } from './sources.ts';

export interface CsvReports {
  /** One row per trial per metric (failed trials: one row with the error), every label on every row. */
  samples: string;
  /** One row per metric per cell with its statistics; cells without metrics get one row with their status. */
  summary: string;
}

type Row = Record<string, string | number | boolean | null | undefined>;

const LABEL_COLUMNS = [
  'source', 'testbed', 'hostname', 'commit', 'run_id', 'quick', 'suite', 'workload', 'runner', 'variant', 'cell_status',
  'cell_reason', 'accelerator', 'machine', 'vcpus', 'guest_memory_mib', 'rootfs_hash', 'stand_in',
] as const;

/** Who measured what, and how: repeated on every row so that any row can be read on its own. */
function labelColumns(source: SourceView, cell: Cell): Record<(typeof LABEL_COLUMNS)[number], Row[string]> {
  return {
    source: source.label,
    testbed: source.testbed,
    hostname: source.environment.hostname,
    commit: source.commit,
    run_id: source.runId,
    quick: source.quick,
    suite: cell.suite,
    workload: cell.workload,
    runner: cell.runner,
    variant: cell.variant,
    cell_status: cell.status,
    cell_reason: cell.reason,
    accelerator: cell.label.accelerator.kind,
    machine: cell.label.machine,
    vcpus: cell.label.vcpus,
    guest_memory_mib: cell.label.guestMemoryMiB,
    rootfs_hash: cell.label.rootfsHash,
    stand_in: cell.label.standIn,
  };
}

function sampleRows(source: SourceView, cell: Cell): Row[] {
  const labels = labelColumns(source, cell);
  const unitOf = new Map(cell.metrics.map((m) => [m.name, m]));
  return cell.trials.flatMap((trial) => {
    const trialColumns = {
      ...labels,
      trial_index: trial.index,
      warmup: trial.warmup,
      trial_ok: trial.ok,
      trial_started_at: trial.startedAt,
      trial_error: trial.error?.reason,
    };
    const values = Object.entries(trial.values);
    if (!values.length) return [trialColumns];
    return values.map(([metric, value]) => ({
      ...trialColumns,
      metric,
      unit: unitOf.get(metric)?.unit,
      direction: unitOf.get(metric)?.direction,
      value,
    }));
  });
}

function summaryRows(source: SourceView, cell: Cell): Row[] {
  const labels = labelColumns(source, cell);
  if (!cell.metrics.length) return [labels];
  return cell.metrics.map((m) => {
    const stats = summarize(m.samples);
    return {
      ...labels,
      metric: m.name,
      unit: m.unit,
      direction: m.direction,
      n: stats?.n ?? 0,
      median: stats?.median,
      ci_level: stats?.ci?.level,
      ci_low: stats?.ci?.low,
      ci_high: stats?.ci?.high,
      ci_method: stats?.ci?.method,
      mean: stats?.mean,
      stddev: stats?.stddev,
      cv: stats?.cv,
      min: stats?.min,
      max: stats?.max,
      p95: stats?.p95,
      flags: m.flags.join('; '),
    };
  });
}

function toCsv(rows: Row[], columns: string[]): string {
  return stringify(rows, {
    header: true,
    columns,
    // Numbers at full precision; booleans as words rather than csv-stringify's default 1/empty.
    cast: { boolean: (value) => String(value), number: (value) => String(value) },
    // A reason starting with "=" must not become a formula in a spreadsheet.
    escape_formulas: true,
  });
}

/** Two CSV files over one or more results: raw samples, and one statistics row per metric. */
export function renderCsv(results: readonly Results[]): CsvReports {
  const sources = describeSources(results);
  const cells = results.flatMap((r, i) => r.cells.map((cell) => ({ source: sources[i]!, cell })));
  return {
    samples: toCsv(
      cells.flatMap(({ source, cell }) => sampleRows(source, cell)),
      [...LABEL_COLUMNS, 'trial_index', 'warmup', 'trial_ok', 'trial_started_at', 'trial_error', 'metric', 'unit', 'direction', 'value'],
    ),
    summary: toCsv(
      cells.flatMap(({ source, cell }) => summaryRows(source, cell)),
      [...LABEL_COLUMNS, 'metric', 'unit', 'direction', 'n', 'median', 'ci_level', 'ci_low', 'ci_high', 'ci_method', 'mean', 'stddev', 'cv', 'min', 'max', 'p95', 'flags'],
    ),
  };
}
