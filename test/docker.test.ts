import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { dockerAvailability } from '../runners/container/docker.ts';

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
