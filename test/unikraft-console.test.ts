import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BANNER_PATTERN,
  PROBLEM_PATTERN,
  consoleLines,
  explainProblem,
  parseLogLine,
  parseUnikraftConsole,
  primaryProblem,
  type ProblemKind,
  type UnikraftBanner,
} from '../runners/unikraft/console.ts';
import { ConsoleLog } from '../runners/vm/console.ts';
import { consolePhases } from '../runners/unikraft/runner.ts';

// Real consoles of real Unikraft images, kept next to the repository (see their README.md).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const transcriptDir = resolve(repoRoot, '..', 'shared', 'unikraft');
const haveTranscripts = existsSync(transcriptDir);
if (!haveTranscripts) console.warn(`unikraft console tests skipped: no transcripts at ${transcriptDir}`);

// CI always has shared/ beside the clone: there a missing folder is a failure, not a reason to skip.
it.runIf(Boolean(process.env.CI))('the real Unikraft transcripts are there (CI)', () => {
  expect(haveTranscripts, transcriptDir).toBe(true);
});

const CALYPSO: UnikraftBanner = { codename: 'Calypso', version: '0.17.0~eaf6fda1' };
const TELESTO: UnikraftBanner = { codename: 'Telesto', version: '0.16.3~e453b74a' };
const LWIP_ADDRESS = { address: '10.0.2.15', netmask: '255.255.255.0', gateway: '10.0.2.2' };

interface Expected {
  banner?: UnikraftBanner;
  ipv4?: typeof LWIP_ADDRESS;
  interfacesUp: string[];
  listeningPort?: number;
  /** Every line, or (for strace consoles of hundreds of lines) how many and some that must be among them. */
  appOutput: string[] | { lines: number; including: string[] };
  /** The problem that explains the failure, and the line it is read from. */
  problem?: { kind: ProblemKind; line: RegExp };
  /** Memory given to the guest (file name), for the reason's wording. */
  memoryMiB?: number;
}

const replies = (n: number) => Array.from({ length: n }, () => 'Sent a reply');

/** What each transcript must parse to; every file in the folder needs an entry here. */
const EXPECTED: Record<string, Expected> = {
  'helloworld-qemu-pc-tcg.console.txt': {
    banner: CALYPSO,
    interfacesUp: [],
    appOutput: ['Hello world!', 'Arguments:  "helloworld_qemu-x86_64" "netdev.ip=10.0.2.15/24:10.0.2.2" "--" "arg1" "arg2"'],
  },
  'helloworld-qemu-microvm-tcg.console.txt': {
    banner: CALYPSO,
    interfacesUp: [],
    appOutput: ['Hello world!', 'Arguments:  "helloworld_qemu-x86_64"'],
  },
  'helloworld-needs-rdseed-tcg.console.txt': {
    interfacesUp: [],
    appOutput: [],
    problem: { kind: 'needs-rdseed', line: /\[libukrandom\] <random\.c @ +65> Could not initialize the HWRNG \(-95\)$/ },
  },
  'http-c-qemu-pc-tcg.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    listeningPort: 8080,
    appOutput: ['Listening on port 8080...', ...replies(21)],
  },
  'http-c-dhcp.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    listeningPort: 8080,
    appOutput: ['Listening on port 8080...', ...replies(21)],
  },
  'http-c-m3-too-little-memory.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: [],
    appOutput: ['Failed to create socket: 105'],
    problem: { kind: 'out-of-memory', line: /Allocation of virtqueue failed$/ },
    memoryMiB: 3,
  },
  'http-c-m2-too-little-memory.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: [],
    listeningPort: 8080,
    appOutput: ['Listening on port 8080...'],
    problem: { kind: 'nic-not-attached', line: /Failed to attach network device 0 to lwIP$/ },
    memoryMiB: 2,
  },
  'nginx-qemu-pc-tcg.console.txt': { banner: TELESTO, interfacesUp: ['en1'], appOutput: [] },
  // Its one ERR line (a memory region the allocator could not use) is harmless: nginx served.
  'nginx-0.17-qemu-pc-tcg.console.txt': { banner: CALYPSO, interfacesUp: ['en1'], appOutput: [] },
  'nginx-m5-too-little-memory.console.txt': {
    banner: TELESTO,
    interfacesUp: ['en1'],
    appOutput: ['nginx: [emerg] posix_memalign(16, 16384) failed (12: Unknown error)'],
    problem: { kind: 'out-of-memory', line: /^nginx: \[emerg\] posix_memalign\(16, 16384\) failed/ },
    memoryMiB: 5,
  },
  'elfloader-nginx-qemu-pc-tcg.console.txt': { banner: TELESTO, ipv4: LWIP_ADDRESS, interfacesUp: ['en1'], appOutput: [] },
  'elfloader-nginx-m32-too-little-memory.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: ['nginx: error while loading shared libraries: libcrypto.so.3: cannot open shared object file: Cannot allocate memory'],
    problem: { kind: 'out-of-memory', line: /libcrypto\.so\.3: cannot open shared object file: Cannot allocate memory$/ },
    memoryMiB: 32,
  },
  'elfloader-nginx-debian-ok.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    // An [error] line for a missing page is nginx at work, not a failed start.
    appOutput: [
      '2026/12/01 18:38:34 [error] 1#1: *2 open() "/www/missing" failed (2: No such file or directory), client: 10.0.2.2, ' +
        'server: localhost, request: "GET /missing HTTP/1.1", host: "127.0.0.1:18081"',
    ],
  },
  'elfloader-lighttpd-debian-ok.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: ['2026-12-01 20:17:18: (server.c.1704) server started (lighttpd/1.4.69)'],
  },
  // Its `ERR: [libposix_process] ... Ignore updating resource 7` and `errno: 97` (no IPv6) lines are harmless.
  'elfloader-redis-debian-ok.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: { lines: 25, including: ['1:M 01 Dec 2026 18:58:05.515 * Ready to accept connections'] },
  },
  'elfloader-nginx-master-process-on-hangs.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: { lines: 6, including: ['2026/12/01 19:14:12 [notice] 1#1: start worker processes'] },
    problem: { kind: 'no-fork', line: /\[alert\] 1#1: ioctl\(FIOASYNC\) failed while spawning "worker process"/ },
  },
  'elfloader-busybox-static-not-pie.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: [],
    problem: { kind: 'not-pie', line: /busybox: ELF executable is not position-independent!$/ },
  },
  'elfloader-busybox-dynamic-fork-strace.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: { lines: 71, including: ['listen(0x3, 0x9, ...) = 0x0'] },
    problem: { kind: 'no-fork', line: /Cloning thread without CLONE_VM being set/ },
  },
  'elfloader-postgres-root-refused.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: { lines: 6, including: ['"root" execution of the PostgreSQL server is not permitted.'] },
    problem: { kind: 'runs-as-root', line: /^"root" execution of the PostgreSQL server is not permitted\.$/ },
  },
  // strace's own `= Function not implemented (-38)` lines (set_robust_list, rseq) come first and are not the failure.
  'elfloader-postgres-shmget.console.txt': {
    banner: TELESTO,
    ipv4: LWIP_ADDRESS,
    interfacesUp: ['en1'],
    appOutput: { lines: 648, including: ['shmget(0x5128e4, 0x38, ...) = Function not implemented (-38)'] },
    problem: { kind: 'not-implemented', line: /FATAL: {2}could not create shared memory segment: Function not implemented$/ },
  },
};

