import { rm } from 'node:fs/promises';
import type { WakeStrategy } from './config.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import { StrategyUnavailable, type Instance, type MemorySample, type Runner } from '../../runners/types.ts';

/** An instance at zero: what it still holds, and how it comes back. */
export interface AtZero {
  /** Host memory of what remains running; null when nothing does. */
  memory(): Promise<MemorySample | null>;
  /** Bytes on disk of the snapshot, for a strategy that writes one. */
  snapshotBytes?: number;
  /** Brings the instance back: the same one or a new one, answering on its endpoint. */
  wake(signal: AbortSignal): Promise<Instance>;
  /** Removes what going to zero left on disk; idempotent. */
  discard(): Promise<void>;
}

export interface ZeroContext {
  runner: Runner;
  workload: Workload;
  readyTimeoutMs: number;
  /** Where a snapshot goes (under the run folder); the strategy's `discard` removes it. */
  snapshotFile: string;
  /** Aborted when the trial ends: whatever a wake started is stopped with it. */
  signal: AbortSignal;
}

export interface Strategy {
  name: WakeStrategy;
  /** What "at zero" means with it, for the cell's notes. */
  note: string;
  /** Its to_zero_ms is the instance's stop: the cell names how the platform stops one. */
  timesStop?: boolean;
  toZero(instance: Instance, ctx: ZeroContext): Promise<AtZero>;
}

const nothingOnDisk = async () => {};

/** The optional abilities of an instance (not every platform has them) that a strategy may need. */
type Ability = 'pause' | 'resume' | 'snapshot';

/**
 * A strategy that needs `abilities` of the instance: on a platform that lacks one, its cell is not run, with the
 * reason (StrategyUnavailable).
 */
function needing<A extends Ability>(
  abilities: readonly A[],
  strategy: Omit<Strategy, 'toZero'> & { toZero(instance: Instance & Required<Pick<Instance, A>>, ctx: ZeroContext): Promise<AtZero> },
): Strategy {
  return {
    ...strategy,
    async toZero(instance, ctx) {
      if (!abilities.every((ability) => instance[ability])) {
        throw new StrategyUnavailable(`the ${ctx.runner.name} runner cannot ${strategy.name} an instance`);
      }
      return strategy.toZero(instance as Instance & Required<Pick<Instance, A>>, ctx);
    },
  };
}

const pause = needing(['pause', 'resume'], {
  name: 'pause',
  note:
    'pause: a container is frozen by the cgroup freezer (docker pause/unpause), a QEMU guest stopped by QMP stop/cont; ' +
    'its memory stays held (memory at zero is what the frozen instance still holds)',
  async toZero(instance) {
    await instance.pause();
    return {
      memory: () => instance.memory(),
      wake: async () => {
        await instance.resume();
        return instance;
      },
      discard: nothingOnDisk,
    };
  },
});

const snapshot = needing(['snapshot'], {
  name: 'snapshot',
  note:
    'snapshot: the whole instance is written to a file and ended (QEMU: QMP stop and migrate to the file, quit; a new ' +
    'QEMU loads it with -incoming and QMP cont; containers: CRIU through Docker checkpoints); memory at zero is 0, the file is snapshot_bytes',
  async toZero(instance, ctx) {
    const discard = () => rm(ctx.snapshotFile, { force: true });
    try {
      const saved = await instance.snapshot(ctx.snapshotFile, ctx.signal);
      return { memory: async () => null, snapshotBytes: saved.bytes, wake: (signal) => saved.restore(signal), discard };
    } catch (error) {
      await discard();
      throw error;
    }
  },
});

const restart: Strategy = {
  name: 'restart',
  timesStop: true,
  note: 'restart: the instance is stopped and a new one started on the wake (state in memory is lost); memory at zero is 0',
  async toZero(instance, ctx) {
    await instance.stop();
    return {
      memory: async () => null,
      wake: (signal) => ctx.runner.start(ctx.workload, { readyTimeoutMs: ctx.readyTimeoutMs, signal }),
      discard: nothingOnDisk,
    };
  },
};

export const STRATEGIES: Record<WakeStrategy, Strategy> = { pause, snapshot, restart };
