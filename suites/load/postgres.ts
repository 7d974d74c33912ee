import pg from 'pg';
import { closedLoopPhases, type Operation } from './closed-loop.ts';
import type { LoadTarget } from './protocol.ts';
import type { PhaseRunner } from './phases.ts';

/** Rows of the table the point reads and updates go to: small enough to stay in shared_buffers everywhere. */
export const PG_ROWS = 1_000;
const TABLE = 'isobench_kv';

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

/**
 * PostgreSQL load through `pg`: `clients` connections, each a closed loop over the fixed mix `SELECT 1`, a point
 * read and a single-row update of an indexed table created here. Every statement is its own (autocommit)
 * transaction and a named prepared statement, so parsing is not what is measured (like pgbench -M prepared).
 */
export async function postgresLoad(target: Extract<LoadTarget, { kind: 'postgres' }>): Promise<PhaseRunner> {
  const connect = async () => {
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', () => {
      // A broken connection shows up as failed queries, which are counted.
    });
    await client.connect();
    return client;
  };
  const clients: pg.Client[] = [];
  try {
    for (let c = 0; c < target.clients; c++) clients.push(await connect());
    await clients[0]!.query(
      `DROP TABLE IF EXISTS ${TABLE};
       CREATE TABLE ${TABLE} (id integer PRIMARY KEY, v integer NOT NULL);
       INSERT INTO ${TABLE} SELECT g, 0 FROM generate_series(1, ${PG_ROWS}) g;
       ANALYZE ${TABLE};`,
    );
  } catch (error) {
    await Promise.allSettled(clients.map((c) => c.end()));
    throw error;
  }
  const ids = clients.map((_, c) => rowIds(c + 1));
  const mix = (c: number, i: number): Operation => {
    const client = clients[c]!;
    switch (i % 3) {
      case 0:
        return { kind: 'select1', run: () => client.query({ name: 'select1', text: 'SELECT 1' }) };
      case 1:
        return {
          kind: 'point-read',
          run: () => client.query({ name: 'point-read', text: `SELECT v FROM ${TABLE} WHERE id = $1`, values: [ids[c]!()] }),
        };
      default:
        return {
          kind: 'update',
          run: () => client.query({ name: 'update', text: `UPDATE ${TABLE} SET v = v + 1 WHERE id = $1`, values: [ids[c]!()] }),
        };
    }
  };
  return closedLoopPhases(clients.length, mix, async () => {
    await Promise.allSettled(clients.map((c) => c.end()));
  });
}
