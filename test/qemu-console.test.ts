import { describe, expect, it } from 'vitest';
import { cleanConsoleText, ConsoleLog, ConsoleWaitError, consoleTail } from '../runners/vm/console.ts';

// What QEMU's serial console really carries: SeaBIOS clears the screen and resets the terminal, lines end in CRLF.
const SEABIOS = '\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r\nBooting from ROM..\x1bc\x1b[?7l\x1b[2J';

describe('cleanConsoleText', () => {
  it('removes escape sequences, terminal resets and carriage returns', () => {
    expect(cleanConsoleText(`${SEABIOS}ISOBENCH-INIT 3.71\r\n`)).toBe('SeaBIOS (version 1.16.2-debian-1.16.2-1)\nBooting from ROM..ISOBENCH-INIT 3.71\n');
  });

  it('keeps the last non-empty lines', () => {
    expect(consoleTail('a\r\n\r\nb\r\nc\r\n', 2)).toBe('b\nc');
  });
});

describe('ConsoleLog', () => {
  it('finds a marker split over chunks, stamped with the chunk that completed it', async () => {
    const log = new ConsoleLog();
    log.push(Buffer.from(`${SEABIOS}ISOBENCH-INIT 3`), 100);
    const waiting = log.waitFor(/ISOBENCH-INIT (\d+\.\d+)\r?\n/, { timeoutMs: 1_000 });
    log.push(Buffer.from('.71\r\n'), 250);
    const { match, at } = await waiting;
    expect(match[1]).toBe('3.71');
    expect(at).toBe(250);
    expect(log.firstByteAt).toBe(100);
  });

  it('finds what was printed before the wait began', async () => {
    const log = new ConsoleLog();
    log.push(Buffer.from('ready\n'), 5);
    expect((await log.waitFor(/ready/g, { timeoutMs: 10 })).at).toBe(5);
    // A global regex must not carry lastIndex into the next wait.
    expect((await log.waitFor(/ready/g, { timeoutMs: 10 })).at).toBe(5);
  });

  it('rejects pending and later waits once the console closed, with the reason and the tail', async () => {
    const log = new ConsoleLog();
    log.push(Buffer.from('Kernel panic - not syncing: VFS\r\n'));
    const pending = log.waitFor(/never/, { timeoutMs: 10_000 });
    log.close('QEMU exited with code 0');
    await expect(pending).rejects.toMatchObject({ kind: 'exited', consoleTail: 'Kernel panic - not syncing: VFS' });
    await expect(pending).rejects.toThrow('QEMU exited with code 0 before the console printed /never/');
    await expect(log.waitFor(/never/, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(ConsoleWaitError);
    // A wait that names what it awaits keeps the pattern out of the message users read.
    await expect(log.waitFor(/never/, { timeoutMs: 10_000, what: 'the marker' })).rejects.toThrow(/^QEMU exited with code 0 before the marker$/);
    expect(log.closedReason).toBe('QEMU exited with code 0');
  });

  it('times out with what the console said so far', async () => {
    const log = new ConsoleLog();
    log.push(Buffer.from('booting\r\n'));
    await expect(log.waitFor(/never/, { timeoutMs: 20 })).rejects.toMatchObject({ kind: 'timeout', consoleTail: 'booting' });
  });

  it('rejects with the abort reason', async () => {
    const log = new ConsoleLog();
    const controller = new AbortController();
    const pending = log.waitFor(/never/, { timeoutMs: Infinity, signal: controller.signal });
    controller.abort(new Error('interrupted'));
    await expect(pending).rejects.toThrow('interrupted');
  });

  it('drops the oldest half past its limit and says so', () => {
    const log = new ConsoleLog(100);
    for (let i = 0; i < 30; i++) log.push(Buffer.from(`line ${String(i).padStart(2, '0')}\n`));
    expect(log.text()).toMatch(/^\[\.\.\. \d+ earlier characters dropped \.\.\.\]\n/);
    expect(log.text()).toContain('line 29\n');
    expect(log.text()).not.toContain('line 00');
  });
});
