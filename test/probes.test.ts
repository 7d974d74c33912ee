import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allocatePort, releasePort } from '../core/ports.ts';
import { FINE_POLL_MS, MAX_RETRY_MS, probeOnce, retryDelayMs, waitReady } from '../fixtures/probes.ts';
import type { ProbeSpec } from '../fixtures/workloads.ts';
import { TrialFailure, type Endpoint } from '../runners/types.ts';

// Small real servers that answer wrongly: the probes must say precisely what was wrong with them.

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<Endpoint> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { host: '127.0.0.1', port: address.port };
}

const http = (handler: RequestListener) => listen(createHttpServer(handler));
/** Accepts TCP connections and then does `onSocket` with them: what a port forwarder does before the server listens. */
const tcp = (onSocket: (socket: Socket) => void) => listen(createTcpServer(onSocket));

/** A port nothing listens on. */
async function closedPort(): Promise<Endpoint> {
  const port = await allocatePort();
  releasePort(port);
  return { host: '127.0.0.1', port };
}

const hello: ProbeSpec = { kind: 'http', path: '/index.html', expectStatus: 200, expectBody: 'hello\n' };
const redis: ProbeSpec = { kind: 'redis' };
const postgres: ProbeSpec = { kind: 'postgres', user: 'isobench', database: 'postgres' };

describe('probeOnce', () => {
  it('HTTP: succeeds on the expected status and exact body', async () => {
    const endpoint = await http((req, res) => res.end(req.url === '/index.html' ? 'hello\n' : 'wrong path'));
    await expect(probeOnce(hello, endpoint)).resolves.toBeUndefined();
  });

  it('HTTP: names the status it got', async () => {
    const endpoint = await http((_req, res) => {
      res.statusCode = 503;
      res.end('starting');
    });
    await expect(probeOnce(hello, endpoint)).rejects.toThrow(`GET http://127.0.0.1:${endpoint.port}/index.html: status 503 (expected 200), body "starting"`);
  });

  it('HTTP: names the body it got when it is not the expected one', async () => {
    const endpoint = await http((_req, res) => res.end('hello'));
    await expect(probeOnce(hello, endpoint)).rejects.toThrow('body mismatch: expected "hello\\n", got "hello"');
  });

  it('HTTP: says connection refused when nothing listens', async () => {
    const endpoint = await closedPort();
    await expect(probeOnce(hello, endpoint)).rejects.toThrow(`GET http://127.0.0.1:${endpoint.port}/index.html: connection refused`);
  });

  it('HTTP: a TCP connect alone is not readiness', async () => {
    const endpoint = await tcp((socket) => socket.end());
    await expect(probeOnce(hello, endpoint)).rejects.toThrow('connection closed before a response');
  });

  it('HTTP: gives up on a server that accepts and never answers', async () => {
    const endpoint = await tcp(() => {});
    await expect(probeOnce(hello, endpoint, undefined, 200)).rejects.toThrow('/index.html: no answer within 200 ms');
  });

  it('Redis: succeeds on +PONG', async () => {
    const endpoint = await tcp((socket) => socket.once('data', () => socket.write('+PONG\r\n')));
    await expect(probeOnce(redis, endpoint)).resolves.toBeUndefined();
  });

  it('Redis: says PONG is missing when another server answers', async () => {
    const endpoint = await http((_req, res) => res.end());
    await expect(probeOnce(redis, endpoint)).rejects.toThrow(`redis PING 127.0.0.1:${endpoint.port}: PONG missing: expected +PONG, got "HTTP/1.1 400 Bad Request"`);
  });

  it('Redis: fails on an error reply such as -LOADING', async () => {
    const endpoint = await tcp((socket) => socket.once('data', () => socket.write('-LOADING Redis is loading the dataset in memory\r\n')));
    await expect(probeOnce(redis, endpoint)).rejects.toThrow('got "-LOADING Redis is loading the dataset in memory"');
  });

  it('Redis: a TCP connect alone is not readiness', async () => {
    const endpoint = await tcp((socket) => socket.end());
    await expect(probeOnce(redis, endpoint)).rejects.toThrow('connection closed before the PONG reply');
  });

  it('Redis: says connection refused when nothing listens', async () => {
    await expect(probeOnce(redis, await closedPort())).rejects.toThrow(/redis PING 127\.0\.0\.1:\d+: connection refused/);
  });

  it('PostgreSQL: says connection refused when nothing listens', async () => {
    await expect(probeOnce(postgres, await closedPort())).rejects.toThrow(/postgres SELECT 1 isobench@127\.0\.0\.1:\d+\/postgres: connection refused/);
  });

  it('PostgreSQL: a TCP connect alone is not readiness', async () => {
    const endpoint = await tcp((socket) => socket.end());
    await expect(probeOnce(postgres, endpoint)).rejects.toThrow(/Connection terminated unexpectedly/);
  });

  it('PostgreSQL: reports the SQLSTATE of a server-side error', async () => {
    // The first message a starting server sends: ErrorResponse with severity FATAL, SQLSTATE 57P03.
    const fields = ['SFATAL', 'C57P03', 'Mthe database system is starting up'].map((f) => `${f}\0`).join('') + '\0';
    const message = Buffer.concat([Buffer.from('E'), Buffer.alloc(4), Buffer.from(fields)]);
    message.writeUInt32BE(message.length - 1, 1);
    const endpoint = await tcp((socket) => socket.once('data', () => socket.end(message)));
    await expect(probeOnce(postgres, endpoint)).rejects.toThrow('SQL error 57P03: the database system is starting up');
  });

  it('PostgreSQL: gives up on a server that accepts and never answers', async () => {
    const endpoint = await tcp(() => {});
    await expect(probeOnce(postgres, endpoint, undefined, 200)).rejects.toThrow(/postgres SELECT 1 .*: (no answer within 200 ms|Connection terminated due to connection timeout)/);
  });

  it('rejects with the abort reason, not a probe error', async () => {
    const endpoint = await tcp(() => {});
    const controller = new AbortController();
    const probing = probeOnce(hello, endpoint, controller.signal);
    controller.abort(new Error('interrupted by the test'));
    await expect(probing).rejects.toThrow('interrupted by the test');
  });
});

