import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../cli/config.ts';
import { liveInstances, stopAll } from '../../core/lifecycle.ts';
import { probeOnce } from '../../fixtures/probes.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { docker, dockerAvailability } from '../../runners/container/docker.ts';
import { throughputSuite } from '../../suites/throughput/index.ts';
import { runCli, runFolders } from './faults-helpers.ts';
import { cacheDir, expectNothingLeft, ourContainers, runSuite } from './suites-helpers.ts';

const w = WORKLOADS['http-hello'];
const runner = createContainerRunner({ cacheDir });
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'isobench-faults-docker-'));
  await runner.prepare(w);
}, 600_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await stopAll();
  await expectNothingLeft();
});

/** Removes the first container this process starts from now on, `afterMs` after it runs; resolves with its id. */
async function removeFromOutside(afterMs: number): Promise<string> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const [running] = await docker.listContainers({ filters: { label: [`isobench.run=${process.pid}`], status: ['running'] } });
    if (running) {
      await new Promise((r) => setTimeout(r, afterMs));
      await docker.getContainer(running.Id).remove({ force: true });
      return running.Id;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no container was started within 60 s');
}

describe('a container removed from outside', () => {
  it('is reported as gone by alive(), the probe and memory(), and stop() still leaves nothing', async () => {
    const instance = await runner.start(w, { readyTimeoutMs: 60_000 });
    await docker.getContainer(instance.id).remove({ force: true });

    expect(await instance.alive()).toBe(false);
    await expect(probeOnce(w.probe, instance.endpoint)).rejects.toThrow(`GET http://127.0.0.1:${instance.endpoint.port}/index.html: connection refused`);
    await expect(instance.memory()).rejects.toThrow(`container http-hello (${instance.id.slice(0, 12)}, port ${instance.endpoint.port}) is gone (exited or removed)`);
    await instance.stop();
    expect(liveInstances()).toEqual([]);
    expect(await ourContainers()).toEqual([]);
  });

  it('during a throughput load: that repetition says what happened, the next one runs, nothing is left', async () => {
    const config = parseConfig({ suite: { throughput: { durationS: 3, repetitions: 2, connections: 2 } } });
    // 1 s warm-up, then the measured phase: remove it half-way through.
    const removing = removeFromOutside(2_500);
    const { cell } = await runSuite(throughputSuite, runner, w, config);
    await removing;

    expect(cell.trials).toHaveLength(2);
    const [hit, next] = cell.trials;
    // The repetition the removal hit is a failed trial with its reason, never a sample of the platform.
    expect(hit!.ok).toBe(false);
    expect(hit!.error?.reason).toMatch(/no longer alive|no operation succeeded/);
    expect(cell.metrics.find((m) => m.name === 'requests_per_s')!.samples).toHaveLength(1);
    expect(next!.ok).toBe(true);
    expect(next!.values.requests_per_s).toBeGreaterThan(0);
    await expectNothingLeft();
  });
});

describe('Docker unreachable', () => {
  it('says which socket and how to fix it', async () => {
    expect(await dockerAvailability(new Docker({ socketPath: '/nonexistent/docker.sock' }))).toEqual({
      ok: false,
      reason: 'the Docker socket /nonexistent/docker.sock does not exist',
      fix: 'install Docker (apt-get install docker.io) and start dockerd (systemctl start docker, or run dockerd)',
    });
  });

  it('an engine that accepts the connection but never answers is reported, not waited for', async () => {
    // A socket that takes the request and says nothing: a frozen dockerd as the client sees it.
    const socketPath = join(work, 'frozen-docker.sock');
    const held: Socket[] = [];
    const frozen = createServer((connection) => held.push(connection));
    await new Promise<void>((resolve) => frozen.listen(socketPath, resolve));
    try {
      const availability = await dockerAvailability(new Docker({ socketPath }));
      expect(availability).toMatchObject({ ok: false, reason: `the Docker engine at ${socketPath} did not answer within 10 s` });
    } finally {
      for (const connection of held) connection.destroy();
      await new Promise((resolve) => frozen.close(resolve));
    }
  });

  it('a run that only has the container runner stops at the start with exit code 3 and the fix', async () => {
    const out = join(work, 'out');
    const exit = await runCli(['run', '--runner', 'container', '--workload', 'http-hello', '--no-install', '--out', out], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(exit.status, exit.stderr).toBe(3);
    expect(exit.stderr).toContain('host not ready: none of the runners container can run here.');
    expect(exit.stderr).toContain(
      'container: the Docker socket /nonexistent/docker.sock does not exist; install Docker (apt-get install docker.io) and start dockerd',
    );
    // Refused before measuring: no run folder is left.
    expect(await runFolders(out)).toEqual([]);
  });
});
