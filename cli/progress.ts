import { fitQuadratic } from '../stats/quadratic.ts';
import type { RunnerName } from './config.ts';
import type { Progress } from '../suites/types.ts';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The estimate fits the last two thirds of the steps seen: the recent ones, with enough of them to smooth bursts. */
const FITTED_SHARE = 2 / 3;
/** Below this many steps in the fit, the mean pace over them. */
const MIN_FITTED = 6;

/**
 * ms left until step `total`, from the elapsed times at which steps 1..i were reached. A quadratic least-squares fit
 * of elapsed time against step over the recent steps gives the pace now and its trend: when each step takes longer
 * than the one before (density starts on a filling host) the estimate grows with them instead of lagging behind.
 * A fit of the elapsed times, not of single step durations: steps that finish in bursts (8 starts at a time) barely
 * move it. The trend is followed for at most twice as many steps as have been seen, then held: carried further, a
 * small error in it grows with the square of the steps left. Chosen by its error on recorded ramps
 * (test/fixtures/ramps): half of the estimates from 10% to 90% of a ramp within 1.3× of the time that was left.
 */
export function remainingMs(reachedAt: readonly number[], total: number): number | undefined {
  const seen = reachedAt.length - 1;
  if (seen < 1) return undefined;
  const left = total - seen;
  const from = Math.floor(seen * (1 - FITTED_SHARE));
  if (seen - from < MIN_FITTED) return ((reachedAt[seen]! - reachedAt[from]!) / (seen - from)) * left;
  const steps = Array.from({ length: seen - from + 1 }, (_, k) => from + k);
  const fit = fitQuadratic(steps, steps.map((step) => reachedAt[step]!));
  const pace = Math.max(0, fit.c1 + 2 * fit.c2 * (seen - fit.centre));
  const growth = Math.max(0, 2 * fit.c2);
  const followed = Math.min(left, 2 * (seen + 1));
  return left * pace + growth * ((followed * (followed + 1)) / 2 + (left - followed) * followed);
}

/**
 * Progress on stderr (stdout may carry `--json`). On a TTY one live line is redrawn: cell, step i/N, elapsed in the
 * cell and an estimate of the time left (remainingMs). Elsewhere (CI logs, pipes) each step is one plain line.
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
      // The last step is often unlike the others (density's stop of every instance): no pace of theirs tells its length.
      const eta = i < steps ? remainingMs(reachedAt, steps) : undefined;
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
