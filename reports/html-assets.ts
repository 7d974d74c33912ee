/** The report page's style: readable printed or on screen, no web fonts (the page must open offline). */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #111827; --muted: #4b5563; --line: #e5e7eb; --warn: #b45309; --warn-bg: #fffbeb; --info-bg: #eff6ff; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #f9fafb; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--fg); }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.muted, figcaption .caption { color: var(--muted); }
.notice { border-left: 4px solid #2563eb; background: var(--info-bg); padding: 8px 12px; margin: 8px 0; }
.notice.warning { border-color: var(--warn); background: var(--warn-bg); }
.notice.warning strong { color: var(--warn); }
nav { margin: 12px 0; }
nav ul { margin: 4px 0; padding-left: 18px; }
section.workload { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 16px; margin: 16px 0; }
figure { margin: 16px 0; }
figcaption { margin-bottom: 6px; }
.chart-box { position: relative; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status-ok { color: #15803d; }
.status-failed { color: #b91c1c; font-weight: 600; }
.status-not-run { color: var(--muted); font-weight: 600; }
.status-partial { color: var(--warn); font-weight: 600; }
.flag { color: var(--warn); }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
code { font-size: 12px; }
footer { padding: 24px 20px 40px; color: var(--muted); }
`;

/**
 * Builds the charts from the embedded specs. Kept to what JSON cannot carry: the tick labels of sample strips and
 * a plugin that draws medians, intervals and whiskers (chart.js has no error bars).
 */
export const PAGE_SCRIPT = `
(() => {
  'use strict';
  const specs = JSON.parse(document.getElementById('isobench-charts').textContent);
  const line = (ctx, x1, y1, x2, y2) => { ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke(); };
  const bracket = (ctx, x, y1, y2, cap) => {
    line(ctx, x, y1, x, y2); line(ctx, x - cap, y1, x + cap, y1); line(ctx, x - cap, y2, x + cap, y2);
  };
  const marks = {
    id: 'marks',
    afterDatasetsDraw(chart, _args, options) {
      const items = (options && options.items) || [];
      const { ctx } = chart;
      const x = chart.scales.x;
      const y = chart.scales.y;
      ctx.save();
      ctx.lineWidth = 2;
      for (const m of items) {
        if (m.kind === 'median') {
          const cx = x.getPixelForValue(m.x);
          const half = Math.abs(x.getPixelForValue(m.x + 0.28) - cx);
          ctx.strokeStyle = m.color;
          if (m.low !== null && m.high !== null) bracket(ctx, cx + half + 6, y.getPixelForValue(m.low), y.getPixelForValue(m.high), 5);
          line(ctx, cx - half, y.getPixelForValue(m.median), cx + half, y.getPixelForValue(m.median));
        } else if (chart.isDatasetVisible(m.dataset)) {
          const bar = chart.getDatasetMeta(m.dataset).data[m.index];
          if (!bar) continue;
          ctx.strokeStyle = '#111827';
          bracket(ctx, bar.x, y.getPixelForValue(m.low), y.getPixelForValue(m.high), Math.min(6, (bar.width || 12) / 4));
        }
      }
      ctx.restore();
    },
  };
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#374151';
  for (const spec of specs) {
    if (spec.tickLabels) {
      // One tick per lane, at the integer its samples are strewn around.
      const x = spec.config.options.scales.x;
      x.afterBuildTicks = (axis) => { axis.ticks = spec.tickLabels.map((_, value) => ({ value })); };
      x.ticks.callback = (value) => spec.tickLabels[value] || '';
    }
    new Chart(document.getElementById(spec.id), { ...spec.config, plugins: [marks] });
  }
})();
`;
