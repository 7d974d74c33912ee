import net from 'node:net';

/** A complete reply cut from the front of the receive buffer. */
export interface Reply<T> {
  /** Bytes the reply took. */
  length: number;
  value: T;
  /** The server closes the connection after this reply (HTTP without keep-alive). */
  closes?: boolean;
}

/**
 * Cuts the first complete reply off `data`, or returns undefined while it is incomplete. `ended` is true once the
 * server closed its side: a reply delimited by the close (HTTP/1.0 body without length) is complete then.
 */
export type ReplyParser<T> = (data: Buffer, ended: boolean) => Reply<T> | undefined;

interface Pending<T> {
  request: Buffer;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * One TCP connection to a request/reply server, with any number of requests outstanding (answered in order, as
 * HTTP/1.1 and RESP do). It is what makes the load generator cheap per operation: one write and one parse per
 * request, no per-request objects beyond a promise (node-redis, pg, autocannon and undici cost 50-190 µs of CPU per
 * operation here, against 20-25 µs for wrk, redis-benchmark, pgbench and this).
 *
 * When the server closes the connection (after a reply that says so, or at any time with `resend`), requests still
 * unanswered are written again on a new connection; otherwise they fail with the reason.
 */
export class ReplyConnection<T> {
  private socket?: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending<T>[] = [];
  private closed = false;
  /** Replies after which the server closed the connection. */
  closingReplies = 0;
  /** Reply bytes received. */
  bytes = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly parse: ReplyParser<T>,
    private readonly opts: { resend: boolean; connectTimeoutMs: number },
  ) {}

  /** Sends `request` and resolves with its reply. */
  request(request: Buffer): Promise<T> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.connected().write(request);
    });
  }

  /** Resolves once connected; for servers that speak first or need a handshake before requests. */
  open(): Promise<void> {
    const socket = this.connected();
    if (!socket.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      socket.once('connect', () => {
        socket.off('close', onClose);
        resolve();
      });
      const onClose = () => reject(new Error(`could not connect to ${this.host}:${this.port}`));
      socket.once('close', onClose);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.fail(new Error('connection closed'));
  }

  private connected(): net.Socket {
    if (this.socket) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true, timeout: this.opts.connectTimeoutMs });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    let error: Error | undefined;
    socket.once('connect', () => socket.setTimeout(0));
    socket.once('timeout', () => socket.destroy(new Error(`connect to ${this.host}:${this.port} timed out`)));
    socket.on('error', (e) => (error = e));
    socket.on('data', (chunk: Buffer) => this.receive(socket, chunk, false));
    socket.on('end', () => this.receive(socket, Buffer.alloc(0), true));
    socket.on('close', () => this.lost(socket, error));
    return socket;
  }

  private receive(socket: net.Socket, chunk: Buffer, ended: boolean): void {
    if (socket !== this.socket) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      let reply: Reply<T> | undefined;
      try {
        reply = this.parse(this.buffer, ended);
      } catch (error) {
        // A reply that cannot be read leaves the stream at an unknown place: this connection is done.
        socket.destroy(error as Error);
        return;
      }
      if (!reply) return;
      this.buffer = this.buffer.subarray(reply.length);
      this.bytes += reply.length;
      const done = this.pending.shift();
      if (reply.closes) {
        this.closingReplies++;
        this.reconnect(socket);
      }
      done?.resolve(reply.value);
      if (reply.closes) return;
    }
  }

  /** The server's close: unanswered requests go again on a new connection. */
  private reconnect(old: net.Socket): void {
    old.destroy();
    this.socket = undefined;
    if (this.closed || !this.pending.length) return;
    const socket = this.connected();
    for (const p of this.pending) socket.write(p.request);
  }

  private lost(socket: net.Socket, error: Error | undefined): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    if (this.opts.resend && !error && this.pending.length) return this.reconnect(socket);
    this.fail(error ?? new Error('the server closed the connection'));
  }

  private fail(error: Error): void {
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}
