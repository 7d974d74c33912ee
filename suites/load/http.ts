import { closedLoopPhases, NOT_OK, type Operation } from './closed-loop.ts';
import type { LoadTarget } from './protocol.ts';
import type { PhaseRunner } from './phases.ts';
import { ReplyConnection, type Reply } from './reply-connection.ts';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Cuts one HTTP/1.x response off `data`: status line, headers, and a body delimited by Content-Length, or by the
 * close when there is none. Chunked bodies are not something a static file server sends here; they are refused
 * with a clear error rather than misread.
 */
export function parseHttpResponse(data: Buffer, ended: boolean): Reply<HttpResponse> | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) {
    if (ended && data.length) throw new Error('the server closed the connection in the middle of response headers');
    return undefined;
  }
  const head = data.toString('latin1', 0, headerEnd);
  const status = /^HTTP\/1\.(\d) (\d{3})/.exec(head);
  if (!status) throw new Error(`not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`);
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) throw new Error('chunked responses are not supported by the load generator');
  const connection = /\r\nconnection: *([^\r]*)/i.exec(head)?.[1]?.toLowerCase() ?? '';
  const keepAlive = status[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  const lengthHeader = /\r\ncontent-length: *(\d+)/i.exec(head);
  const bodyStart = headerEnd + 4;
  let length: number;
  if (lengthHeader) length = bodyStart + Number(lengthHeader[1]);
  else if (ended) length = data.length;
  else return undefined;
  if (data.length < length) return undefined;
  return {
    length,
    value: { status: Number(status[2]), body: data.subarray(bodyStart, length) },
    closes: !keepAlive || !lengthHeader,
  };
}

/**
 * HTTP load: `connections` keep-alive connections, each with `pipelining` GET requests outstanding, as a closed loop
 * (a request is sent when one is answered). Latency is process.hrtime from writing a request to its whole response;
 * when the server closes the connection after a response, the next request's time includes the reconnect.
 * A 2xx response with another body than `expectBody` is an error; other statuses are counted apart (non2xx).
 */
export function httpLoad(target: Extract<LoadTarget, { kind: 'http' }>): PhaseRunner {
  const url = new URL(target.url);
  const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: isobench\r\n\r\n`, 'latin1');
  const expect = target.expectBody === undefined ? undefined : Buffer.from(target.expectBody);
  const connections = Array.from(
    { length: target.connections },
    () => new ReplyConnection(url.hostname, Number(url.port || 80), parseHttpResponse, { resend: true, connectTimeoutMs: 10_000 }),
  );
  let non2xx = 0;
  const get: Operation['run'] = async function (this: ReplyConnection<HttpResponse>) {
    const response = await this.request(request);
    if (response.status < 200 || response.status > 299) {
      non2xx++;
      return NOT_OK;
    }
    if (expect && !response.body.equals(expect)) throw new Error(`unexpected body (${response.body.length} bytes)`);
    return response;
  };
  const operations = connections.map((c): Operation => ({ kind: 'GET', run: get.bind(c) }));
  const totals = () => ({
    bytes: connections.reduce((sum, c) => sum + c.bytes, 0),
    closingResponses: connections.reduce((sum, c) => sum + c.closingReplies, 0),
  });
  const runner = closedLoopPhases(target.connections * target.pipelining, (client) => operations[client % target.connections]!, async () => {
    for (const c of connections) c.close();
  });
  return {
    async phase(durationMs) {
      const before = totals();
      non2xx = 0;
      const result = await runner.phase(durationMs);
      const after = totals();
      return { ...result, non2xx, bytes: after.bytes - before.bytes, closingResponses: after.closingResponses - before.closingResponses };
    },
    close: runner.close,
  };
}
