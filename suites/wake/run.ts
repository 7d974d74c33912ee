import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CellOf, Trial } from '../../core/cell-schema.ts';
import { specOf, type MetricSpec } from '../../core/metric-def.ts';
import { runDir } from '../../core/rundir.ts';
import { runnerDescriptor, type RunnerName } from '../../runners/index.ts';
import { StrategyUnavailable, type Endpoint, type Instance, type MemorySample } from '../../runners/types.ts';
import { median } from '../../stats/descriptive.ts';
import { buildCell, cellLabel, failedTrial, metricFromTrials, trialError } from '../cell.ts';
import type { SuiteContext } from '../types.ts';
import { SUITE, wakeSettings, type WakeStrategy } from './config.ts';
import { wakeExtra } from './extra.ts';
import { WAKE_METRICS } from './metrics.ts';
import { WakeProxy } from './proxy.ts';
import { exchange, stateCheck, type StateCheck } from './state.ts';
import { STRATEGIES, type AtZero } from './strategies.ts';

const spec = (name: string) => specOf(SUITE, WAKE_METRICS, name);
/** The suite's metrics (declared in metrics.ts), by what the code calls them. */
const SPECS = {
  wake: spec('wake_ms'),
  coldStart: spec('cold_start_ms'),
  toZero: spec('to_zero_ms'),
  zeroRss: spec('zero_rss_bytes'),
  zeroPss: spec('zero_pss_bytes'),
  snapshot: spec('snapshot_bytes'),
  wokenRss: spec('woken_rss_bytes'),
  wokenPss: spec('woken_pss_bytes'),
  proxyAdded: spec('proxy_added_ms'),
  stateKept: spec('state_kept'),
};

/** Requests each way (straight to the instance, through the proxy) when the proxy's own latency is measured. */
const PROXY_PAIRS = 5;

/**
 * The proxy's added latency with the instance up: the same request alternately straight to the instance and
 * through the proxy, the difference of the medians of their first bytes.
 */
async function proxyAddedMs(check: StateCheck, instance: Endpoint, proxy: Endpoint, timeoutMs: number, signal: AbortSignal) {
  const direct: number[] = [];
  const proxied: number[] = [];
  for (let i = 0; i < PROXY_PAIRS; i++) {
    direct.push((await exchange(instance, check.request, check.complete, timeoutMs, signal)).firstByteMs);
    proxied.push((await exchange(proxy, check.request, check.complete, timeoutMs, signal)).firstByteMs);
  }
  return { addedMs: median(proxied) - median(direct), direct, proxied };
}

function memoryValues(sample: MemorySample | null, rss: MetricSpec, pss: MetricSpec): Record<string, number> {
  return { [rss.name]: sample?.rssBytes ?? 0, [pss.name]: sample?.pssBytes ?? 0 };
}

let snapshots = 0;

/**
 * One cycle on a fresh instance: ready, state written, proxy measured, idle, to zero, then a client connects
 * through the proxy, which wakes the instance; the first reply byte ends the wake, the whole reply (and for
 * PostgreSQL a query) says whether the state came back. Everything the trial started is stopped before it returns.
 */
async function wakeTrial(ctx: SuiteContext, strategy: WakeStrategy, proxy: WakeProxy, index: number): Promise<Trial> {
  const settings = wakeSettings(ctx);
  const startedAt = new Date().toISOString();
  const check = stateCheck(ctx.workload.probe);
  const ended = new AbortController();
  const signal = AbortSignal.any([ctx.signal, ended.signal]);
  const started: Instance[] = [];
  let zero: AtZero | undefined;
  const values: Record<string, number> = {};
  const detail: Record<string, unknown> = {};
  try {
    const instance = await ctx.runner.start(ctx.workload, { readyTimeoutMs: settings.readyTimeoutMs, signal });
    started.push(instance);
    values[SPECS.coldStart.name] = instance.phases.ready!;
    await check.write(instance.endpoint, settings.readyTimeoutMs, signal);
    proxy.up(instance.endpoint);
    const overhead = await proxyAddedMs(check, instance.endpoint, proxy.endpoint, settings.wakeTimeoutMs, signal);
    values[SPECS.proxyAdded.name] = overhead.addedMs;
    detail.proxyFirstByteMs = { direct: overhead.direct, proxied: overhead.proxied };
    await sleep(settings.idleMs, undefined, { signal });

    const toZeroAt = performance.now();
    const snapshotFile = join(runDir(), `wake-${process.pid}-${++snapshots}.snapshot`);
    zero = await STRATEGIES[strategy].toZero(instance, {
      runner: ctx.runner,
      workload: ctx.workload,
      readyTimeoutMs: settings.readyTimeoutMs,
      snapshotFile,
      signal,
    });
    values[SPECS.toZero.name] = performance.now() - toZeroAt;
    Object.assign(values, memoryValues(await zero.memory(), SPECS.zeroRss, SPECS.zeroPss));
    if (zero.snapshotBytes !== undefined) values[SPECS.snapshot.name] = zero.snapshotBytes;

    const atZero = zero;
    proxy.zero(async () => {
      const woken = await atZero.wake(signal);
      if (!started.includes(woken)) started.push(woken);
      return woken.endpoint;
    });
    const answer = await exchange(proxy.endpoint, check.request, check.complete, settings.wakeTimeoutMs, signal).catch(async (error) => {
      // The wake's own failure says more than the client's closed connection.
      await proxy.woken;
      throw error;
    });
    values[SPECS.wake.name] = answer.firstByteMs;
    const woken = started.at(-1)!;
    const lost = await check.verify(answer.reply, proxy.endpoint, settings.wakeTimeoutMs, signal);
    values[SPECS.stateKept.name] = lost ? 0 : 1;
    if (lost) detail.stateLost = lost;
    Object.assign(values, memoryValues(await woken.memory(), SPECS.wokenRss, SPECS.wokenPss));
    return { index, warmup: false, ok: true, startedAt, phases: {}, values, detail };
  } catch (error) {
    if (error instanceof StrategyUnavailable || ctx.signal.aborted) throw error;
    return failedTrial(index, startedAt, trialError(error));
  } finally {
    ended.abort(new Error('the trial is over'));
    // A wake still under way ends with the signal; what it started is then in `started`.
    await proxy.woken?.catch(() => {});
    for (const instance of started) await instance.stop();
    await zero?.discard();
  }
}

