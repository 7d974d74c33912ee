import type { RunnerName } from './config.ts';
import type { Progress } from '../suites/types.ts';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Steps whose pace the estimate follows: the recent quarter of them, at least this many. */
const PACE_WINDOW_MIN = 6;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * ms left until step `total`, from the elapsed times at which steps 1..i were reached. It follows the pace of the
 * recent steps, not the mean since the start, and extrapolates their trend: when each step takes longer than the
 * one before (density starts on a filling host) the estimate grows with them instead of lagging behind.
 */
export function remainingMs(reachedAt: readonly number[], total: number): number | undefined {
  const durations = reachedAt.slice(1).map((t, k) => t - reachedAt[k]!);
  if (durations.length === 0) return undefined;
  const left = total - reachedAt.length + 1;
  const window = durations.slice(-Math.max(PACE_WINDOW_MIN, Math.ceil(durations.length / 4)));
  if (window.length < 4) return mean(window) * left;
  const half = Math.floor(window.length / 2);
  const older = mean(window.slice(0, half));
  const recent = mean(window.slice(half));
  // Growth per step, from the older to the recent half of the window (their centres are `half` steps apart).
  const growth = Math.max(0, (recent - older) / half);
  return left * recent + (growth * left * (left + 1)) / 2;
}

/**
 * Progress on stderr (stdout may carry `--json`). On a TTY one live line is redrawn: cell, step i/N, elapsed in the
 * cell and an estimate from the mean step time so far. Elsewhere (CI logs, pipes) each step is one plain line.
 */
export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  now = () => Date.now(),
): Progress & { cell(index: number, total: number): void } {
  const live = Boolean(stream.isTTY);
  let scope = '';
  let steps = 0;
  let cellStart = 0;
  /** When each step of the cell was reached, ms into the cell. */
  let reachedAt: number[] = [];
  const runStart = now();
  let lineShown = false;
  /** "cell 3/12 ": where the run stands among all its cells (suite × workload × runner). */
  let cellOf = '';

  const clearLine = () => {
    if (live && lineShown) stream.write('\r\x1b[K');
    lineShown = false;
  };

  return {
    cell(index: number, total: number) {
      cellOf = `cell ${index}/${total} `;
    },
    begin(s: { suite: string; workload: string; runner: RunnerName }, n: number) {
      scope = `${cellOf}[${s.suite}] ${s.workload} on ${s.runner}`;
      steps = n;
      cellStart = now();
      reachedAt = [];
      if (!live) stream.write(`${scope}: ${n} steps\n`);
    },
    step(i: number, note?: string) {
      const elapsed = now() - cellStart;
      // A step reported again keeps the time it was first reached; steps skipped over are spread evenly up to now.
      const last = reachedAt.length ? reachedAt[reachedAt.length - 1]! : 0;
      const skipped = i - reachedAt.length;
      for (let k = 1; k <= skipped; k++) reachedAt.push(last + ((elapsed - last) * k) / skipped);
      const eta = remainingMs(reachedAt, steps);
      const text =
        `${scope}  ${note ?? `step ${i}`} (${i}/${steps})  elapsed ${formatDuration(elapsed)}` +
        (eta !== undefined ? `  ~${formatDuration(eta)} left` : '') +
        `  total ${formatDuration(now() - runStart)}`;
      if (live) {
        stream.write(`\r\x1b[K${text}`);
        lineShown = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    log(line: string) {
      clearLine();
      stream.write(`${line}\n`);
    },
    end() {
      clearLine();
      if (scope) stream.write(`${scope}: done in ${formatDuration(now() - cellStart)}\n`);
    },
  };
}
