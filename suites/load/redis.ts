import { closedLoopPhases, type Operation } from './closed-loop.ts';
import type { LoadTarget } from './protocol.ts';
import type { PhaseRunner } from './phases.ts';
import { ReplyConnection, type Reply } from './reply-connection.ts';

/** Keys per client: SET/GET touch a small, fixed working set, as a cache's hot keys would. */
export const KEYS_PER_CLIENT = 100;
export const VALUE_BYTES = 64;
const VALUE = 'x'.repeat(VALUE_BYTES);

const CRLF = Buffer.from('\r\n');

/** A command as a RESP array of bulk strings, as redis-cli and redis-benchmark send them. */
export function respCommand(...args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}

/**
 * Cuts one reply to PING, SET or GET off `data`: a simple string, an error, or a bulk string (nil included).
 * An error reply is returned as an Error value, not thrown: the stream stays in step.
 */
export function parseRespReply(data: Buffer): Reply<string | null | Error> | undefined {
  const lineEnd = data.indexOf(CRLF);
  if (lineEnd < 0) return undefined;
  const line = data.toString('latin1', 1, lineEnd);
  switch (data[0]) {
    case 0x2b: // +
      return { length: lineEnd + 2, value: line };
    case 0x2d: // -
      return { length: lineEnd + 2, value: new Error(line) };
    case 0x24: {
      // $
      const size = Number(line);
      if (size < 0) return { length: lineEnd + 2, value: null };
      const length = lineEnd + 2 + size + 2;
      return data.length < length ? undefined : { length, value: data.toString('latin1', lineEnd + 2, length - 2) };
    }
    default:
      throw new Error(`unexpected Redis reply type ${JSON.stringify(String.fromCharCode(data[0]!))}`);
  }
}

/**
 * Redis load: `clients` connections, each a closed loop over the fixed mix PING, SET, GET (one command outstanding
 * per connection, so latency is one round trip, not a pipeline's), the way redis-benchmark -c N runs them.
 */
export async function redisLoad(target: Extract<LoadTarget, { kind: 'redis' }>): Promise<PhaseRunner> {
  const connections = Array.from(
    { length: target.clients },
    () => new ReplyConnection(target.host, target.port, (data) => parseRespReply(data), { resend: false, connectTimeoutMs: 10_000 }),
  );
  const closeAll = async () => {
    for (const c of connections) c.close();
  };
  try {
    await Promise.all(connections.map((c) => c.open()));
  } catch (error) {
    await closeAll();
    throw error;
  }
  const ping = respCommand('PING');
  const commands = connections.map((_, c) =>
    Array.from({ length: KEYS_PER_CLIENT }, (_, k) => ({
      set: respCommand('SET', `isobench:${c}:${k}`, VALUE),
      get: respCommand('GET', `isobench:${c}:${k}`),
    })),
  );
  const send = async (connection: ReplyConnection<string | null | Error>, command: Buffer) => {
    const reply = await connection.request(command);
    if (reply instanceof Error) throw reply;
    return reply;
  };
  const mix = (c: number, i: number): Operation => {
    const connection = connections[c]!;
    const key = commands[c]![Math.floor(i / 3) % KEYS_PER_CLIENT]!;
    switch (i % 3) {
      case 0:
        return { kind: 'PING', run: () => send(connection, ping) };
      case 1:
        return { kind: 'SET', run: () => send(connection, key.set) };
      default:
        return { kind: 'GET', run: () => send(connection, key.get) };
    }
  };
  return closedLoopPhases(connections.length, mix, closeAll);
}
