import type { ChartConfiguration, ChartType } from 'chart.js';
import type { SuiteName } from '../suites/index.ts';
import { runnerDescriptor } from '../runners/index.ts';
import type { ChartDecl } from '../suites/descriptor.ts';
import { suiteDescriptor } from '../suites/index.ts';
import { headlineMetrics, metricLabel, PHASES } from '../suites/metrics.ts';
import { phaseRank, type Lane, type MetricView } from './lanes.ts';
import type { WorkloadView } from './model.ts';

/** A median with its interval, drawn over a strip of samples (x in data units) or over a bar (by dataset/index). */
export type Mark =
  | { kind: 'median'; x: number; median: number; low: number | null; high: number | null; color: string }
  | { kind: 'whisker'; dataset: number; index: number; low: number; high: number };

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Drawn by the report page's own small plugin: chart.js has no error bars. */
    marks?: { items: Mark[] };
  }
}

/** What the table under a chart lists. */
export type ChartTable =
  | { kind: 'metrics'; metrics: string[] }
  | { kind: 'phases' }
  | { kind: 'count'; metric: string }
  | { kind: 'curves'; field: string };

/** One chart of the report: a JSON-only chart.js configuration, plus what the page script adds to it. */
export interface ChartSpec {
  id: string;
  title: string;
  /** How to read it: what the marks are, whether the axis is logarithmic. */
  caption: string;
  config: ChartConfiguration<'scatter' | 'bar' | 'line'>;
  /** Names of the integer positions of a linear x axis (sample strips put one lane at each integer). */
  tickLabels?: string[];
  /** Of the chart's box, in CSS pixels: horizontal bars need room per lane. */
  height: number;
  table: ChartTable;
}

const SOURCE_POINT_STYLES = ['circle', 'triangle', 'rect', 'rectRot'] as const;
const SERIES_COLORS = ['#0f766e', '#7c3aed', '#db2777', '#ca8a04', '#475569', '#0891b2'];

/** Each runner keeps its hue in every chart; each source of a merged report its own shade of it. */
function laneColor(lane: Pick<Lane, 'runner' | 'source'>): string {
  const { shades } = runnerDescriptor(lane.runner);
  return shades[lane.source % shades.length]!;
}

const seriesColor = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length]!;
const translucent = (hex: string) => `${hex}99`;

/** Charts show bytes in MiB; tables keep every unit as measured. */
function axisUnit(unit: string): { unit: string; scale: number } {
  if (unit === 'bytes') return { unit: 'MiB', scale: 2 ** -20 };
  if (unit === 'us') return { unit: 'µs', scale: 1 };
  return { unit, scale: 1 };
}

/** Each phase keeps its name and colour in every workload's breakdown. */
const PHASE_SEGMENTS = new Map(PHASES.map((m) => [m.phase.name, m.phase]));

const CHART_HEIGHT = 300;

/** Above this spread of values, a linear axis squeezes the fast runners into a line at the bottom. */
const LOG_SPREAD = 30;

function metricOf(lane: Lane, name: string): MetricView | undefined {
  return lane.metrics.find((m) => m.name === name && m.stats);
}

const baseOptions = (title: string, logY = false) => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: false as const,
  scales: {
    y: { type: logY ? ('logarithmic' as const) : ('linear' as const), beginAtZero: !logY, title: { display: true, text: title } },
  },
});

/** A scatter chart's config: points (or lines through them) over a linear x axis of the caller's. */
function scatterConfig(
  datasets: ChartConfiguration<'scatter'>['data']['datasets'],
  yTitle: string,
  logY: boolean,
  x: Record<string, unknown>,
  plugins?: Record<string, unknown>,
): ChartConfiguration<'scatter'> {
  const options = baseOptions(yTitle, logY);
  return {
    type: 'scatter',
    data: { datasets },
    options: { ...options, scales: { ...options.scales, x: { type: 'linear', ...x } }, ...(plugins ? { plugins } : {}) },
  };
}

