import type { GateReport, GateRow } from './compare.ts';
import { formatLevel, formatP, formatPercent, formatValue } from './format.ts';
import { markdownTable } from './markdown.ts';

const VERDICT_TEXT: Record<GateRow['verdict'], string> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  unchanged: 'unchanged',
  inconclusive: 'inconclusive',
};

const HEADLINE: Record<GateReport['verdict'], string> = {
  fail: 'FAIL: a gated metric regressed',
  inconclusive: 'INCONCLUSIVE: no regression found, but not every gated metric could be judged',
  pass: 'PASS: every gated metric is unchanged or improved',
};

const pct = (fraction: number) => formatPercent(fraction, true);

function row(r: GateRow): string[] {
  const value = (side: GateRow['baseline']) => (side.median === null ? '—' : `${formatValue(side.median, r.unit)} (n=${side.n})`);
  return [
    r.key,
    r.workload,
    r.runner,
    `${r.direction} is better, ±${(r.threshold * 100).toFixed(0)}%`,
    value(r.baseline),
    value(r.current),
    r.change === null ? '—' : pct(r.change),
    r.interval ? `${pct(r.interval.low - 1)} … ${pct(r.interval.high - 1)} @${formatLevel(r.interval.level)}` : '—',
    r.test ? `${formatP(r.test.p)} / ${formatP(r.test.pAdjusted)}` : '—',
    VERDICT_TEXT[r.verdict],
    r.reason,
  ];
}

/** Every gated metric with its numbers, its verdict and why, and the rule that decided. */
export function renderGateMarkdown(report: GateReport): string {
  const order: GateRow['verdict'][] = ['regressed', 'inconclusive', 'improved', 'unchanged'];
  const rows = [...report.rows].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  const counts = order.map((v) => `${report.rows.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  const out = [
    `## isobench gate: ${HEADLINE[report.verdict]}`,
    '',
    `Baseline **${report.baseline.label}** (run ${report.baseline.runId}) against current **${report.current.label}** ` +
      `(run ${report.current.runId}): ${counts}.`,
    '',
    markdownTable(
      ['metric', 'workload', 'runner', 'gate', 'baseline median', 'current median', 'change', 'interval of the change', 'p / Holm p', 'verdict', 'why'],
      rows.map(row),
    ),
    '',
    `**Rule:** ${report.rule}`,
    '',
    `**Same host:** ${report.environment.matched.join(', ')} match.` +
      (report.environment.differing.length ? ` Differing, not compared: ${report.environment.differing.join('; ')}.` : ''),
  ];
  if (report.notes.length) out.push('', '**Notes:**', ...report.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}
