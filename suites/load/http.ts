import autocannon from 'autocannon';
import type { LoadTarget } from './protocol.ts';
import type { PhaseRunner } from './phases.ts';
import { Tally } from './tally.ts';

/** Seconds without a response before autocannon counts a timeout and reconnects (its default). */
const TIMEOUT_S = 10;

/**
 * How per-request latency is taken, since autocannon's own latency histogram holds whole milliseconds (loopback
 * p50 reads 0).
 *
 * autocannon's `responseTime` (the 4th argument of `response` events) is process.hrtime, fractional ms, from the
 * moment a request was queued on its connection (lib/pipelinedRequestsQueue.js). But when the server closes the
 * connection after each response (as busybox httpd did), autocannon first writes the next request on
 * the closing socket and then reconnects without clearing its queue, so every later response is matched with a
 * request one or more cycles older and latencies grow without bound (seen: p50 700 ms at 2,300 req/s).
 *
 * So with one request in flight per connection (pipelining 1, the default) each response is timed here from the
 * last `request` event of its client, which is always the request it answers; for a closing server that includes
 * the TCP connect, as it should. With pipelining > 1 autocannon's responseTime is used, which is right for
 * keep-alive servers only: responses that close the connection are counted from their headers and reported.
 */
export function httpLoad(target: Extract<LoadTarget, { kind: 'http' }>): PhaseRunner {
  return {
    phase(durationMs) {
      const tally = new Tally();
      const lastRequest = new Map<object, bigint>();
      let bytes = 0;
      let closingResponses = 0;
      return new Promise((resolve, reject) => {
        const instance = autocannon(
          {
            url: target.url,
            connections: target.connections,
            pipelining: target.pipelining,
            duration: durationMs / 1000,
            timeout: TIMEOUT_S,
            ...(target.expectBody !== undefined ? { expectBody: target.expectBody } : {}),
            setupClient: (client) => {
              // `request` and `headers` are events of autocannon's Client that its type declarations leave out.
              const events = client as unknown as NodeJS.EventEmitter;
              events.on('request', () => lastRequest.set(client, process.hrtime.bigint()));
              events.on('headers', (info: { shouldKeepAlive?: boolean }) => {
                if (info.shouldKeepAlive === false) closingResponses++;
              });
            },
          },
          (error, result) => {
            if (error) return reject(error instanceof Error ? error : new Error(String(error)));
            // autocannon signals a body mismatch after the response event that was already counted as a success.
            // Its `errors` include its timeouts, which are returned apart as for the other loads.
            tally.ok -= result.mismatches;
            tally.errors += result.errors - result.timeouts + result.mismatches;
            resolve({ tally, timeouts: result.timeouts, non2xx: result.non2xx, bytes, closingResponses });
          },
        );
        instance.on('response', (client, statusCode, resBytes, responseTime) => {
          const sent = lastRequest.get(client);
          const us =
            target.pipelining === 1 && sent !== undefined
              ? Number(process.hrtime.bigint() - sent) / 1000
              : responseTime * 1000;
          if (statusCode >= 200 && statusCode < 300) {
            tally.success('GET', us);
            bytes += resBytes;
          } else {
            tally.latency.record(us);
          }
        });
        instance.on('reqError', (error) => {
          // Counted from autocannon's result; only the messages are taken here.
          tally.noteError('GET', error);
        });
      });
    },
    async close() {
      // autocannon closes its connections at the end of each run.
    },
  };
}
