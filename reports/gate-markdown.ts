import type { GateReport, GateRow, GateSide } from './compare.ts';
import { formatLevel, formatP, formatPercent, formatValue } from './format.ts';
import { markdownTable } from './markdown.ts';

const VERDICT_TEXT: Record<GateRow['verdict'], string> = {
  regressed: 'REGRESSED',
  'not-judged': 'NOT JUDGED',
  improved: 'improved',
  unchanged: 'shown unchanged',
  'not-detected': 'no change detected',
};

const HEADLINE: Record<GateReport['verdict'], string> = {
  fail: 'FAIL: a gated metric regressed',
  inconclusive: 'INCONCLUSIVE: no regression found, but not every gated metric could be judged',
  pass: 'PASS: no regression detected',
};

const pct = (fraction: number) => formatPercent(fraction, true);

function row(r: GateRow): string[] {
  const value = (side: GateRow['baseline']) => (side.median === null ? '—' : `${formatValue(side.median, r.unit)} (n=${side.n})`);
  return [
    r.key,
    r.workload,
    r.variant ? `${r.runner} · ${r.variant}` : r.runner,
    `${r.direction} is better, ±${(r.threshold * 100).toFixed(0)}%`,
    value(r.baseline),
    value(r.current),
    r.change === null ? '—' : `${pct(r.change)}${r.rounds === null ? '' : ` (${r.rounds} rounds)`}`,
    r.interval ? `${pct(r.interval.low - 1)} … ${pct(r.interval.high - 1)} @${formatLevel(r.interval.level)}` : '—',
    r.test ? `${formatP(r.test.p)} / ${formatP(r.test.pAdjusted)} (${r.test.alternative})` : '—',
    r.mde === null ? '—' : `${pct(r.mde)}${r.spread === null ? '' : ` (spread ${formatPercent(r.spread)})`}`,
    VERDICT_TEXT[r.verdict],
    r.reason,
  ];
}

const sideText = (s: GateSide) => `**${s.label}** (run ${s.runId}${s.driftExposed ? '; stored file: drift-exposed' : ''})`;

/** Every gated metric with its numbers, its verdict and why, and the rule that decided. */
export function renderGateMarkdown(report: GateReport): string {
  const order: GateRow['verdict'][] = ['regressed', 'not-judged', 'improved', 'unchanged', 'not-detected'];
  const rows = [...report.rows].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  const counts = order.map((v) => `${report.rows.filter((r) => r.verdict === v).length} ${VERDICT_TEXT[v].toLowerCase()}`).join(', ');
  const out = [
    `## isobench gate: ${HEADLINE[report.verdict]}`,
    '',
    `Baseline ${sideText(report.baseline)} against current ${sideText(report.current)}: ${counts}.`,
    '',
    markdownTable(
      ['metric', 'workload', 'runner', 'gate', 'baseline median', 'current median', 'change', 'interval of the change',
        'one-sided p / Holm p (towards)', 'MDE (90% power)', 'verdict', 'why'],
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
