import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DRAIN_TIMEOUT_MS } from './closed-loop.ts';
import type { LoadMessage, LoadResult, LoadSpec } from './protocol.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
/** tsx's loader, by absolute URL, so the child runs the TypeScript entry whatever the harness was started with. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Connecting and setting up (e.g. the PostgreSQL table) must fit in this, on top of warm-up and duration. */
const SETUP_GRACE_MS = 30_000;
const STDERR_TAIL = 2_000;

/**
 * Runs one load in a separate load generator process and returns its result. Bounded: the process is killed when
 * it has not reported within warm-up + duration + setup and drain allowances, or when `signal` aborts.
 * `onMeasuring` is called when the warm-up is over and the measured phase begins.
 */
export function runLoad(spec: LoadSpec, opts: { signal: AbortSignal; onMeasuring?: () => void }): Promise<LoadResult> {
  const limitMs = (spec.warmupS + spec.durationS) * 1000 + SETUP_GRACE_MS + DRAIN_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const child = fork(CHILD, [], {
      execArgv: ['--import', TSX_LOADER],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const finish = (error: Error | undefined, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result!);
    };
    const onAbort = () => finish(opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
    const timer = setTimeout(
      () => finish(new Error(`load generator did not finish within ${Math.round(limitMs / 1000)} s; killed it`)),
      limitMs,
    );
    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'measuring') opts.onMeasuring?.();
      else if (message.type === 'result') finish(undefined, message.result);
      else finish(new Error(`load generator (${spec.kind}): ${message.message}`));
    });
    child.on('error', (error) => finish(error));
    child.on('exit', (code, signal) =>
      finish(new Error(`load generator exited (${signal ?? `code ${code}`}) without a result${stderr ? `: ${stderr.trim()}` : ''}`)),
    );
    child.send(spec);
  });
}
