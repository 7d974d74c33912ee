import { createServer } from 'node:http';

/**
 * The server of the harness-overhead benchmark, in its own process (so its work is not on the harness's event
 * loop). On `{ listen: port, inMs }` it starts listening after `inMs` and reports the monotonic time (ns,
 * process.hrtime: CLOCK_MONOTONIC, shared by every process of the host) at which it could accept; on
 * `{ close: true }` it stops listening.
 */
type Command = { listen: number; inMs: number } | { close: true };

const server = createServer((_req, res) => res.end('ready\n'));
server.keepAliveTimeout = 0;

process.on('message', (command: Command) => {
  if ('close' in command) {
    server.close(() => process.send!({ closed: true }));
    server.closeAllConnections();
    return;
  }
  setTimeout(() => {
    // With an IP address Node binds and listens synchronously: the port accepts from the moment listen returns.
    server.listen(command.listen, '127.0.0.1');
    const listeningAt = process.hrtime.bigint();
    process.send!({ listeningAt: String(listeningAt) });
  }, command.inMs);
});
process.on('disconnect', () => process.exit(0));
