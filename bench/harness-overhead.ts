import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { allocatePort, releasePort } from '../core/ports.ts';
import { quantileSorted } from '../stats/descriptive.ts';
import { READINESS_NOTE, waitReady } from '../fixtures/probes.ts';
import type { ProbeSpec } from '../fixtures/workloads.ts';
import type { Endpoint } from '../runners/types.ts';

/**
 * The harness's own cost of a trial and the resolution of its readiness, against a tiny HTTP server in a child
 * process: (1) overhead: waitReady on a server that is ready at once, start to ready, i.e. what the harness adds
 * to every cold start; (2) resolution: the server starts listening at a known moment on the monotonic clock both
 * processes share, and the probe must see it: the lag from listening to the successful attempt, and the window
 * (last refused attempt, successful attempt] the harness itself reports. Beside (1), the floor: the same exchange
 * over a bare socket (connect, one HTTP/1.0 request, read to the end), what any client pays to this server on this
 * host, so the part the harness adds is told apart from the server's answer and the host's scheduling.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    trials: { type: 'string' },
    json: { type: 'string' },
  },
});
const trials = Number(values.trials ?? (values.quick ? 50 : 300));
if (!Number.isInteger(trials) || trials < 5) throw new Error(`--trials: expected a whole number ≥ 5, got "${values.trials}"`);

const SPEC: Extract<ProbeSpec, { kind: 'http' }> = { kind: 'http', path: '/', expectStatus: 200, expectBody: 'ready\n' };
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Listening starts this long after the probe began, varied so that it falls anywhere in an attempt's cycle. */
const DELAYS_MS = [3, 7, 12, 20];

/** One HTTP/1.0 exchange over a bare socket: no parser, no timers, no abort signals. */
function bareExchange(endpoint: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint.port, endpoint.host, () => socket.end(`GET ${SPEC.path} HTTP/1.0\r\n\r\n`));
    socket.on('data', () => {});
    socket.once('end', resolve);
    socket.once('error', reject);
  });
}

function request(child: ChildProcess, command: object, answer: string): Promise<Record<string, string>> {
  const reply = new Promise<Record<string, string>>((resolve) => {
    const on = (message: Record<string, string>) => {
      if (!(answer in message)) return;
      child.off('message', on);
      resolve(message);
    };
    child.on('message', on);
  });
  child.send(command);
  return reply;
}

/** performance.now() of this process on the monotonic clock (ns) of process.hrtime. */
function monotonicOffsetNs(): number {
  const samples = Array.from({ length: 5 }, () => {
    const before = performance.now();
    const ns = Number(process.hrtime.bigint());
    const after = performance.now();
    return ns - ((before + after) / 2) * 1e6;
  });
  return samples.sort((a, b) => a - b)[2]!;
}

const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: xs.length, p50: r(quantileSorted(sorted, 0.5)), p99: r(quantileSorted(sorted, 0.99)), max: r(sorted.at(-1)!) };
};

type Latency = Extract<Task['result'], { state: 'completed' }>['latency'];
const latencySummary = (l: Latency) => ({ n: l.samplesCount, mean: l.mean, p50: l.p50, p99: l.p99, max: l.max });

const child = fork(fileURLToPath(new URL('./ready-server.ts', import.meta.url)), [], { execArgv: ['--import', TSX_LOADER] });
const port = await allocatePort();
const endpoint: Endpoint = { host: '127.0.0.1', port };
try {
  // (1) Overhead: the server is up; each iteration is one whole wait for readiness.
  await request(child, { listen: port, inMs: 0 }, 'listeningAt');
  const bench = new Bench({ iterations: trials, time: 0, warmupIterations: 10 });
  bench.add('waitReady on a ready server', async () => {
    await waitReady(SPEC, endpoint, { timeoutMs: 5_000 });
  });
  bench.add('the same exchange over a bare socket', () => bareExchange(endpoint));
  await bench.run();
  const [overhead, floor] = bench.tasks.map((task) => {
    if (task.result.state !== 'completed') throw new Error(`the overhead benchmark did not complete: ${JSON.stringify(task.result)}`);
    return task.result.latency;
  }) as [Latency, Latency];
  await request(child, { close: true }, 'closed');

  // (2) Resolution: the server starts listening while the probe polls.
  const offsetNs = monotonicOffsetNs();
  const lagMs: number[] = [];
  const windowMs: number[] = [];
  for (let i = 0; i < trials; i++) {
    const listening = request(child, { listen: port, inMs: DELAYS_MS[i % DELAYS_MS.length] }, 'listeningAt');
    const readiness = await waitReady(SPEC, endpoint, { timeoutMs: 5_000 });
    const listenedAtMs = (Number((await listening).listeningAt) - offsetNs) / 1e6;
    lagMs.push(readiness.readyAt - listenedAtMs);
    if (readiness.lastFailedAttemptAt !== undefined) windowMs.push(readiness.readyAt - readiness.lastFailedAttemptAt);
    await request(child, { close: true }, 'closed');
  }

  const results = {
    readiness: READINESS_NOTE,
    overheadPerTrialMs: latencySummary(overhead),
    bareExchangeMs: latencySummary(floor),
    readinessLagMs: summary(lagMs),
    readinessWindowMs: summary(windowMs),
  };
  const line = (name: string, s: { p50?: number; p99?: number; max?: number; n?: number }) =>
    `${name.padEnd(44)} p50 ${s.p50?.toFixed(3)} ms  p99 ${s.p99?.toFixed(3)} ms  max ${s.max?.toFixed(3)} ms  (n=${s.n})`;
  console.log(line('overhead per trial (ready server, start→ready)', results.overheadPerTrialMs));
  console.log(line('  floor: the same exchange, bare socket', results.bareExchangeMs));
  console.log(line('readiness lag (listening → successful attempt)', results.readinessLagMs));
  console.log(line('readiness window (last refusal → success)', results.readinessWindowMs));
  console.log(`resolution (p99 of the lag): ${results.readinessLagMs.p99.toFixed(3)} ms; ${READINESS_NOTE}`);
  if (values.json) await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  releasePort(port);
  child.disconnect();
  if (child.exitCode === null) await once(child, 'exit');
}
