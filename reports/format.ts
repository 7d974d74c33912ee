import type { Stats } from '../suites/results.ts';
import { formatValue as formatMeasured, LOWER_BOUND_MARK } from './summary.ts';

/** Whole values of anything but times and byte sizes read as they are: "14 instances", not "14.00 instances". */
const TIME_OR_SIZE = new Set(['ms', 'us', 'bytes']);

export function formatValue(value: number, unit: string): string {
  return Number.isInteger(value) && !TIME_OR_SIZE.has(unit) ? `${value} ${unit}`.trim() : formatMeasured(value, unit);
}

/** 0.95 → "95%", 0.9785 → "97.9%": a level as exact as the order statistics make it. */
export function formatLevel(level: number): string {
  const pct = level * 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

export function formatInterval(ci: Stats['ci'], unit: string): string {
  if (!ci) return '—';
  return `${formatValue(ci.low, unit)} – ${formatValue(ci.high, unit)} @${formatLevel(ci.level)}`;
}

export function formatPercent(fraction: number, signed = false): string {
  if (!Number.isFinite(fraction)) return '—';
  const text = `${(fraction * 100).toFixed(1)}%`;
  return signed && fraction > 0 ? `+${text}` : text;
}

/** The cells of a metric row that every tabular report shows, in this order. */
export const STAT_COLUMNS = ['n', 'median', 'CI of the median', 'p95', 'cv'] as const;

export function statCells(stats: Stats | null, unit: string, lowerBound = false): string[] {
  if (!stats) return ['0', '—', '—', '—', '—'];
  const bound = lowerBound ? LOWER_BOUND_MARK : '';
  return [
    String(stats.n),
    bound + formatValue(stats.median, unit),
    stats.ci ? bound + formatInterval(stats.ci, unit) : formatInterval(stats.ci, unit),
    bound + formatValue(stats.p95, unit),
    formatPercent(stats.cv),
  ];
}

/** A p-value readable at any size: 0.042, 3.1e-5. */
export function formatP(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}