describe('retryDelayMs', () => {
  it('retries back to back in the first window, then 1 ms doubling every second up to the cap', () => {
    expect(retryDelayMs(0)).toBe(0);
    expect(retryDelayMs(FINE_POLL_MS - 1)).toBe(0);
    expect(retryDelayMs(FINE_POLL_MS)).toBe(1);
    expect(retryDelayMs(FINE_POLL_MS + 1_000)).toBe(2);
    expect(retryDelayMs(FINE_POLL_MS + 3_500)).toBe(8);
    expect(retryDelayMs(FINE_POLL_MS + 60_000)).toBe(MAX_RETRY_MS);
  });
});

describe('waitReady', () => {
  it('polls until the probe succeeds', async () => {
    let requests = 0;
    const endpoint = await http((_req, res) => {
      requests++;
      if (requests < 3) res.statusCode = 503;
      res.end('hello\n');
    });
    const readiness = await waitReady(hello, endpoint, { timeoutMs: 30_000 });
    expect(requests).toBe(3);
    expect(readiness.attempts).toBe(3);
    // Readiness came between the last refused attempt and the one that succeeded, in that order.
    expect(readiness.lastFailedAttemptAt).toBeLessThan(readiness.readyAt);
  });

  it('reports no failed attempt when the first one succeeds', async () => {
    const endpoint = await http((_req, res) => res.end('hello\n'));
    const readiness = await waitReady(hello, endpoint, { timeoutMs: 30_000 });
    expect(readiness).toEqual({ readyAt: expect.any(Number), attempts: 1 });
  });

  it('sees a server that starts listening while it polls, in the back-to-back window without a timer between attempts', async () => {
    const port = await closedPort();
    const server = createHttpServer((_req, res) => res.end('hello\n'));
    servers.push(server);
    // Listening on the port only after a few refused attempts.
    setTimeout(() => server.listen(port.port, '127.0.0.1'), 30);
    const readiness = await waitReady(hello, port, { timeoutMs: 30_000 });
    expect(readiness.attempts).toBeGreaterThan(1);
    expect(readiness.lastFailedAttemptAt).toBeDefined();
  });

  it('throws a TrialFailure naming the timeout and the last probe error', async () => {
    const endpoint = await http((_req, res) => res.end('not hello'));
    const failure = await waitReady(hello, endpoint, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as Error).message).toMatch(/^not ready within 300 ms; last probe error: GET .*: body mismatch: expected "hello\\n", got "not hello"$/);
  });

  it('stops early with a TrialFailure when the instance died', async () => {
    const endpoint = await closedPort();
    let checks = 0;
    const failure = await waitReady(redis, endpoint, {
      timeoutMs: 60_000,
      isAlive: () => ++checks < 2,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as Error).message).toMatch(/^the instance died before it was ready; last probe error: redis PING .*: connection refused$/);
    expect(checks).toBe(2);
  });

  it('rejects with the abort reason while polling', async () => {
    const endpoint = await closedPort();
    const controller = new AbortController();
    const waiting = waitReady(hello, endpoint, { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('SIGINT')), 50);
    await expect(waiting).rejects.toThrow('SIGINT');
  });
});
