import { createClient } from 'redis';
import { closedLoopPhases, type Operation } from './closed-loop.ts';
import type { LoadTarget } from './protocol.ts';
import type { PhaseRunner } from './phases.ts';

/** Keys per client: SET/GET touch a small, fixed working set, as a cache's hot keys would. */
const KEYS_PER_CLIENT = 100;
const VALUE = 'x'.repeat(64);

/**
 * Redis load through node-redis: `clients` connections, each a closed loop over the fixed mix PING, SET, GET
 * (one command outstanding per connection, so latency is one round trip, not a pipeline's).
 */
export async function redisLoad(target: Extract<LoadTarget, { kind: 'redis' }>): Promise<PhaseRunner> {
  const newClient = () =>
    createClient({ socket: { host: target.host, port: target.port, reconnectStrategy: false, connectTimeout: 10_000 } });
  const clients: ReturnType<typeof newClient>[] = [];
  try {
    for (let c = 0; c < target.clients; c++) {
      const client = newClient();
      client.on('error', () => {
        // Failures surface as rejected commands and are counted there; without a listener node-redis would throw.
      });
      await client.connect();
      clients.push(client);
    }
  } catch (error) {
    for (const client of clients) client.destroy();
    throw error;
  }
  const mix = (c: number, i: number): Operation => {
    const client = clients[c]!;
    const key = `isobench:${c}:${Math.floor(i / 3) % KEYS_PER_CLIENT}`;
    switch (i % 3) {
      case 0:
        return { kind: 'PING', run: () => client.ping() };
      case 1:
        return { kind: 'SET', run: () => client.set(key, VALUE) };
      default:
        return { kind: 'GET', run: () => client.get(key) };
    }
  };
  return closedLoopPhases(clients.length, mix, async () => {
    for (const client of clients) client.destroy();
  });
}
