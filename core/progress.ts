import type { RunnerName, SuiteName } from './config.ts';
import type { Progress } from '../suites/types.ts';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
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
    begin(s: { suite: SuiteName; workload: string; runner: RunnerName }, n: number) {
      scope = `${cellOf}[${s.suite}] ${s.workload} on ${s.runner}`;
      steps = n;
      cellStart = now();
      if (!live) stream.write(`${scope}: ${n} steps\n`);
    },
    step(i: number, note?: string) {
      const elapsed = now() - cellStart;
      const eta = i > 1 ? ((elapsed / (i - 1)) * (steps - i + 1)) : undefined;
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
