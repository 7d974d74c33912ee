import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptsConnections, dockerAvailability } from '../runners/container/docker.ts';

describe('dockerAvailability', () => {
  it('says the socket is missing and how to get Docker', async () => {
    const result = await dockerAvailability(new Docker({ socketPath: '/nonexistent/docker.sock' }));
    expect(result).toEqual({
      ok: false,
      reason: 'the Docker socket /nonexistent/docker.sock does not exist',
      fix: expect.stringContaining('apt-get install docker.io'),
    });
  });
});

describe('acceptsConnections (whether a dockerd is running, before starting one)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'isobench-sock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('holds for a daemon that accepts but has not answered yet (a busy dockerd), not for a file nobody listens on', async () => {
    const path = join(dir, 'docker.sock');
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      expect(await acceptsConnections(path)).toBe(true);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
    expect(await acceptsConnections(path)).toBe(false);
    writeFileSync(path, ''); // a stale leftover file
    expect(await acceptsConnections(path)).toBe(false);
  });
});