/** Every trial's value per lane, in trial order from left to right, with the median and its interval. */
function sampleStrip(id: string, suite: SuiteName, workload: WorkloadView, metricName: string): ChartSpec | null {
  const lanes = workload.lanes.filter((l) => metricOf(l, metricName)?.samples.length);
  if (!lanes.length) return null;
  const metric = metricOf(lanes[0]!, metricName)!;
  const { unit, scale } = axisUnit(metric.unit);
  const all = lanes.flatMap((l) => metricOf(l, metricName)!.samples).filter((v) => v > 0);
  const logY = all.length > 0 && Math.max(...all) / Math.min(...all) > LOG_SPREAD;
  const marks: Mark[] = [];
  const datasets = lanes.map((lane, i) => {
    const m = metricOf(lane, metricName)!;
    const color = laneColor(lane);
    const n = m.samples.length;
    const ci = m.stats!.ci;
    marks.push({ kind: 'median', x: i, median: m.stats!.median * scale, low: ci ? ci.low * scale : null, high: ci ? ci.high * scale : null, color });
    return {
      label: lane.name,
      data: m.samples.map((y, k) => ({ x: n > 1 ? i - 0.2 + (0.4 * k) / (n - 1) : i, y: y * scale })),
      backgroundColor: translucent(color),
      borderColor: color,
      pointRadius: 3.5,
      pointStyle: SOURCE_POINT_STYLES[lane.source % SOURCE_POINT_STYLES.length],
    };
  });
  return {
    id,
    title: `${metricLabel(suite, metricName)}: every trial`,
    caption:
      'Each point is one trial (left to right in trial order). The bar is the median, the bracket its confidence ' +
      `interval (order statistics; level in the table).${logY ? ' Logarithmic axis: the runners differ by more than 30×.' : ''}`,
    tickLabels: lanes.map((l) => l.name),
    config: scatterConfig(
      datasets,
      `${unit}${logY ? ' (log scale)' : ''}`,
      logY,
      { min: -0.5, max: lanes.length - 0.5, ticks: { stepSize: 1 }, grid: { display: false } },
      { legend: { display: false }, marks: { items: marks } },
    ),
    table: { kind: 'metrics', metrics: [metricName] },
    height: CHART_HEIGHT,
  };
}

/** Where the time to ready goes: the median time of each phase, stacked. */
function phaseBreakdown(id: string, workload: WorkloadView): ChartSpec | null {
  const lanes = workload.lanes.filter((l) => l.phases.length);
  if (!lanes.length) return null;
  const phaseNames = [...new Set(lanes.flatMap((l) => l.phases.map((p) => p.phase)))].sort((a, b) => phaseRank(a) - phaseRank(b));
  const segments = (lane: Lane) => {
    const out = new Map<string, number>();
    lane.phases.forEach((p, i) => out.set(p.phase, Math.max(0, p.medianMs - (i ? lane.phases[i - 1]!.medianMs : 0))));
    return out;
  };
  const perLane = lanes.map(segments);
  return {
    id,
    title: 'phases of a cold start (medians)',
    caption:
      'Each segment lasts from the previous phase to the one named, in median ms after the start was requested; ' +
      'the bar ends at the median time to ready.',
    config: {
      type: 'bar',
      data: {
        labels: lanes.map((l) => l.name),
        datasets: phaseNames.map((phase, i) => ({
          label: PHASE_SEGMENTS.get(phase)?.segment ?? `until ${phase}`,
          data: perLane.map((s) => s.get(phase) ?? null),
          backgroundColor: PHASE_SEGMENTS.get(phase)?.colour ?? seriesColor(i),
        })),
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, beginAtZero: true, title: { display: true, text: 'ms after start was requested' } },
          y: { stacked: true },
        },
      },
    },
    table: { kind: 'phases' },
    height: 90 + 36 * lanes.length,
  };
}

/** A bar's height and whisker, in the chart's units. */
type BarValue = { median: number; low?: number; high?: number };

function barOf(metric: MetricView | undefined, scale: number): BarValue | undefined {
  if (!metric?.stats) return undefined;
  const ci = metric.stats.ci;
  return { median: metric.stats.median * scale, ...(ci ? { low: ci.low * scale, high: ci.high * scale } : {}) };
}

interface BarSeries {
  label: string;
  /** Colour each bar by its lane (one series), rather than the series by its position (grouped bars). */
  byLane?: boolean;
  value: (lane: Lane) => BarValue | undefined;
}

