import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO = fileURLToPath(new URL('../', import.meta.url));

export interface CliExit {
  /** As a shell reports it: the exit code, or 128 + the signal that ended the process. */
  status: number;
  stdout: string;
  stderr: string;
}

/** How long a process still running when its file ended gets to stop its instances after SIGTERM. */
const END_GRACE_MS = 60_000;
/** The processes this file started. */
const started = new Set<ChildProcess>();

/**
 * When the file ends, whatever it started that still runs is ended: SIGTERM to its process group (the harness stops
 * its instances and exits), SIGKILL after the grace. A test that timed out would otherwise leave its `isobench run`
 * (in a process group of its own) behind, and with it containers and QEMUs. At the file's end, not each test's:
 * tests of a describe.concurrent run side by side, and vitest cannot tell which of them a process belongs to.
 */
afterAll(async () => {
  const running = [...started].filter((child) => child.exitCode === null && child.signalCode === null);
  started.clear();
  await Promise.all(
    running.map(async (child) => {
      const closed = once(child, 'close');
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // ended meanwhile
        }
      };
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), END_GRACE_MS);
      await closed;
      clearTimeout(timer);
    }),
  );
});

/**
 * `command <args>` from the repository, in its own process group as a shell job is (so that a signal to the group
 * is what Ctrl-C does), with its output kept; ended, if still running, when the test file ends.
 */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ status: code ?? 128 + constants.signals[signal!], stdout, stderr }));
  });
  return {
    pid: child.pid!,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once `ready` holds (checked every 200 ms); rejects when the process ended first or after `timeoutMs`. */
    async until<T>(ready: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
      let ended = false;
      void exited.then(() => (ended = true));
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !ended; ) {
        const value = await ready();
        if (value !== undefined) return value;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${ended ? 'ended' : 'still waiting'} before the condition held; stderr:\n${stderr}`);
    },
  };
}

export function startNpx(args: string[], env: NodeJS.ProcessEnv = {}) {
  return startProcess('npx', args, env);
}

/** `isobench <args>` through the real CLI, as `npm run bench` runs it (node bin/isobench.js, no wrapper process). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return startProcess(process.execPath, ['bin/isobench.js', ...args], env);
}

/** `isobench <args>` to its end: the exit status and the output, whatever the status. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliExit> {
  return startCli(args, env).exited;
}
