import type { ThroughputSettings } from '../throughput/config.ts';
import { PG_ROWS } from './postgres.ts';
import type { LoadTarget } from './protocol.ts';

/** How a kind of load is generated and its latency taken, for the label of every cell it measures. */
export function describeLoad(kind: LoadTarget['kind'], s: ThroughputSettings): string {
  switch (kind) {
    case 'http':
      return (
        `HTTP/1.1 keep-alive closed loop over raw sockets, ${s.connections} connections, pipelining ${s.pipelining}; ` +
        'latency by process.hrtime from writing each request to its whole response'
      );
    case 'redis':
      return (
        `RESP over raw sockets, ${s.clients} connections, each one command at a time over the mix PING, SET, GET; ` +
        'latency by process.hrtime around each command'
      );
    case 'postgres':
      return (
        `wire protocol (pg-protocol messages), ${s.clients} connections, each one statement at a time (autocommit, prepared) over the mix SELECT 1, ` +
        `point read, single-row update of a ${PG_ROWS}-row indexed table; latency by process.hrtime around each statement`
      );
  }
}

/** The reference tool a kind of load is cross-checked against, as it is run. */
export function describeReference(kind: LoadTarget['kind']): string {
  switch (kind) {
    case 'http':
      return 'wrk -t1 with the same connections and duration';
    case 'redis':
      return 'redis-benchmark with the same clients, PING_MBULK, SET and GET of the same value size over the same key count (the mix rate is their harmonic mean)';
    case 'postgres':
      return 'pgbench -M prepared -n with the same clients and duration, one script per statement of the mix, equal weights';
  }
}
