import { shorten } from '../../core/first-few.ts';
import { ESCAPE_SEQUENCES } from '../vm/console.ts';

/**
 * Reads the serial console of a Unikraft guest under QEMU: the boot banner, Unikraft's kernel log, lwIP's network
 * lines, what the application printed, and the known ways a boot goes wrong, each turned into a sentence a user
 * can act on. Pure functions over the console text (raw bytes as QEMU wrote them, SeaBIOS escapes and CRs included).
 */

export interface UnikraftBanner {
  /** Release name, e.g. "Calypso". */
  codename: string;
  /** e.g. "0.17.0~eaf6fda1" (release, then the commit after `~`). */
  version: string;
}

/** One line of Unikraft's kernel log: `[    0.101289] ERR:  [libukrandom] <random.c @   65> message`. */
export interface UnikraftLogLine {
  /** Guest uptime (s) when printed, where the image prints time stamps. */
  uptimeS?: number;
  /** CRIT, ERR, WARN, INFO or DBG. */
  level: string;
  library?: string;
  /** `random.c @ 65` */
  source?: string;
  message: string;
}

export interface UnikraftNetwork {
  /** Interfaces lwIP reported as up, e.g. ["en1"]. */
  interfacesUp: string[];
  ipv4?: { address: string; netmask: string; gateway: string };
}

export type ProblemKind =
  | 'needs-rdseed'
  | 'out-of-memory'
  | 'nic-not-attached'
  | 'not-pie'
  | 'no-fork'
  | 'runs-as-root'
  | 'not-implemented'
  | 'missing-library'
  | 'elf-load-failed'
  | 'app-refused'
  | 'crash'
  | 'init-failed';

/** A console line that tells why a guest cannot serve; `line` is quoted in the failure reason. */
export interface ConsoleProblem {
  kind: ProblemKind;
  line: string;
}

export interface UnikraftConsole {
  banner?: UnikraftBanner;
  log: UnikraftLogLine[];
  network: UnikraftNetwork;
  /** Port from an application line such as `Listening on port 8080...`. */
  listeningPort?: number;
  /** Lines printed after the banner that are neither kernel log, network, firmware nor QEMU lines. */
  appOutput: string[];
  /** In console order; `primaryProblem` picks the one that explains a failure best. */
  problems: ConsoleProblem[];
}

// NUL and other control bytes show up where the firmware hands the serial port over to the guest.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
// SeaBIOS prints this without a line end, so the guest's first line is glued to it.
const FIRMWARE_PREFIX = /^Booting from ROM\.*/;
const FIRMWARE_LINE = /^(?:SeaBIOS \(version|iPXE \(|Press Ctrl-B|Booting from ROM)/;
const QEMU_LINE = /^qemu-system-[\w-]+: /;

const LOG_LINE =
  /^(?:\[\s*(\d+\.\d+)\]\s+)?(CRIT|ERR|WARN|INFO|DBG):\s+(?:\[([^\]]+)\]\s*)?(?:\{[^}]*\}\s*)?(?:<([^>]*)>\s?)?(.*)$/i;
const NETWORK_LINE = /^(\S*): (?:Added|Interface is (?:up|down)|Set IPv4 address (\S+) mask (\S+) gw (\S+))/;
const INTERFACE_UP = /^(\S*): Interface is up/;
const INTERFACE_NAME = /^[a-z]+\d+$/;

const ONE_LINE_BANNER = /^Powered by Unikraft (\S+) \(([^)]+)\)\s*$/;
// The ASCII-art banners start with one of these lines and end with "<Codename> <version>" a few lines later.
const ART_BANNER_START = /^(?:Powered by|Welcome to)\b/;
const ART_BANNER_END = /^\s+([A-Z][A-Za-z]+) (\d+\.\d+(?:\.\d+)?\S*)\s*$/;
const ART_BANNER_MAX_LINES = 10;

const LISTENING = /\blistening on (?:port )?(\d{1,5})\b/i;

