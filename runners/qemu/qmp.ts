import { createConnection, type Socket } from 'node:net';

/** One QMP reply or event: a JSON object per line. */
type QmpMessage = { QMP?: unknown; return?: unknown; error?: { class: string; desc: string }; event?: string };

class QmpClosedError extends Error {
  override name = 'QmpClosedError';
}

/**
 * A QMP session on a unix socket, just enough to send commands one after another: it reads the greeting, leaves
 * capabilities negotiation mode, and matches each command with the next `return`/`error` (events are skipped).
 */
export class QmpClient {
  #buffer = '';
  #pending: { resolve: (m: QmpMessage) => void; reject: (e: Error) => void } | undefined;
  #closed: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => this.#onData(data));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new QmpClosedError('QMP connection closed')));
  }

  /** Connects and negotiates; rejects after `timeoutMs` if QEMU does not answer. */
  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const socket = createConnection(path);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`QMP at ${path} did not answer within ${timeoutMs} ms`)));
    const client = new QmpClient(socket);
    try {
      await client.#next(); // greeting
      await client.execute('qmp_capabilities');
      socket.setTimeout(0);
      return client;
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  /** Runs a command and resolves with its `return` value; a QMP error rejects with its description. */
  async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    const reply = await this.#next();
    if (reply.error) throw new Error(`QMP ${command}: ${reply.error.class}: ${reply.error.desc}`);
    return reply.return;
  }

  close(): void {
    this.socket.destroy();
  }

  #next(): Promise<QmpMessage> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#drain();
    });
  }

  #onData(data: string): void {
    this.#buffer += data;
    this.#drain();
  }

  #drain(): void {
    while (this.#pending) {
      const newline = this.#buffer.indexOf('\n');
      if (newline < 0) return;
      const line = this.#buffer.slice(0, newline).trim();
      this.#buffer = this.#buffer.slice(newline + 1);
      if (!line) continue;
      const message = JSON.parse(line) as QmpMessage;
      if (message.event) continue;
      const pending = this.#pending;
      this.#pending = undefined;
      pending.resolve(message);
    }
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}
