import { serialize } from 'pg-protocol';
import { closedLoopPhases, type Operation } from './closed-loop.ts';
import type { LoadTarget } from './protocol.ts';
import type { PhaseRunner } from './phases.ts';
import { ReplyConnection, type Reply } from './reply-connection.ts';

/** Rows of the table the point reads and updates go to: small enough to stay in shared_buffers everywhere. */
export const PG_ROWS = 1_000;
export const PG_TABLE = 'isobench_kv';

/** Deterministic row ids per client (xorshift32), so every run touches the same rows in the same order. */
function rowIds(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x % PG_ROWS) + 1;
  };
}

/** The statements of the mix, each its own autocommit transaction (pgbench scripts of one statement each match it). */
export const PG_STATEMENTS = {
  select1: 'SELECT 1',
  'point-read': `SELECT v FROM ${PG_TABLE} WHERE id = $1`,
  update: `UPDATE ${PG_TABLE} SET v = v + 1 WHERE id = $1`,
} as const;

/**
 * Cuts the backend messages answering one request off `data`, up to and including ReadyForQuery ('Z'); the value
 * is the server's error message when one of them was an ErrorResponse ('E'), else null.
 */
export function parsePgReply(data: Buffer): Reply<string | null> | undefined {
  let error: string | null = null;
  for (let at = 0; at + 5 <= data.length; ) {
    const type = data[at]!;
    const end = at + 1 + data.readUInt32BE(at + 1);
    if (end > data.length) return undefined;
    if (type === 0x45 /* E */) {
      const fields = data.toString('utf8', at + 5, end).split('\0');
      error = fields.find((f) => f.startsWith('M'))?.slice(1) ?? 'error';
    } else if (type === 0x52 /* R */ && data.readUInt32BE(at + 5) !== 0) {
      throw new Error(`the server asks for a password (authentication method ${data.readUInt32BE(at + 5)}); the load generator connects with trust only`);
    } else if (type === 0x5a /* Z */) {
      return { length: end, value: error };
    }
    at = end;
  }
  return undefined;
}

/**
 * PostgreSQL load over the wire protocol (messages built by pg-protocol, the `pg` package's own serializer):
 * `clients` connections, each a closed loop over the fixed mix `SELECT 1`, a point read and a single-row update of
 * an indexed table created here. Every statement is its own (autocommit) transaction of a named prepared statement
 * (Bind/Execute/Sync), so parsing is not what is measured, as with pgbench -M prepared.
 */
export async function postgresLoad(target: Extract<LoadTarget, { kind: 'postgres' }>): Promise<PhaseRunner> {
  const connections = Array.from(
    { length: target.clients },
    () => new ReplyConnection(target.host, target.port, parsePgReply, { resend: false, connectTimeoutMs: 10_000 }),
  );
  const closeAll = async () => {
    for (const c of connections) c.close();
  };
  const send = async (connection: ReplyConnection<string | null>, request: Buffer) => {
    const error = await connection.request(request);
    if (error !== null) throw new Error(error);
  };
  const sync = serialize.sync();
  try {
    const startup = serialize.startup({ user: target.user, database: target.database });
    await Promise.all(connections.map((c) => send(c, startup)));
    await send(
      connections[0]!,
      serialize.query(
          `DROP TABLE IF EXISTS ${PG_TABLE};
           CREATE TABLE ${PG_TABLE} (id integer PRIMARY KEY, v integer NOT NULL);
           INSERT INTO ${PG_TABLE} SELECT g, 0 FROM generate_series(1, ${PG_ROWS}) g;
           ANALYZE ${PG_TABLE};`,
      ),
    );
    const prepare = Buffer.concat([
      ...Object.entries(PG_STATEMENTS).map(([name, text]) => serialize.parse({ name, text, types: name === 'select1' ? [] : [23] })),
      sync,
    ]);
    await Promise.all(connections.map((c) => send(c, prepare)));
  } catch (error) {
    await closeAll();
    throw error;
  }
  const execute = Buffer.concat([serialize.execute(), sync]);
  const select1 = Buffer.concat([serialize.bind({ statement: 'select1' }), execute]);
  const withId = (statement: string, id: number) => Buffer.concat([serialize.bind({ statement, values: [String(id)] }), execute]);
  const ids = connections.map((_, c) => rowIds(c + 1));
  const mix = (c: number, i: number): Operation => {
    const connection = connections[c]!;
    switch (i % 3) {
      case 0:
        return { kind: 'select1', run: () => send(connection, select1) };
      case 1:
        return { kind: 'point-read', run: () => send(connection, withId('point-read', ids[c]!())) };
      default:
        return { kind: 'update', run: () => send(connection, withId('update', ids[c]!())) };
    }
  };
  return closedLoopPhases(connections.length, mix, closeAll);
}