/**
 * Problem rules, most telling first: `primaryProblem` prefers an earlier rule to a later one. Each pattern is checked
 * against the real transcripts in ../shared/unikraft (test/unikraft-console.test.ts), including the healthy ones, whose
 * harmless lines (`ERR: ... Ignore updating resource 7`, strace's `= Function not implemented (-38)`) match none.
 */
const PROBLEM_RULES: ReadonlyArray<{ kind: ProblemKind; pattern: RegExp }> = [
  { kind: 'needs-rdseed', pattern: /Could not initialize the HWRNG/ },
  {
    kind: 'out-of-memory',
    pattern:
      /Allocation of virtqueue failed|Failed to create the virtqueue: -12\b|posix_memalign\([^)]*\) failed|Cannot allocate memory|Failed to create socket: 105\b|\b[Oo]ut of memory\b/,
  },
  { kind: 'nic-not-attached', pattern: /Failed to attach network device \d+ to lwIP/ },
  { kind: 'not-pie', pattern: /ELF executable is not position-independent/ },
  // Unikraft's own refusal, nginx's worker spawn (its first step after fork fails), and a plain fork error.
  {
    kind: 'no-fork',
    pattern: /Cloning thread without CLONE_VM|failed while spawning "[^"]*"|\bfork(?:\(\))?(?: failed)?: (?:Invalid argument|Operation not supported|Function not implemented)/,
  },
  { kind: 'runs-as-root', pattern: /"root" execution of the PostgreSQL server is not permitted/ },
  // PostgreSQL's FATAL line for shmget; strace's own "= Function not implemented" lines are not failures.
  { kind: 'not-implemented', pattern: /FATAL: .*Function not implemented|\[emerg\].*\(38: Function not implemented\)/ },
  { kind: 'missing-library', pattern: /error while loading shared libraries: .*No such file or directory/ },
  { kind: 'elf-load-failed', pattern: /Parsing of ELF image failed|ERR:\s+\[appelfloader\]/ },
  { kind: 'app-refused', pattern: /\[emerg\]/ },
  { kind: 'crash', pattern: /\bCRIT: / },
  { kind: 'init-failed', pattern: /Init function at \S+ returned error -?\d+/ },
];

/**
 * Matches, in the raw console text, the first line of any known problem: a runner can stop waiting for a probe
 * that cannot succeed any more.
 */
export const PROBLEM_PATTERN = new RegExp(PROBLEM_RULES.map((r) => `(?:${r.pattern.source})`).join('|'));

/**
 * Matches, in the raw console text, a complete Unikraft banner (one-line, or ASCII art up to its codename line),
 * so the time it appeared can be taken as the `banner` phase.
 */
export const BANNER_PATTERN =
  /Powered by Unikraft \S+ \([^)]+\)|(?:Powered by|Welcome to)[^\n]*\n(?:[^\n]*\n){0,10}?[ \t]+[A-Z][A-Za-z]+ \d+\.\d+(?:\.\d+)?\S*[ \t]*\r?\n/;