const transcripts = haveTranscripts ? readdirSync(transcriptDir).filter((f) => f.endsWith('.console.txt')).sort() : [];
const read = (file: string) => readFileSync(resolve(transcriptDir, file), 'latin1');

describe.skipIf(!haveTranscripts)('Unikraft console transcripts', () => {
  it('has expectations for every transcript in the folder, and a transcript for every expectation', () => {
    expect(transcripts).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(transcripts)('%s', (file) => {
    const expected = EXPECTED[file]!;
    const raw = read(file);
    const parsed = parseUnikraftConsole(raw);

    it('banner, version and codename', () => {
      expect(parsed.banner).toEqual(expected.banner);
      // The streaming pattern (banner phase) agrees with the parser.
      expect(BANNER_PATTERN.test(raw)).toBe(expected.banner !== undefined);
    });

    it('lwIP address, interfaces and listening line', () => {
      expect(parsed.network.ipv4).toEqual(expected.ipv4);
      expect(parsed.network.interfacesUp).toEqual(expected.interfacesUp);
      expect(parsed.listeningPort).toBe(expected.listeningPort);
    });

    it("the application's output", () => {
      const { appOutput } = expected;
      if (Array.isArray(appOutput)) expect(parsed.appOutput).toEqual(appOutput);
      else {
        expect(parsed.appOutput).toHaveLength(appOutput.lines);
        expect(parsed.appOutput).toEqual(expect.arrayContaining(appOutput.including));
      }
    });

    it('problem classification', () => {
      const problem = primaryProblem(parsed.problems);
      expect(problem?.kind).toBe(expected.problem?.kind);
      if (expected.problem) expect(problem!.line).toMatch(expected.problem.line);
      // The streaming pattern (stop waiting early) fires exactly when the parser finds a problem.
      expect(PROBLEM_PATTERN.test(raw)).toBe(expected.problem !== undefined);
    });

    if (expected.memoryMiB !== undefined) {
      it('an out-of-memory reason names the memory given and the fix', () => {
        const reason = explainProblem(primaryProblem(parsed.problems)!, {
          workload: 'nginx',
          accel: 'tcg',
          memoryMiB: expected.memoryMiB!,
        });
        expect(reason).toContain(`with -m ${expected.memoryMiB} MiB`);
        expect(reason).toContain('raise memoryMiB (runners.unikraft.images.nginx.memoryMiB)');
      });
    }
  });

  it('the HWRNG error under TCG says RDSEED is missing and what to do', () => {
    const problem = primaryProblem(parseUnikraftConsole(read('helloworld-needs-rdseed-tcg.console.txt')).problems)!;
    const tcg = explainProblem(problem, { workload: 'http-hello', accel: 'tcg', memoryMiB: 64 });
    expect(tcg).toMatch(
      /^this image needs RDSEED, which TCG lacks: run on a KVM host or rebuild with CONFIG_LIBUKRANDOM disabled or seeded in software/,
    );
    expect(tcg).toContain('Could not initialize the HWRNG (-95)');
    expect(explainProblem(problem, { workload: 'http-hello', accel: 'kvm', memoryMiB: 64 })).not.toContain('TCG');
  });

  it.each([
    ['elfloader-busybox-static-not-pie.console.txt', /^the program is a static executable that is not position-independent, which app-elfloader refuses to load: put a PIE build/],
    ['elfloader-nginx-master-process-on-hangs.console.txt', /^the workload starts a second process \(fork\), which Unikraft cannot do: configure it to serve from one process \(nginx: master_process off/],
    ['elfloader-busybox-dynamic-fork-strace.console.txt', /^the workload starts a second process \(fork\)/],
    ['elfloader-postgres-root-refused.console.txt', /^the workload refuses to run as root, and on Unikraft every program runs as uid 0/],
    ['elfloader-postgres-shmget.console.txt', /^the workload needs a system call this Unikraft image does not implement/],
  ])('%s: one sentence with the cause, the fix and the console line, never a pattern', (file, cause) => {
    const reason = explainProblem(primaryProblem(parseUnikraftConsole(read(file)).problems)!, { workload: 'nginx', accel: 'tcg', memoryMiB: 64 });
    expect(reason).toMatch(cause);
    expect(reason).toMatch(/\(console: ".+"\)$/);
    expect(reason.length).toBeLessThan(400);
  });

  it('cuts a long console line in a reason', () => {
    const line = `ERR:  [appelfloader] <elf_load.c @  148> ${'x'.repeat(1_000)}: ELF executable is not position-independent!`;
    const reason = explainProblem(primaryProblem(parseUnikraftConsole(line).problems)!, { workload: 'nginx', accel: 'tcg', memoryMiB: 64 });
    expect(reason.length).toBeLessThan(500);
    expect(reason).toMatch(/…"\)$/);
  });

  it('reads the kernel log lines with time, level, library and source', () => {
    const { log } = parseUnikraftConsole(read('http-c-m3-too-little-memory.console.txt'));
    expect(log).toHaveLength(5);
    expect(log[1]).toEqual({
      uptimeS: 0.118607,
      level: 'ERR',
      library: 'libvirtio_pci',
      source: 'virtio_pci.c @ 168',
      message: 'Failed to create the virtqueue: -12',
    });
  });

  it('keeps firmware and QEMU lines out of the application output', () => {
    const lines = consoleLines(read('http-c-qemu-pc-tcg.console.txt'));
    expect(lines[0]).toBe('SeaBIOS (version 1.16.2-debian-1.16.2-1)');
    expect(lines).toContain('Booting from ROM..');
    expect(lines.at(-1)).toMatch(/^qemu-system-x86_64: terminating on signal 15/);
    expect(lines.every((l) => !/[\x00-\x1f]/.test(l))).toBe(true);
  });
});

describe.skipIf(!haveTranscripts)('cold start phases from a real console', () => {
  /** A console that received `file` one line at a time, line i at 1000 + i ms. */
  function replay(file: string): { console: ConsoleLog; lines: string[] } {
    const console = new ConsoleLog();
    const lines = read(file).split(/(?<=\n)/);
    lines.forEach((line, i) => console.push(Buffer.from(line, 'latin1'), 1000 + i));
    return { console, lines };
  }

  it('the banner phase is when the line with the codename arrived', async () => {
    const { console, lines } = replay('http-c-qemu-pc-tcg.console.txt');
    const codename = lines.findIndex((line) => line.includes('Telesto 0.16.3~e453b74a'));
    expect(codename).toBeGreaterThan(0);
    expect(await consolePhases(console, 900)).toEqual({ firstOutput: 100, banner: 100 + codename });
  });

  it('the one-line banner counts too', async () => {
    const { console, lines } = replay('elfloader-nginx-qemu-pc-tcg.console.txt');
    const banner = lines.findIndex((line) => line.startsWith('Powered by Unikraft Telesto'));
    expect(await consolePhases(console, 1000)).toEqual({ firstOutput: 0, banner });
  });

  it('no banner phase when the image never printed one', async () => {
    const { console } = replay('helloworld-needs-rdseed-tcg.console.txt');
    expect(await consolePhases(console, 1000)).toEqual({ firstOutput: 0 });
  });
});

describe('Unikraft console lines', () => {
  it('does not take an application line for kernel log', () => {
    expect(parseLogLine('Warn: low disk space')).toBeUndefined();
    expect(parseLogLine('[    1.5] CRIT: [libukboot] <boot.c @ 1> Crash dump')).toMatchObject({ level: 'CRIT' });
  });

  it('reads a one-line banner in the middle of other output', () => {
    const parsed = parseUnikraftConsole('en1: Interface is up\r\nPowered by Unikraft Telesto (0.16.3~e453b74a)\r\nhi\r\n');
    expect(parsed.banner).toEqual(TELESTO);
    expect(parsed.appOutput).toEqual(['hi']);
  });
});
