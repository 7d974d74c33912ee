import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { which, type HostTool } from '../../core/host-tools.ts';

const run = promisify(execFile);

export const DOCKER_TOOL: HostTool = { bin: 'dockerd', pkg: 'docker.io', neededBy: 'the container runner' };

/** The one Docker client of the process (DOCKER_HOST when set, else /var/run/docker.sock). */
export const docker = new Docker();

/** A healthy engine answers /version in milliseconds; a frozen one must not hang the preflight. */
const VERSION_TIMEOUT_MS = 10_000;

export type DockerAvailability = { ok: true; version: string } | { ok: false; reason: string; fix: string };

/** Whether the Docker engine answers (the shared client's unless another is given), and if not, why and what to do. */
export async function dockerAvailability(client: Docker = docker): Promise<DockerAvailability> {
  try {
    // dockerode passes `abortSignal` on to the request; its type declarations leave the option out.
    const versionOf = client.version as unknown as (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>;
    const version = await versionOf.call(client, { abortSignal: AbortSignal.timeout(VERSION_TIMEOUT_MS) });
    return { ok: true, version: version.Version };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { address?: string };
    // docker-modem's default socketPath is a function that looks the socket up: only a path the user set is a string.
    const modem = client.modem as { socketPath?: unknown; host?: string; port?: string | number };
    const socket = typeof modem.socketPath === 'string' ? modem.socketPath : undefined;
    const where = e.address ?? socket ?? (modem.host ? `${modem.host}:${modem.port}` : '/var/run/docker.sock');
    if (e.name === 'AbortError' || e.name === 'TimeoutError') {
      return {
        ok: false,
        reason: `the Docker engine at ${where} did not answer within ${VERSION_TIMEOUT_MS / 1000} s`,
        fix: 'check dockerd (docker version; its log), restart it if it hangs',
      };
    }
    switch (e.code) {
      case 'ENOENT':
        return {
          ok: false,
          reason: `the Docker socket ${where} does not exist`,
          fix: 'install Docker (apt-get install docker.io) and start dockerd (systemctl start docker, or run dockerd)',
        };
      case 'ECONNREFUSED':
        return { ok: false, reason: `nothing answers on the Docker socket ${where}`, fix: 'start dockerd (systemctl start docker, or run dockerd)' };
      case 'EACCES':
        return {
          ok: false,
          reason: `no permission to use the Docker socket ${where}`,
          fix: 'run isobench as root or as a member of the docker group',
        };
      default:
        return { ok: false, reason: `the Docker engine at ${where} did not answer: ${e.message}`, fix: 'check that dockerd runs (docker version)' };
    }
  }
}

const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Starts dockerd in the background when it is installed but not running. dockerd is the one process the harness
 * leaves running: it is the host's service, not an instance of a run.
 */
export async function ensureDockerd(log: (line: string) => void): Promise<void> {
  // DOCKER_HOST names an engine elsewhere (or a socket of the user's): a local dockerd would not be the one used.
  // A dockerd that accepts on its socket is running, however long it takes to answer: on a host loaded with hundreds
  // of instances `docker version` can take longer than any short timeout, and a second dockerd would only fail.
  if (process.env.DOCKER_HOST || (await acceptsConnections(DOCKER_SOCKET))) return;
  const dockerd = await which('dockerd');
  if (!dockerd || process.getuid?.() !== 0) return;
  mkdirSync('/var/log', { recursive: true });
  const out = openSync('/var/log/isobench-dockerd.log', 'a');
  log('starting dockerd (log: /var/log/isobench-dockerd.log)');
  const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  closeSync(out);
  for (let i = 0; i < 100; i++) {
    if ((await acceptsConnections(DOCKER_SOCKET)) && (await dockerAnswers())) return;
    await sleep(200);
  }
  log('dockerd did not answer within 20 s: see /var/log/isobench-dockerd.log');
}

/** Whether a process listens on the unix socket at `path` (a stale socket file refuses; a missing one is ENOENT). */
export function acceptsConnections(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
