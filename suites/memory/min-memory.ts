import { z } from 'zod';
import type { Trial } from '../../core/cell-schema.ts';
import { probeOnce } from '../../fixtures/probes.ts';
import { failedTrial, trialError } from '../cell.ts';
import { withInstance } from '../instance.ts';
import type { SuiteContext } from '../types.ts';
import { bisectMinimum, bisectResultSchema, CONFIRM_WALK } from './bisect.ts';
import type { memoryConfig } from './config.ts';

type MinMemorySettings = z.output<typeof memoryConfig>['minMemory'];

/** What `extra.minMemory` of a memory cell holds: why it was not looked for, or the bisection within its bounds. */
export const minMemorySchema = z.union([
  z.object({ skipped: z.string() }),
  bisectResultSchema.extend({ lowMiB: z.number(), highMiB: z.number(), requests: z.number(), criterion: z.string() }),
]);
export type MinMemoryExtra = z.infer<typeof minMemorySchema>;

export const MIN_MEMORY_CRITERION = (requests: number) =>
  `boots, passes its readiness probe and then answers ${requests} more probe requests in a row`;

/**
 * One attempt at a guest memory size: the instance must boot, become ready within `readyTimeoutMs` and answer
 * `requests` probes one after another. Whatever happens, the instance is stopped.
 */
export async function attemptAt(
  ctx: SuiteContext,
  memoryMiB: number,
  requests: number,
  readyTimeoutMs: number,
): Promise<{ ok: boolean; reason?: string }> {
  try {
    await withInstance(ctx, { memoryMiB, readyTimeoutMs }, async (instance) => {
      for (let i = 0; i < requests; i++) {
        try {
          await probeOnce(ctx.workload.probe, instance.endpoint, ctx.signal);
        } catch (error) {
          throw new Error(`request ${i + 1} of ${requests} failed: ${(error as Error).message}`);
        }
      }
    });
    return { ok: true };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { ok: false, reason: trialError(error).reason };
  }
}

/**
 * The smallest guest memory (MiB) at which the workload still works, by bisection within the configured bounds,
 * confirmed by a second attempt (see bisectMinimum). The steps go to the cell's `extra`, the answer to the trial. The Unikraft paper's minimum-memory figures are of the same kind (smallest size
 * that boots and serves), so the two can be set side by side.
 */
export async function minMemoryTrial(
  ctx: SuiteContext,
  settings: MinMemorySettings,
  index: number,
  readyTimeoutMs: number,
  onAttempt: (memoryMiB: number) => void,
): Promise<{ trial: Trial; extra: MinMemoryExtra }> {
  const startedAt = new Date().toISOString();
  const result = await bisectMinimum(
    settings.lowMiB,
    settings.highMiB,
    (size) => {
      onAttempt(size);
      return attemptAt(ctx, size, settings.requests, readyTimeoutMs);
    },
    { signal: ctx.signal, confirm: true },
  );
  const extra: MinMemoryExtra = {
    lowMiB: settings.lowMiB,
    highMiB: settings.highMiB,
    requests: settings.requests,
    criterion: MIN_MEMORY_CRITERION(settings.requests),
    ...result,
  };
  if (result.minimum === undefined) {
    const reason = result.steps[0]?.reason ?? 'unknown';
    return {
      trial: failedTrial(index, startedAt, {
        reason: `minimum memory: does not work even with ${settings.highMiB} MiB (the upper bound): ${reason}`,
      }),
      extra,
    };
  }
  return {
    trial: { index, warmup: false, ok: true, startedAt, phases: {}, values: { min_memory_mib: result.minimum } },
    extra,
  };
}

/** What a reader must know about the minimum: an edge that works only sometimes. */
export function minMemoryFlags(extra: MinMemoryExtra): string[] {
  if ('skipped' in extra || extra.minimum === undefined || extra.bisected === undefined) return [];
  if (extra.confirmed === false) {
    return [
      `not reproducible: ${extra.minimum} MiB worked once but failed its re-check, and no size up to ` +
        `${CONFIRM_WALK} MiB above worked twice in a row`,
    ];
  }
  if (extra.minimum > extra.bisected) {
    return [
      `flaky edge: ${extra.bisected} MiB worked once but failed its re-check; ${extra.minimum} MiB is the smallest ` +
        'size above it that worked twice in a row',
    ];
  }
  return [];
}