// Consoles recorded through `cat -v` spell control bytes in caret notation: ^[ is ESC, ^M a CR, ^@ a NUL.
const CARET_NOTATION = /\^([[M@])/g;
const CARET_BYTES: Record<string, string> = { '[': '\x1b', M: '\r', '@': '\0' };

/** The console as printable lines: escapes and control bytes removed, CR/LF/CRLF as line ends, blank lines dropped. */
export function consoleLines(raw: string): string[] {
  const lines: string[] = [];
  const bytes = raw.replace(CARET_NOTATION, (_, c: string) => CARET_BYTES[c]!);
  for (const rawLine of bytes.replace(ESCAPE_SEQUENCES, '').split(/\r\n|\n|\r/)) {
    const line = rawLine.replace(CONTROL, '').trimEnd();
    const prefix = FIRMWARE_PREFIX.exec(line);
    if (prefix) {
      lines.push(prefix[0]);
      if (line.length > prefix[0].length) lines.push(line.slice(prefix[0].length));
    } else if (line.trim() !== '') {
      lines.push(line);
    }
  }
  return lines;
}

export function parseLogLine(line: string): UnikraftLogLine | undefined {
  const m = LOG_LINE.exec(line);
  // A bare "Warn: ..." from an application is not kernel log: require a time stamp or a library name.
  if (!m || (m[1] === undefined && m[3] === undefined)) return undefined;
  return {
    ...(m[1] !== undefined && { uptimeS: Number(m[1]) }),
    level: m[2]!.toUpperCase(),
    ...(m[3] !== undefined && { library: m[3] }),
    ...(m[4] !== undefined && { source: m[4].replace(/\s+/g, ' ').trim() }),
    message: m[5]!.trim(),
  };
}

/** The banner starting at `lines[i]`, and how many lines it spans. */
function bannerAt(lines: string[], i: number): { banner: UnikraftBanner; length: number } | undefined {
  const line = lines[i]!;
  const one = ONE_LINE_BANNER.exec(line);
  if (one) return { banner: { codename: one[1]!, version: one[2]! }, length: 1 };
  if (!ART_BANNER_START.test(line)) return undefined;
  for (let j = i + 1; j < Math.min(lines.length, i + 1 + ART_BANNER_MAX_LINES); j++) {
    const end = ART_BANNER_END.exec(lines[j]!);
    if (end) return { banner: { codename: end[1]!, version: end[2]! }, length: j - i + 1 };
  }
  return undefined;
}

export function parseUnikraftConsole(raw: string): UnikraftConsole {
  const lines = consoleLines(raw);
  const result: UnikraftConsole = { log: [], network: { interfacesUp: [] }, appOutput: [], problems: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (const rule of PROBLEM_RULES) {
      if (rule.pattern.test(line)) result.problems.push({ kind: rule.kind, line: line.trim() });
    }
    if (FIRMWARE_LINE.test(line) || QEMU_LINE.test(line)) continue;
    const log = parseLogLine(line);
    if (log) {
      result.log.push(log);
      continue;
    }
    if (NETWORK_LINE.test(line)) {
      readNetworkLine(line, result.network);
      continue;
    }
    if (!result.banner) {
      const found = bannerAt(lines, i);
      if (found) {
        result.banner = found.banner;
        i += found.length - 1;
        continue;
      }
    }
    const listening = LISTENING.exec(line);
    if (listening && result.listeningPort === undefined) result.listeningPort = Number(listening[1]);
    // Before the banner Unikraft has not called main() yet: what it prints there is not the application's.
    if (result.banner) result.appOutput.push(line);
  }
  return result;
}

function readNetworkLine(line: string, network: UnikraftNetwork): void {
  const m = NETWORK_LINE.exec(line)!;
  if (m[2] !== undefined) network.ipv4 = { address: m[2], netmask: m[3]!, gateway: m[4]! };
  const up = INTERFACE_UP.exec(line);
  // The first characters after the firmware hand-over are sometimes lost ("\0\01: Set IPv4 ..."): keep real names only.
  if (up && INTERFACE_NAME.test(up[1]!) && !network.interfacesUp.includes(up[1]!)) network.interfacesUp.push(up[1]!);
}

/** The problem that explains a failure best (rule order), or undefined when the console shows none. */
export function primaryProblem(problems: ConsoleProblem[]): ConsoleProblem | undefined {
  for (const rule of PROBLEM_RULES) {
    const found = problems.find((p) => p.kind === rule.kind);
    if (found) return found;
  }
  return undefined;
}

export interface ProblemContext {
  workload: string;
  accel: 'kvm' | 'tcg';
  memoryMiB: number;
  /** The config key that sets this guest's memory; `runners.unikraft.images.<workload>.memoryMiB` when absent. */
  memoryKey?: string;
}

/** A quoted console line is cut here: a reason stays one readable sentence. */
const MAX_QUOTED_CHARS = 200;

const quote = (line: string) => `(console: "${shorten(line, MAX_QUOTED_CHARS)}")`;

/** A failure reason naming what went wrong, the console line that shows it, and what to change. */
export function explainProblem(problem: ConsoleProblem, ctx: ProblemContext): string {
  const quoted = quote(problem.line);
  const memoryKey = ctx.memoryKey ?? `runners.unikraft.images.${ctx.workload}.memoryMiB`;
  const rebuild = 'rebuild with CONFIG_LIBUKRANDOM disabled or seeded in software';
  switch (problem.kind) {
    case 'needs-rdseed':
      return ctx.accel === 'tcg'
        ? `this image needs RDSEED, which TCG lacks: run on a KVM host or ${rebuild} ${quoted}`
        : `this image needs RDSEED, which this host's CPU does not offer to the guest: run on a CPU with RDSEED or ${rebuild} ${quoted}`;
    case 'out-of-memory':
      return `the guest ran out of memory with -m ${ctx.memoryMiB} MiB: raise memoryMiB (${memoryKey}) ${quoted}`;
    case 'nic-not-attached':
      return (
        `the guest could not attach its network device with -m ${ctx.memoryMiB} MiB, so the workload cannot be ` +
        `reached; this is what too little memory for the device's queues looks like: raise memoryMiB (${memoryKey}) ${quoted}`
      );
    case 'not-pie':
      return (
        'the program is a static executable that is not position-independent, which app-elfloader refuses to load: ' +
        `put a PIE build in the rootfs (Debian's dynamically linked binaries are) ${quoted}`
      );
    case 'no-fork':
      return (
        'the workload starts a second process (fork), which Unikraft cannot do: configure it to serve from one ' +
        `process (nginx: master_process off; lighttpd: server.max-worker = 0) ${quoted}`
      );
    case 'runs-as-root':
      return `the workload refuses to run as root, and on Unikraft every program runs as uid 0: it cannot run on this image ${quoted}`;
    case 'not-implemented':
      return `the workload needs a system call this Unikraft image does not implement, so it cannot run on it ${quoted}`;
    case 'missing-library':
      return `a shared library the program needs is not in the initrd: add it to the rootfs ${quoted}`;
    case 'elf-load-failed':
      return `app-elfloader could not load the program named in the application arguments: is it an x86-64 Linux executable in the initrd? ${quoted}`;
    case 'app-refused':
      return `the workload refused to start ${quoted}`;
    case 'crash':
      return `the guest crashed: see the console tail ${quoted}`;
    case 'init-failed':
      return `a Unikraft init function failed, so the image cannot start on this machine: see the console tail ${quoted}`;
  }
}

export interface DiagnosisContext extends ProblemContext {
  /** The port the host forward goes to inside the guest. */
  guestPort: number;
  /** The kernel is not Unikraft (tests): no banner is expected. */
  standIn: boolean;
}

/**
 * Why a guest did not become ready, as far as its console tells: a known problem, a banner that never came, or
 * an application listening elsewhere than the port forward. Undefined when the console does not say.
 */
export function diagnoseConsole(raw: string, ctx: DiagnosisContext): string | undefined {
  const parsed = parseUnikraftConsole(raw);
  const problem = primaryProblem(parsed.problems);
  if (problem) return explainProblem(problem, ctx);
  if (ctx.standIn) return undefined;
  if (!parsed.banner) {
    return 'no Unikraft banner on the console: the kernel never got as far as starting the application (see the console tail)';
  }
  const port = parsed.listeningPort;
  if (port !== undefined && port !== ctx.guestPort) {
    return (
      `the application listens on port ${port} but the port forward goes to guest port ${ctx.guestPort}: ` +
      `set runners.unikraft.images.${ctx.workload}.guestPort to ${port}`
    );
  }
  return undefined;
}
