import type { Config } from '../../core/config.ts';
import { PG_ROWS } from './postgres.ts';
import type { LoadTarget } from './protocol.ts';

/** How a kind of load is generated and its latency taken, for the label of every cell it measures. */
export function describeLoad(kind: LoadTarget['kind'], s: Config['suite']['throughput']): string {
  switch (kind) {
    case 'http':
      return (
        `autocannon, ${s.connections} connections, pipelining ${s.pipelining}; latency per request by ` +
        (s.pipelining === 1
          ? 'process.hrtime from its client `request` event to its `response` event'
          : 'the hrtime-based responseTime of autocannon `response` events (right for keep-alive servers only)')
      );
    case 'redis':
      return (
        `node-redis, ${s.clients} connections, each one command at a time over the mix PING, SET, GET; ` +
        'latency by process.hrtime around each command'
      );
    case 'postgres':
      return (
        `pg, ${s.clients} connections, each one statement at a time (autocommit, prepared) over the mix SELECT 1, ` +
        `point read, single-row update of a ${PG_ROWS}-row indexed table; latency by process.hrtime around each statement`
      );
  }
}
