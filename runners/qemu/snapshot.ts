import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { QmpClient } from './qmp.ts';

/** How often the migration's state is asked for: the save and load of a small guest take tens of ms. */
const POLL_MS = 5;
/** QMP answers within this, or the QEMU is wedged. */
const QMP_TIMEOUT_MS = 10_000;
/** QEMU 7.2 throttles a migration to 32 MiB/s by default; saving to a local file needs no throttle. */
const UNTHROTTLED_BYTES_PER_S = 64 * 2 ** 30;

/**
 * Saves a guest's whole state to `file` through QMP: the guest is stopped, then migrated to a unix socket of ours
 * that writes the stream to the file. (QEMU 7.2 has no `file:` migration, and its sandbox forbids `exec:`.) The
 * QEMU is left stopped, for the caller to quit. The socket is removed again; the file is the caller's.
 */
export async function saveGuest(qmpSocket: string, file: string, signal?: AbortSignal): Promise<number> {
  const streamSocket = `${qmpSocket}.mig`;
  const server = createServer();
  const received = new Promise<void>((resolve, reject) => {
    server.once('connection', (socket: Socket) => {
      server.close();
      pipeline(socket, createWriteStream(file), { signal }).then(resolve, reject);
    });
    server.once('error', reject);
  });
  received.catch(() => {}); // awaited below, unless QMP failed first
  await new Promise<void>((resolve, reject) => server.listen(streamSocket, resolve).once('error', reject));
  const qmp = await QmpClient.connect(qmpSocket, QMP_TIMEOUT_MS);
  try {
    await qmp.execute('stop');
    await qmp.execute('migrate-set-parameters', { 'max-bandwidth': UNTHROTTLED_BYTES_PER_S });
    await qmp.execute('migrate', { uri: `unix:${streamSocket}` });
    for (;;) {
      signal?.throwIfAborted();
      const state = (await qmp.execute('query-migrate')) as { status?: string; 'error-desc'?: string };
      if (state.status === 'completed') break;
      if (state.status === 'failed' || state.status === 'cancelled') {
        throw new Error(`QEMU could not save the guest: migration ${state.status}${state['error-desc'] ? `: ${state['error-desc']}` : ''}`);
      }
      await sleep(POLL_MS, undefined, { signal });
    }
    await received;
  } finally {
    qmp.close();
    server.close();
    await rm(streamSocket, { force: true });
  }
  return (await stat(file)).size;
}

/**
 * Waits until a QEMU started with `-incoming` has loaded its state, then lets the guest run (`cont`). A stream
 * QEMU cannot load ends that QEMU; the wait then rejects and the caller reads QEMU's own error.
 */
export async function continueLoadedGuest(qmpSocket: string, exited: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  const over = new AbortController();
  void exited.then(() => over.abort(new Error('QEMU exited while loading the snapshot')));
  const waiting = signal ? AbortSignal.any([signal, over.signal]) : over.signal;
  let qmp: QmpClient | undefined;
  try {
    qmp = await connectWhenListening(qmpSocket, waiting);
    for (;;) {
      waiting.throwIfAborted();
      const state = (await qmp.execute('query-status')) as { status: string };
      if (state.status !== 'inmigrate') break;
      await sleep(POLL_MS, undefined, { signal: waiting });
    }
    await qmp.execute('cont');
  } finally {
    qmp?.close();
    over.abort();
  }
}

/** QEMU creates its QMP socket a moment after it starts. */
async function connectWhenListening(qmpSocket: string, signal: AbortSignal): Promise<QmpClient> {
  for (;;) {
    signal.throwIfAborted();
    try {
      return await QmpClient.connect(qmpSocket, QMP_TIMEOUT_MS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw error;
      await sleep(POLL_MS, undefined, { signal });
    }
  }
}
