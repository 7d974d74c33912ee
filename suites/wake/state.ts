import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { postgresClient } from '../../fixtures/probes.ts';
import type { ProbeSpec } from '../../fixtures/workloads.ts';
import type { Endpoint } from '../../runners/types.ts';
import { parseHttpResponse } from '../load/http.ts';
import { parseRespReply, respCommand } from '../load/redis.ts';

/** One request on a fresh connection: the time from asking to connect to the first reply byte, and the whole reply. */
export interface Exchange {
  firstByteMs: number;
  reply: Buffer;
}

/**
 * Connects to `endpoint`, sends `request` and reads until `complete` says the reply is whole (or the server
 * closed). Raw TCP, no library in between: the first byte is timed as the socket receives it.
 */
export function exchange(
  endpoint: Endpoint,
  request: Buffer,
  complete: (data: Buffer, ended: boolean) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs: number | undefined;
    let data = Buffer.alloc(0);
    const socket = connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    const timer = setTimeout(() => finish(new Error(`no whole reply within ${timeoutMs} ms${firstByteMs === undefined ? ' (not a byte)' : ''}`)), timeoutMs);
    const onAbort = () => finish(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (error?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve({ firstByteMs: firstByteMs!, reply: data });
    };
    const check = (ended: boolean) => {
      try {
        if (complete(data, ended)) finish();
        else if (ended) finish(new Error(`the connection closed after ${data.length} bytes, before a whole reply`));
      } catch (error) {
        finish(error as Error);
      }
    };
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started;
      data = Buffer.concat([data, chunk]);
      check(false);
    });
    socket.on('end', () => check(true));
    socket.on('error', (error) => finish(error));
    socket.on('close', () => check(true));
  });
}

/**
 * What a trial writes before the instance goes to zero and reads back after the wake. The wake's own request is
 * the read where the protocol allows (Redis GET, the HTTP page), so the first byte that ends the wake is its answer.
 */
export interface StateCheck {
  /** For the cell's notes. */
  readonly description: string;
  /** Writes the state, straight to the instance while it is up. */
  write(endpoint: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** The request whose first reply byte ends the wake, and when its reply is whole. */
  readonly request: Buffer;
  complete(data: Buffer, ended: boolean): boolean;
  /** After the wake, through the proxy: undefined when the state came back, else what was found instead. */
  verify(reply: Buffer, endpoint: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined>;
}

const show = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);

function httpCheck(spec: Extract<ProbeSpec, { kind: 'http' }>): StateCheck {
  return {
    description: `state: the page ${spec.path} must come back with the same body (a static server holds no other)`,
    async write() {},
    request: Buffer.from(`GET ${spec.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    complete: (data, ended) => parseHttpResponse(data, ended) !== undefined,
    async verify(reply) {
      const response = parseHttpResponse(reply, true)!.value;
      const body = response.body.toString('utf8');
      if (response.status === spec.expectStatus && body === spec.expectBody) return undefined;
      return `GET ${spec.path} answered status ${response.status}, body ${show(body)}`;
    },
  };
}

const REDIS_KEY = 'isobench:wake';

function redisCheck(): StateCheck {
  const token = randomBytes(8).toString('hex');
  const whole = (data: Buffer) => parseRespReply(data) !== undefined;
  return {
    description: `state: SET ${REDIS_KEY} to a token of the trial before going to zero; the wake's request is GET ${REDIS_KEY}`,
    async write(endpoint, timeoutMs, signal) {
      const { reply } = await exchange(endpoint, respCommand('SET', REDIS_KEY, token), whole, timeoutMs, signal);
      const value = parseRespReply(reply)!.value;
      if (value !== 'OK') throw new Error(`Redis SET ${REDIS_KEY} answered ${value instanceof Error ? value.message : show(String(value))}`);
    },
    request: respCommand('GET', REDIS_KEY),
    complete: whole,
    async verify(reply) {
      const value = parseRespReply(reply)!.value;
      if (value === token) return undefined;
      if (value === null) return `GET ${REDIS_KEY} found no value: the data written before going to zero is gone`;
      return `GET ${REDIS_KEY} answered ${value instanceof Error ? value.message : show(value)} instead of the token written`;
    },
  };
}

/** PostgreSQL's SSLRequest: a server answers it with one byte ('N' here), before any authentication. */
const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const PG_TABLE = 'isobench_wake';

async function withPg<T>(
  spec: Extract<ProbeSpec, { kind: 'postgres' }>,
  endpoint: Endpoint,
  timeoutMs: number,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = postgresClient(spec, endpoint, timeoutMs, 'isobench-wake');
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresCheck(spec: Extract<ProbeSpec, { kind: 'postgres' }>): StateCheck {
  const token = randomBytes(8).toString('hex');
  return {
    description:
      `state: a row with a token of the trial inserted into ${PG_TABLE} before going to zero, selected after the wake; ` +
      "the wake's request is an SSLRequest, whose one-byte answer is the server's first",
    async write(endpoint, timeoutMs) {
      await withPg(spec, endpoint, timeoutMs, async (client) => {
        await client.query(`CREATE TABLE IF NOT EXISTS ${PG_TABLE} (token text)`);
        await client.query(`INSERT INTO ${PG_TABLE} VALUES ($1)`, [token]);
      });
    },
    request: PG_SSL_REQUEST,
    complete: (data) => data.length >= 1,
    async verify(_reply, endpoint, timeoutMs) {
      const rows = await withPg(spec, endpoint, timeoutMs, async (client) => {
        const exists = await client.query(`SELECT to_regclass($1) AS t`, [PG_TABLE]);
        if (exists.rows[0]?.t === null) return -1;
        return (await client.query(`SELECT 1 FROM ${PG_TABLE} WHERE token = $1`, [token])).rowCount ?? 0;
      });
      if (rows > 0) return undefined;
      return rows < 0 ? `the table ${PG_TABLE} is gone` : `the row written before going to zero is gone from ${PG_TABLE}`;
    },
  };
}

/** A fresh check for one trial (its own token). */
export function stateCheck(probe: ProbeSpec): StateCheck {
  switch (probe.kind) {
    case 'http':
      return httpCheck(probe);
    case 'redis':
      return redisCheck();
    case 'postgres':
      return postgresCheck(probe);
  }
}
