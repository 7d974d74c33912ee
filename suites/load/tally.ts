import { LatencyHistogram, type HistogramData } from './histogram.ts';

const MAX_ERROR_SAMPLES = 5;

/** Counts and latencies of one phase of a load run, overall and per operation kind. */
export class Tally {
  readonly latency = new LatencyHistogram();
  readonly perOp = new Map<string, { ok: number; errors: number; latency: LatencyHistogram }>();
  ok = 0;
  errors = 0;
  readonly errorSamples = new Set<string>();

  private op(kind: string) {
    let entry = this.perOp.get(kind);
    if (!entry) {
      entry = { ok: 0, errors: 0, latency: new LatencyHistogram() };
      this.perOp.set(kind, entry);
    }
    return entry;
  }

  success(kind: string, us: number): void {
    this.ok++;
    this.latency.record(us);
    const entry = this.op(kind);
    entry.ok++;
    entry.latency.record(us);
  }

  failure(kind: string, error: unknown): void {
    this.errors++;
    this.op(kind).errors++;
    this.noteError(kind, error);
  }

  private noteError(kind: string, error: unknown): void {
    if (this.errorSamples.size < MAX_ERROR_SAMPLES) this.errorSamples.add(`${kind}: ${(error as Error)?.message ?? String(error)}`);
  }

  perOpJSON(): Record<string, { ok: number; errors: number; latency: HistogramData }> {
    return Object.fromEntries(
      [...this.perOp].map(([kind, e]) => [kind, { ok: e.ok, errors: e.errors, latency: e.latency.toJSON() }]),
    );
  }
}
