import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';

/** A console match and when (performance.now()) the chunk that completed it arrived. */
export interface ConsoleMatch {
  match: RegExpExecArray;
  at: number;
}

export interface WaitOptions {
  /** Infinity waits until a match, the exit or the signal. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What is awaited, in words for failure messages ("the init marker"); without it the pattern is quoted. */
  what?: string;
}

/** Why a `waitFor` gave up: the guest's VMM ended, or the time ran out. The console tail is attached. */
export class ConsoleWaitError extends Error {
  override name = 'ConsoleWaitError';
  constructor(
    message: string,
    readonly kind: 'exited' | 'timeout',
    readonly consoleTail: string,
  ) {
    super(message);
  }
}

/** ESC and a CSI sequence (colours, cursor, SeaBIOS' screen clearing), or ESC and one character (`ESC c` resets the terminal). */
export const ESCAPE_SEQUENCES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-~])/g;
// The control characters a serial console carries besides newline and tab.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Console text for humans: escape sequences and carriage returns removed. */
export function cleanConsoleText(raw: string): string {
  return raw.replace(ESCAPE_SEQUENCES, '').replace(CONTROL, '');
}

/** The last `lines` non-empty lines of `raw`, cleaned. */
export function consoleTail(raw: string, lines = 30): string {
  return cleanConsoleText(raw)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n');
}

interface Waiter {
  regex: RegExp;
  what: string;
  settled: boolean;
  resolve: (m: ConsoleMatch) => void;
  reject: (e: unknown) => void;
}

/**
 * Everything a guest wrote to its serial console, each chunk with its arrival time. Consoles that print per
 * request could grow without bound during a long throughput run, so past `maxChars` the oldest half is dropped
 * (boot output is long matched by then); `text()` says how much.
 */
export class ConsoleLog {
  #text = '';
  /** End offset in #text and arrival time of each chunk. */
  #chunks: { end: number; at: number }[] = [];
  #dropped = 0;
  #firstByteAt: number | undefined;
  #closed: string | undefined;
  readonly #decoder = new StringDecoder('utf8');
  readonly #waiters = new Set<Waiter>();

  constructor(private readonly maxChars = 8 * 1024 * 1024) {}

  /** performance.now() of the first byte, if any arrived. */
  get firstByteAt(): number | undefined {
    return this.#firstByteAt;
  }

  /** Set once the console's writer is gone (the VMM exited): the reason given to `close`. */
  get closedReason(): string | undefined {
    return this.#closed;
  }

  push(chunk: Buffer, at = performance.now()): void {
    if (chunk.length === 0) return;
    this.#firstByteAt ??= at;
    this.#text += this.#decoder.write(chunk);
    this.#chunks.push({ end: this.#text.length, at });
    if (this.#text.length > this.maxChars) this.#dropOldest();
    for (const waiter of this.#waiters) this.#try(waiter);
  }

  /** No more output will come; pending and later `waitFor`s reject with `reason`. */
  close(reason: string): void {
    if (this.#closed !== undefined) return;
    this.#text += this.#decoder.end();
    this.#closed = reason;
    for (const waiter of [...this.#waiters]) {
      if (!this.#try(waiter)) this.#finish(waiter, () => waiter.reject(this.#exitedError(waiter.what)));
    }
  }

  /** The raw text (escape sequences included). */
  text(): string {
    return this.#dropped ? `[... ${this.#dropped} earlier characters dropped ...]\n${this.#text}` : this.#text;
  }

  /** The last `lines` lines, cleaned for humans. */
  tail(lines = 30): string {
    return consoleTail(this.#text, lines);
  }

  /** Resolves with the first match of `regex` in the whole console (also output that came before the call). */
  waitFor(regex: RegExp, opts: WaitOptions): Promise<ConsoleMatch> {
    const what = opts.what ?? `the console printed ${regex}`;
    return new Promise<ConsoleMatch>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => this.#finish(waiter, () => waiter.reject(opts.signal!.reason));
      const cleanup = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        // A global or sticky regex would carry lastIndex from one exec to the next.
        regex: new RegExp(regex.source, regex.flags.replace(/[gy]/g, '')),
        what,
        settled: false,
        resolve: (m) => (cleanup(), resolve(m)),
        reject: (e) => (cleanup(), reject(e)),
      };
      if (opts.signal?.aborted) return this.#finish(waiter, () => waiter.reject(opts.signal!.reason));
      if (this.#try(waiter)) return;
      if (this.#closed !== undefined) return this.#finish(waiter, () => waiter.reject(this.#exitedError(what)));
      this.#waiters.add(waiter);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (!Number.isFinite(opts.timeoutMs)) return;
      timer = setTimeout(() => {
        const error = new ConsoleWaitError(`${Math.round(opts.timeoutMs)} ms passed before ${what}`, 'timeout', this.tail());
        this.#finish(waiter, () => waiter.reject(error));
      }, opts.timeoutMs);
    });
  }

  #try(waiter: Waiter): boolean {
    const match = waiter.regex.exec(this.#text);
    if (!match) return false;
    const end = match.index + match[0].length;
    const chunk = this.#chunks.find((c) => c.end >= end) ?? this.#chunks.at(-1);
    this.#finish(waiter, () => waiter.resolve({ match, at: chunk?.at ?? performance.now() }));
    return true;
  }

  #finish(waiter: Waiter, settle: () => void): void {
    if (waiter.settled) return;
    waiter.settled = true;
    this.#waiters.delete(waiter);
    settle();
  }

  #exitedError(what: string): ConsoleWaitError {
    return new ConsoleWaitError(`${this.#closed} before ${what}`, 'exited', this.tail());
  }

  #dropOldest(): void {
    const cut = this.#text.length - Math.floor(this.maxChars / 2);
    this.#text = this.#text.slice(cut);
    this.#dropped += cut;
    this.#chunks = this.#chunks.filter((c) => c.end > cut).map((c) => ({ end: c.end - cut, at: c.at }));
  }
}