/** Bars of medians, one dataset per series, with interval whiskers. */
function bars(
  spec: Pick<ChartSpec, 'id' | 'title' | 'caption' | 'table'>,
  lanes: Lane[],
  series: BarSeries[],
  unit: string,
): ChartSpec | null {
  const marks: Mark[] = [];
  const datasets = series.map((s, d) => ({
    label: s.label,
    backgroundColor: s.byLane ? lanes.map(laneColor) : seriesColor(d),
    data: lanes.map((lane, index) => {
      const value = s.value(lane);
      if (value?.low !== undefined && value.high !== undefined) {
        marks.push({ kind: 'whisker', dataset: d, index, low: value.low, high: value.high });
      }
      return value?.median ?? null;
    }),
  }));
  if (!datasets.some((d) => d.data.some((v) => v !== null))) return null;
  return {
    ...spec,
    height: CHART_HEIGHT,
    config: {
      type: 'bar',
      data: { labels: lanes.map((l) => l.name), datasets },
      options: { ...baseOptions(unit), plugins: { legend: { display: series.length > 1 }, marks: { items: marks } } },
    },
  };
}

const WHISKERS = 'Bars are medians over trials; whiskers their confidence interval (level in the table).';

function sizeBars(id: string, title: string, suite: SuiteName, workload: WorkloadView): ChartSpec | null {
  const MIB_SCALE: Record<string, number> = { bytes: 2 ** -20, MiB: 1 };
  const names = workload.metricNames.filter((name) =>
    workload.lanes.some((l) => l.metrics.some((m) => m.name === name && m.unit in MIB_SCALE)),
  );
  const value = (name: string) => (lane: Lane) => {
    const m = metricOf(lane, name);
    return m && barOf(m, MIB_SCALE[m.unit] ?? 1);
  };
  const lanes = workload.lanes.filter((l) => names.some((n) => value(n)(l)));
  return bars(
    { id, title, caption: WHISKERS, table: { kind: 'metrics', metrics: names } },
    lanes,
    names.map((name) => ({ label: metricLabel(suite, name), value: value(name) })),
    'MiB',
  );
}

const LATENCY = /^latency_p(\d+(?:\.\d+)?)_(us|ms)$/;

/** A bar chart per headline metric the workload measured (the rate of each kind of load), each bar a lane. */
function headlineCharts(prefix: string, suite: SuiteName, workload: WorkloadView): ChartSpec[] {
  const charts: (ChartSpec | null)[] = [];
  const headlines = headlineMetrics(suite);
  for (const name of workload.metricNames.filter((m) => headlines.includes(m))) {
    const lanes = workload.lanes.filter((l) => metricOf(l, name));
    const { unit, scale } = axisUnit(lanes.flatMap((l) => l.metrics).find((m) => m.name === name)?.unit ?? '');
    charts.push(
      bars(
        { id: `${prefix}-${name}`, title: metricLabel(suite, name), caption: WHISKERS, table: { kind: 'metrics', metrics: [name] } },
        lanes,
        [{ label: metricLabel(suite, name), byLane: true, value: (l) => barOf(metricOf(l, name), scale) }],
        unit,
      ),
    );
  }
  return charts.filter((c): c is ChartSpec => c !== null);
}

/** Latency percentiles, one chart per unit, each bar the median over samples of that percentile. */
function latencyCharts(prefix: string, workload: WorkloadView): ChartSpec[] {
  const charts: (ChartSpec | null)[] = [];
  const latencies = workload.metricNames
    .filter((m) => LATENCY.test(m))
    .sort((a, b) => Number(LATENCY.exec(a)![1]) - Number(LATENCY.exec(b)![1]));
  for (const unit of new Set(latencies.map((m) => LATENCY.exec(m)![2]!))) {
    const names = latencies.filter((m) => LATENCY.exec(m)![2] === unit);
    const lanes = workload.lanes.filter((l) => names.some((n) => metricOf(l, n)));
    charts.push(
      bars(
        {
          id: `${prefix}-latency-${unit}`,
          title: 'latency percentiles',
          caption: 'Each bar is the median over repetitions of that percentile; whiskers its confidence interval.',
          table: { kind: 'metrics', metrics: names },
        },
        lanes,
        names.map((n) => ({ label: `p${LATENCY.exec(n)![1]}`, value: (l: Lane) => barOf(metricOf(l, n), 1) })),
        axisUnit(unit).unit,
      ),
    );
  }
  return charts.filter((c): c is ChartSpec => c !== null);
}