type WakeCell = CellOf<typeof SUITE, RunnerName, typeof wakeExtra>;

/** "kept in 3 of 3 trials", or what was lost and how often. */
function stateSummary(trials: readonly Trial[]): string | undefined {
  const checked = trials.filter((t) => t.ok);
  if (!checked.length) return undefined;
  const lost = checked.filter((t) => t.values[SPECS.stateKept.name] === 0);
  if (!lost.length) return `kept in ${checked.length} of ${checked.length} trials`;
  return `LOST in ${lost.length} of ${checked.length} trials: ${String(lost[0]!.detail?.stateLost)}`;
}

async function strategyCell(ctx: SuiteContext, strategy: WakeStrategy, proxy: WakeProxy, done: { steps: number }): Promise<WakeCell> {
  const settings = wakeSettings(ctx);
  const check = stateCheck(ctx.workload.probe);
  const notes = [
    STRATEGIES[strategy].note,
    ...(STRATEGIES[strategy].timesStop ? [`to_zero_ms = the stop: ${runnerDescriptor(ctx.runner.name as RunnerName).engine.stopMethod}`] : []),
    check.description,
    `wake_ms = from the client asking to connect to isobench's front proxy (127.0.0.1) to the first reply byte; the ` +
      `proxy's own added latency, measured with the instance up (median of ${PROXY_PAIRS} requests each way), is proxy_added_ms and is subtracted from nothing`,
    'cold_start_ms = time to ready of the fresh instance each trial starts (straight, no proxy)',
  ];
  const label = cellLabel(ctx, undefined, notes);
  const trials: Trial[] = [];
  for (let i = 0; i < settings.trials && !ctx.signal.aborted; i++) {
    ctx.progress.step(++done.steps, `${strategy} ${i + 1}/${settings.trials}`);
    try {
      const trial = await wakeTrial(ctx, strategy, proxy, i);
      trials.push(trial);
      if (!trial.ok) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}, ${strategy}: trial failed: ${trial.error!.reason}`);
    } catch (error) {
      if (!(error instanceof StrategyUnavailable)) break; // aborted
      done.steps += settings.trials - i - 1;
      return {
        suite: SUITE,
        workload: ctx.workload.name,
        runner: ctx.runner.name,
        variant: strategy,
        status: 'not-run',
        reason: `${strategy} cannot run here: ${error.message}`,
        label,
        trials: [],
        metrics: [],
      };
    }
  }
  const state = stateSummary(trials);
  const metrics = Object.values(SPECS)
    .map((spec) => metricFromTrials(spec, trials, spec === SPECS.stateKept && state?.startsWith('LOST') ? [`state ${state}`] : []))
    .filter((m) => m.samples.length > 0 || m.name === SPECS.wake.name);
  const cell = buildCell<typeof SUITE, typeof wakeExtra>(ctx, { label, trials, metrics, aborted: ctx.signal.aborted, ...(state && { extra: { state } }) }, SUITE);
  return { ...cell, variant: strategy };
}

/** Scale to zero and wake, one cell per strategy, behind isobench's front proxy. */
export async function runWake(ctx: SuiteContext) {
  const settings = wakeSettings(ctx);
  ctx.progress.begin({ suite: SUITE, workload: ctx.workload.name, runner: ctx.runner.name }, settings.strategies.length * settings.trials);
  const proxy = await WakeProxy.listen(settings.wakeTimeoutMs);
  const cells: WakeCell[] = [];
  const done = { steps: 0 };
  try {
    for (const strategy of settings.strategies) {
      if (ctx.signal.aborted) break;
      cells.push(await strategyCell(ctx, strategy, proxy, done));
    }
  } finally {
    await proxy.close();
    ctx.progress.end();
  }
  return cells;
}
