import { join } from 'node:path';
import type { Config } from './config.ts';
import { ExitCode } from '../core/exit-codes.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import type { Results } from '../suites/results.ts';
import { compareResults, renderGateMarkdown, GateRefusedError, type GateReport } from '../reports/index.ts';

/** Exit code of a gate verdict: a regression fails the build; rows that could not be judged make it inconclusive. */
export const GATE_EXIT = { pass: ExitCode.Ok, fail: ExitCode.GateFailed, inconclusive: ExitCode.GateInconclusive } as const;

/** Compares two runs (each trial one sample) and publishes the verdict as publishGate does. */
export function gateResults(baseline: Results, current: Results, gates: Config['gates'], writeTo?: string): Promise<number> {
  return publishGate(() => compareResults(baseline, current, gates), writeTo);
}

/**
 * Computes a gate report, prints its Markdown table on stdout (and into `writeTo` when given) and returns the exit
 * code. Runs that cannot be compared (other accelerator, other host) are refused with exit code 2.
 */
export async function publishGate(compare: () => GateReport, writeTo?: string): Promise<number> {
  let markdown: string;
  let verdict: keyof typeof GATE_EXIT;
  try {
    const report = compare();
    markdown = renderGateMarkdown(report);
    verdict = report.verdict;
  } catch (error) {
    if (error instanceof GateRefusedError) {
      process.stderr.write(`isobench gate: ${error.message}\n`);
      return ExitCode.Usage;
    }
    throw error;
  }
  process.stdout.write(markdown);
  if (writeTo) await writeFileAtomic(join(writeTo, 'gate.md'), markdown);
  return GATE_EXIT[verdict];
}
