import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Endpoint } from '../../runners/types.ts';

/** Between attempts to reach a backend that does not accept yet (a restored guest whose port is not up). */
const RETRY_MS = 5;

type State = { kind: 'up'; backend: Endpoint } | { kind: 'zero'; wake: () => Promise<Endpoint> } | { kind: 'waking'; woken: Promise<Endpoint> };

/**
 * The front proxy of the wake suite, isobench's own TCP forwarder on 127.0.0.1, as a scale-to-zero platform puts
 * one in front of its instances. While the instance is up it forwards each connection to it; while it is at zero the
 * first connection triggers the wake, and that connection and every other one arriving meanwhile are accepted and
 * held (nothing read) until the wake is done, then forwarded once the backend accepts.
 */
export class WakeProxy {
  #state: State | undefined;
  readonly #sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: Endpoint,
    /** How long a held connection waits for the wake and then for the backend to accept. */
    private readonly holdTimeoutMs: number,
  ) {
    server.on('connection', (client) => void this.#forward(client));
  }

  static async listen(holdTimeoutMs: number): Promise<WakeProxy> {
    const server = createServer({ pauseOnConnect: true, noDelay: true });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the wake proxy has no TCP address');
    return new WakeProxy(server, { host: '127.0.0.1', port: address.port }, holdTimeoutMs);
  }

  /** Forward to `backend` from now on. */
  up(backend: Endpoint): void {
    this.#state = { kind: 'up', backend };
  }

  /** The instance is at zero: the next connection calls `wake` (once), which resolves with where it answers now. */
  zero(wake: () => Promise<Endpoint>): void {
    this.#state = { kind: 'zero', wake };
  }

  /** The wake under way or done since the last `zero`, for the caller to learn how it went. */
  get woken(): Promise<Endpoint> | undefined {
    return this.#state?.kind === 'waking' ? this.#state.woken : undefined;
  }

  /** Stops listening and drops every connection, held or forwarded. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #backend(): Promise<Endpoint> {
    const state = this.#state;
    if (!state) return Promise.reject(new Error('the wake proxy has no backend yet'));
    if (state.kind === 'up') return Promise.resolve(state.backend);
    if (state.kind === 'waking') return state.woken;
    const woken = state.wake();
    this.#state = { kind: 'waking', woken };
    // Up again once woken; a failed wake leaves the proxy waking (every later connection is refused alike).
    woken.then((backend) => {
      if (this.#state?.kind === 'waking' && this.#state.woken === woken) this.up(backend);
    }, () => {});
    return woken;
  }

  async #forward(client: Socket): Promise<void> {
    this.#sockets.add(client);
    client.on('error', () => {});
    client.once('close', () => this.#sockets.delete(client));
    const deadline = AbortSignal.timeout(this.holdTimeoutMs);
    try {
      const backend = await Promise.race([
        this.#backend(),
        new Promise<never>((_, reject) => deadline.addEventListener('abort', () => reject(deadline.reason), { once: true })),
      ]);
      const upstream = await this.#connect(backend, deadline, client);
      upstream.pipe(client);
      client.pipe(upstream);
      client.resume();
    } catch {
      client.destroy();
    }
  }

  /** A connection to `backend`, retried while it refuses (until the deadline or the client gives up). */
  async #connect(backend: Endpoint, deadline: AbortSignal, client: Socket): Promise<Socket> {
    for (;;) {
      if (client.destroyed) throw new Error('the client went away');
      const upstream = connect({ host: backend.host, port: backend.port, noDelay: true });
      this.#sockets.add(upstream);
      upstream.once('close', () => this.#sockets.delete(upstream));
      const error = await new Promise<Error | undefined>((resolve) => {
        upstream.once('connect', () => resolve(undefined));
        upstream.once('error', resolve);
      });
      if (!error) {
        // Ends travel through the pipes (half-close included); a reset on either side drops the other.
        upstream.on('error', () => client.destroy());
        client.once('close', () => upstream.destroy());
        return upstream;
      }
      upstream.destroy();
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw error;
      await sleep(RETRY_MS, undefined, { signal: deadline });
    }
  }
}
