import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-process.ts';
import { readResults } from '../../suites/results-io.ts';
import { REPO_ROOT } from '../../core/host.ts';

const TRIALS = '10';
let work: string;
const config = (delayMs: number, warmups = 1) =>
  `import { defineConfig } from 'isobench';\n` +
  `export default defineConfig({ testbed: { name: 'gate-test', cacheDir: ${JSON.stringify(join(REPO_ROOT, '.isobench/cache'))} },` +
  ` suite: { 'cold-start': { warmups: ${warmups}, injectDelayMs: ${delayMs} } } });\n`;
const runArgs = (name: string, cfg: string) => [
  'run', '--runner', 'container', '--workload', 'http-hello', '--suite', 'cold-start', '--trials', TRIALS,
  '--no-install', '--config', cfg, '--out', join(work, name),
];

describe('regression gate on real runs', () => {
  let baseline: string;
  let baselineMedian: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'isobench-gate-'));
    // An ES module folder: the config's `import ... from 'isobench'` then goes through isobench's resolve hook.
    await writeFile(join(work, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(work, 'plain.config.ts'), config(0));
    await writeFile(join(work, 'aa.config.ts'), config(0, 0));
    const first = await runCli(runArgs('a1', join(work, 'plain.config.ts')));
    expect(first.status, first.stderr).toBe(0);
    baseline = join(work, 'a1', 'latest', 'results.json');
    const results = await readResults(baseline);
    baselineMedian = results.cells[0]!.metrics.find((m) => m.name === 'ready_ms')!.stats!.median;
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('passes an A/A pair: the same build measured twice in ABBA rounds (isobench ab), judged by round', async () => {
    // Two runs minutes apart can differ by 2× on a shared host (seen here: 1.0 s, then 2.1 s): that drift is why
    // `ab` alternates the two sides round by round and takes the round as its sample, and so the A/A check goes
    // through it. 8 rounds: gates.minSamples, and their smallest one-sided signed-rank p (1/256) is below α; one trial a
    // side per round, since the round, not the trial, is the sample; no warm-up, since both sides of every round
    // start the same way (a fresh isobench process), and what the rounds compare is A against B.
    const ab = await runCli([
      'ab', '--a', 'HEAD', '--b', 'HEAD', '--rounds', '8', '--trials', '1',
      '--runner', 'container', '--workload', 'http-hello', '--config', join(work, 'aa.config.ts'),
    ]);
    expect(ab.stdout, ab.stderr).toContain('cold-start.ready_ms');
    expect(ab.stdout).toMatch(/\| http-hello \| container \| .*\(n=8\) \| .*\(n=8\) \| [-+]\d+\.\d% \(8 rounds\) \|/);
    expect(ab.stdout).not.toContain('REGRESSED');
    expect(ab.status, ab.stdout).toBe(0);
  }, 900_000); // 16 runs of isobench, each with its own preflight, on a shared 2-core host

  it('refuses, before measuring, designs that could never show a regression (exit 2, naming what would work)', async () => {
    // Both refused before they start anything: side by side.
    const [ab, run] = await Promise.all([
      runCli(['ab', '--a', 'HEAD', '--b', 'HEAD', '--rounds', '4', '--runner', 'container', '--workload', 'http-hello']),
      runCli([...runArgs('few', join(work, 'plain.config.ts')).map((a) => (a === TRIALS ? '3' : a)), '--baseline', baseline, '--gate']),
    ]);
    expect(ab.status).toBe(2);
    expect(ab.stderr).toMatch(/4 rounds can never show a regression .*use --rounds 8/);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no gated metric could ever be significant .*set --trials 8/);
  });

  it('fails a run slowed by an injected delay, on exactly that metric', async () => {
    // As long again as the measured cold start (the issue asks for at least 30%): far beyond the 10% threshold,
    // so that even a machine busy with other work shows it through its noise.
    const delay = Math.max(200, Math.ceil(baselineMedian));
    await writeFile(join(work, 'slow.config.ts'), config(delay));
    const slow = await runCli([...runArgs('slow', join(work, 'slow.config.ts')), '--baseline', baseline, '--gate']);
    expect(slow.status, slow.stdout + slow.stderr).toBe(1);
    const regressed = slow.stdout.split('\n').filter((line) => line.includes('REGRESSED'));
    expect(regressed).toHaveLength(1);
    expect(regressed[0]).toMatch(/cold-start\.ready_ms \| http-hello \| container/);

    const gate = await runCli(['gate', '--baseline', baseline, '--current', join(work, 'slow', 'latest', 'results.json')]);
    expect(gate.status).toBe(1);
    expect(gate.stdout).toContain('FAIL');
  });

  it('refuses to gate runs measured with different accelerators', async () => {
    const results = await readResults(baseline);
    const other = { ...results, environment: { ...results.environment, accelerator: { kind: 'kvm' as const, reason: 'test' } } };
    const path = join(work, 'kvm.json');
    await writeFile(path, JSON.stringify(other));
    const gate = await runCli(['gate', '--baseline', baseline, '--current', path]);
    expect(gate.status).toBe(2);
    expect(gate.stderr).toMatch(/accelerator/i);
  });
});
