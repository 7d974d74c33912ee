import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { leftoverLine, stopBounded } from '../core/lifecycle.ts';
import { leftoverReason } from '../suites/density/stop.ts';

describe('stopBounded', () => {
  it('never has more than `concurrency` stops under way, and stops them all', async () => {
    let running = 0;
    let most = 0;
    let stopped = 0;
    const items = Array.from({ length: 40 }, () => ({
      async stop() {
        most = Math.max(most, ++running);
        await sleep(2);
        running--;
        stopped++;
      },
    }));
    expect(await stopBounded(items, { concurrency: 4 })).toEqual([]);
    expect(most).toBe(4);
    expect(stopped).toBe(40);
  });

  it('tries a failed stop again, up to the number of attempts, and returns the last error of those that never stopped', async () => {
    let flakyCalls = 0;
    let brokenCalls = 0;
    const flaky = {
      async stop() {
        if (++flakyCalls === 1) throw new Error('busy');
      },
    };
    const broken = {
      async stop() {
        throw new Error(`refused ${++brokenCalls}`);
      },
    };
    const failed = await stopBounded([flaky, broken], { concurrency: 2, attempts: 3 });
    expect(flakyCalls).toBe(2);
    expect(brokenCalls).toBe(3);
    expect(failed).toEqual([{ item: broken, error: 'refused 3' }]);
  });

  it('times each attempt from when it begins, not from when it was queued', async () => {
    // Ten stops of 150 ms each, one at a time: the last begins after 1.35 s, beyond its 1 s bound, and must
    // still succeed.
    const items = Array.from({ length: 10 }, () => ({ stop: () => sleep(150) }));
    expect(await stopBounded(items, { concurrency: 1, timeoutMs: 1_000, attempts: 1 })).toEqual([]);
    const hung = { stop: () => new Promise<void>(() => {}) };
    expect(await stopBounded([hung], { concurrency: 1, timeoutMs: 50, attempts: 1 })).toEqual([{ item: hung, error: 'did not stop within 0.05 s' }]);
  });
});

describe('what is left, in one line', () => {
  const ids = Array.from({ length: 500 }, (_, i) => i.toString(16).padStart(64, 'a'));

  it('density: a count, the first three short ids and the command, under 300 characters for 500 containers', () => {
    const reason = leftoverReason(ids.map((id) => ({ id, why: 'still listed by the container platform' })), 500);
    expect(reason.length).toBeLessThan(300);
    expect(reason).toBe(
      `500 of 500 instances left after stop (${ids[0]!.slice(0, 12)}, ${ids[1]!.slice(0, 12)}, ${ids[2]!.slice(0, 12)} and 497 more; ` +
        'see extra.leftovers); remove them with `isobench clean`',
    );
  });

  it('the run: a count, the first three and the command', () => {
    const line = leftoverLine(ids.map((id) => `container http-hello (${id.slice(0, 12)}): did not stop within 30 s`));
    expect(line.length).toBeLessThan(400);
    expect(line).toMatch(/^could not stop 500 instance\(s\): container .* and 497 more; run `isobench clean` to remove them$/);
  });
});