/** One bar per lane of a count, its table saying why each lane stopped. */
function countBars(prefix: string, chart: Extract<ChartDecl, { kind: 'count' }>, workload: WorkloadView): ChartSpec | null {
  if (!workload.metricNames.includes(chart.metric)) return null;
  const lanes = workload.lanes.filter((l) => metricOf(l, chart.metric));
  return bars(
    { id: `${prefix}-${chart.id}`, title: chart.title, caption: chart.caption, table: { kind: 'count', metric: chart.metric } },
    lanes,
    [{ label: chart.unit, byLane: true, value: (l) => barOf(metricOf(l, chart.metric), 1) }],
    chart.unit,
  );
}

/** Each numeric field of the lanes' per-instance records, a curve against the instance count. */
function curveCharts(prefix: string, labels: Readonly<Record<string, string>>, workload: WorkloadView): ChartSpec[] {
  const curveLabel = (field: string) => labels[field] ?? field.replace(/_/g, ' ');
  const charts: ChartSpec[] = [];
  const fields = [...new Set(workload.lanes.flatMap((l) => l.curves.map((c) => c.field)))];
  for (const field of fields) {
    const { unit, scale } = axisUnit(/bytes$/i.test(field) ? 'bytes' : /ms$/i.test(field) ? 'ms' : '');
    const datasets = workload.lanes.flatMap((lane) =>
      lane.curves
        .filter((c) => c.field === field)
        .map((c, _, same) => ({
          label: same.length > 1 ? `${lane.name} (${c.from})` : lane.name,
          data: c.points.map((p) => ({ x: p.x, y: p.y * scale })),
          borderColor: laneColor(lane),
          backgroundColor: laneColor(lane),
          pointRadius: 2,
          showLine: true,
        })),
    );
    charts.push({
      id: `${prefix}-curve-${field}`,
      title: `${curveLabel(field)}, by instance`,
      caption: 'One point per instance, in the order they were started: the n-th started with n-1 already running.',
      config: scatterConfig(datasets, unit || field, false, {
        beginAtZero: true,
        title: { display: true, text: 'n-th instance started' },
      }),
      table: { kind: 'curves', field },
      height: CHART_HEIGHT,
    });
  }
  return charts;
}

/** Bars of a few metrics side by side per lane (a wake beside its cold start), a series each. */
function seriesBars(prefix: string, chart: Extract<ChartDecl, { kind: 'series' }>, workload: WorkloadView): ChartSpec | null {
  const lanes = workload.lanes.filter((l) => metricOf(l, chart.series[0]!.metric));
  return bars(
    {
      id: `${prefix}-${chart.id}`,
      title: chart.title,
      caption: `${WHISKERS} ${chart.caption}`,
      table: { kind: 'metrics', metrics: [...chart.table] },
    },
    lanes,
    chart.series.map((s) => ({ label: s.label, value: (l: Lane) => barOf(metricOf(l, s.metric), 1) })),
    chart.unit,
  );
}

/** The charts a declaration of a suite stands for, on one workload (none where it measured nothing they show). */
function drawn(chart: ChartDecl, suite: SuiteName, workload: WorkloadView, prefix: string): (ChartSpec | null)[] {
  switch (chart.kind) {
    case 'samples':
      return [sampleStrip(`${prefix}-${chart.id}`, suite, workload, chart.metric)];
    case 'phases':
      return [phaseBreakdown(`${prefix}-${chart.id}`, workload)];
    case 'sizes':
      return [sizeBars(`${prefix}-${chart.id}`, chart.title, suite, workload)];
    case 'headlines':
      return headlineCharts(prefix, suite, workload);
    case 'latencies':
      return latencyCharts(prefix, workload);
    case 'count':
      return [countBars(prefix, chart, workload)];
    case 'curves':
      return curveCharts(prefix, chart.labels, workload);
    case 'series':
      return [seriesBars(prefix, chart, workload)];
  }
}

/** The charts of one workload of a suite, as its descriptor declares them; metrics without one are in the tables only. */
export function workloadCharts(suite: SuiteName, workload: WorkloadView, prefix: string): ChartSpec[] {
  return suiteDescriptor(suite)
    .charts.flatMap((chart) => drawn(chart, suite, workload, prefix))
    .filter((c): c is ChartSpec => c !== null);
}

/** The metrics a workload's charts show: the ones a summary leads with. */
export function chartedMetrics(charts: readonly ChartSpec[]): string[] {
  return [
    ...new Set(
      charts.flatMap((c) => (c.table.kind === 'metrics' ? c.table.metrics : c.table.kind === 'count' ? [c.table.metric] : [])),
    ),
  ];
}
