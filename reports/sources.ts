import type { Environment, Results } from '../suites/results.ts';

/** One results file in a report: where and how it was measured. */
export interface SourceView {
  /** "ci-runner@1a2b3c4 (kvm)": testbed, commit and accelerator, unique within the report. */
  label: string;
  testbed: string;
  commit: string;
  dirty: boolean;
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  partial: boolean;
  partialReason?: string;
  quick: boolean;
  environment: Environment;
}

/** The testbed the config names, else the host name. */
export function testbedName(results: Results): string {
  const testbed = (results.config as { testbed?: { name?: unknown } }).testbed;
  return typeof testbed?.name === 'string' ? testbed.name : results.environment.hostname;
}

/** The sources of a report, each with a label that tells it apart from the others. */
export function describeSources(results: readonly Results[]): SourceView[] {
  const sources = results.map((r): SourceView => {
    const { harness, accelerator } = r.environment;
    const testbed = testbedName(r);
    const commit = harness.commit.slice(0, 7);
    return {
      label: `${testbed}@${commit}${harness.dirty ? '+dirty' : ''} (${accelerator.kind})`,
      testbed,
      commit: harness.commit,
      dirty: harness.dirty,
      runId: r.runId,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      partial: r.partial,
      ...(r.partialReason ? { partialReason: r.partialReason } : {}),
      quick: r.quick,
      environment: r.environment,
    };
  });
  // Two runs of the same commit on the same testbed: the run id tells them apart.
  return sources.map((s) =>
    sources.filter((o) => o.label === s.label).length > 1 ? { ...s, label: `${s.label} ${s.runId}` } : s,
  );
}

export interface Notice {
  level: 'warning' | 'info';
  text: string;
}

/** What a reader must know before reading any number: emulation, interrupted runs, quick profile, local edits. */
export function sourceNotices(sources: readonly SourceView[]): Notice[] {
  const notices: Notice[] = [];
  const prefix = (s: SourceView) => (sources.length > 1 ? `${s.label}: ` : '');
  for (const s of sources) {
    const accel = s.environment.accelerator;
    if (accel.kind === 'tcg') {
      notices.push({
        level: 'warning',
        text:
          `${prefix(s)}VMs and unikernels ran under TCG (QEMU emulating the CPU, no KVM): their absolute times are ` +
          `emulated, many times slower than on hardware, and ratios against containers (which run natively) are ` +
          `not representative either. Reason: ${accel.reason}`,
      });
    } else if (accel.kind === 'none') {
      notices.push({ level: 'info', text: `${prefix(s)}no accelerator for VMs: ${accel.reason}` });
    }
    if (s.partial) {
      notices.push({
        level: 'warning',
        text: `${prefix(s)}partial results (${s.partialReason ?? 'the run did not finish'}): what is here is all that was measured.`,
      });
    }
    if (s.quick) {
      notices.push({ level: 'info', text: `${prefix(s)}quick profile: few trials per cell, so the intervals are wide.` });
    }
    if (s.dirty) {
      notices.push({ level: 'info', text: `${prefix(s)}measured with uncommitted changes to the harness (${s.commit}+dirty).` });
    }
  }
  return notices;
}
