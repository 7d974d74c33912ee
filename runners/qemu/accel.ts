import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { release, version } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic.ts';
import type { Accelerator } from '../../core/label.ts';
import { qemuBinary } from './binary.ts';
import { ConsoleWaitError } from '../vm/console.ts';
import { launchQemu } from './launch.ts';

export type AccelKind = 'kvm' | 'tcg';

export const PROBE_MARKER = 'ISOBENCH-ACCEL-PROBE-OK';
const PROBE_TIMEOUT_MS = 5_000;
const DEBUG_EXIT_PORT = 0xf4;
/** The device that lets the probe guest end its QEMU. */
export const DEBUG_EXIT_DEVICE = ['-device', `isa-debug-exit,iobase=${DEBUG_EXIT_PORT},iosize=0x04`];

/** The CPU model to use under each accelerator: the host's own under KVM, everything TCG can emulate otherwise. */
export function cpuModelFor(accel: AccelKind): string {
  return accel === 'kvm' ? 'host' : 'max';
}

/**
 * A 512-byte BIOS boot sector that writes `marker` and a newline to COM1, then ends QEMU through the
 * isa-debug-exit device (exit code 33); without that device it idles. Interrupts stay off: SeaBIOS' serial console
 * flushes its own buffered text from the timer interrupt, which would otherwise land inside the marker. Each byte
 * waits for the transmit register to be empty: QEMU overwrites a byte still waiting for a busy host to read the
 * console, and a marker with a byte missing would read as a broken accelerator.
 * Real-mode code, loaded by the BIOS at 0x7c00:
 *   cli; xor ax,ax; mov ds,ax; cld; mov si,msg
 *   l: lodsb; test al,al; jz d; mov bl,al
 *   w: mov dx,0x3fd; in al,dx; test al,0x20; jz w; mov al,bl; mov dx,0x3f8; out dx,al; jmp l
 *   d: mov dx,0xf4; mov al,0x10; out dx,al; h: hlt; jmp h
 */
export function probeBootSector(marker = PROBE_MARKER): Buffer {
  const MSG_OFFSET = 0x29;
  const msgAddress = 0x7c00 + MSG_OFFSET;
  const code = [
    0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xfc,
    0xbe, msgAddress & 0xff, msgAddress >> 8,
    0xac, 0x84, 0xc0, 0x74, 0x12, 0x88, 0xc3,
    0xba, 0xfd, 0x03, 0xec, 0xa8, 0x20, 0x74, 0xf8,
    0x88, 0xd8, 0xba, 0xf8, 0x03, 0xee, 0xeb, 0xe9,
    0xba, DEBUG_EXIT_PORT, 0x00, 0xb0, 0x10, 0xee, 0xf4, 0xeb, 0xfd,
  ];
  if (code.length !== MSG_OFFSET) throw new Error('probe boot sector: code length changed, fix MSG_OFFSET');
  const message = Buffer.from(`${marker}\n\0`, 'latin1');
  if (MSG_OFFSET + message.length > 510) throw new Error('probe boot sector: marker too long');
  const sector = Buffer.alloc(512);
  Buffer.from(code).copy(sector);
  message.copy(sector, MSG_OFFSET);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

export type ProbeResult = { ok: true } | { ok: false; detail: string };

/**
 * Boots the probe boot sector under `accel` with the CPU model real guests get, and reports whether it printed its
 * marker within the time. Under KVM this fails the way a real guest would (bad MSRs, a CPU model the host refuses).
 */
export async function probeAccelerator(accel: AccelKind, cacheDir: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const image = join(resolve(cacheDir), 'accel', 'probe-boot-sector.img');
  await writeFileAtomic(image, probeBootSector());
  const qemu = await launchQemu({
    name: `accel-probe-${accel}`,
    machine: 'pc',
    accel,
    cpu: cpuModelFor(accel),
    vcpus: 1,
    memoryMiB: 16,
    disks: [image],
    extraArgs: DEBUG_EXIT_DEVICE,
  });
  try {
    await qemu.console.waitFor(new RegExp(PROBE_MARKER), { timeoutMs });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ConsoleWaitError)) throw error;
    if (error.kind === 'timeout') return { ok: false, detail: `did not print its marker within ${timeoutMs / 1000} s` };
    const firstLine = qemu.stderr().trim().split('\n')[0];
    return { ok: false, detail: `qemu exited: ${firstLine || (await qemu.exited).code}` };
  } finally {
    await qemu.stop();
  }
}

/** Why /dev/kvm cannot be used, or undefined when it opens read-write. */
export async function kvmDeviceProblem(device = '/dev/kvm'): Promise<string | undefined> {
  try {
    const handle = await open(device, constants.O_RDWR);
    await handle.close();
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return `${device} does not exist (no KVM on this host, or the kvm module is not loaded)`;
    if (e.code === 'EACCES' || e.code === 'EPERM') return `${device} cannot be opened by this user (${e.code}; add the user to the kvm group)`;
    return `${device} cannot be opened: ${e.message}`;
  }
}

interface CachedVerdict {
  key: string;
  kind: AccelKind;
  reason: string;
  probedAt: string;
}

/** The probe's verdict holds as long as the host kernel, QEMU and the probe itself stay the same. */
async function verdictKey(): Promise<string> {
  const qemu = await qemuBinary();
  const probe = createHash('sha256').update(probeBootSector()).digest('hex').slice(0, 12);
  return `${release()} ${version()} | qemu ${qemu.version} (${qemu.path}) | probe ${probe}`;
}

async function probedVerdict(cacheDir: string): Promise<Accelerator> {
  const key = await verdictKey();
  const file = join(resolve(cacheDir), 'accel', `kvm-verdict-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as CachedVerdict;
    if (cached.key === key) return { kind: cached.kind, reason: `${cached.reason} (probed ${cached.probedAt}, cached for this kernel and QEMU)` };
  } catch {
    // No verdict yet (or an unreadable one): probe again.
  }
  const result = await probeAccelerator('kvm', cacheDir);
  const verdict: CachedVerdict = result.ok
    ? { key, kind: 'kvm', reason: 'KVM probe guest booted and printed its marker', probedAt: new Date().toISOString() }
    : { key, kind: 'tcg', reason: `KVM probe guest: ${result.detail}`, probedAt: new Date().toISOString() };
  await writeFileAtomic(file, `${JSON.stringify(verdict, null, 2)}\n`);
  return { kind: verdict.kind, reason: verdict.reason };
}

/**
 * Which accelerator QEMU guests get. `auto` uses KVM only when a real guest booted under it (a usable-looking
 * /dev/kvm is not enough: nested or restricted KVM can fail at the first MSR write or hang), and TCG otherwise,
 * with the reason. `kvm` fails with that reason instead of falling back.
 */
export async function decideAccelerator(requested: 'auto' | 'kvm' | 'tcg', cacheDir: string): Promise<Accelerator> {
  if (requested === 'tcg') return { kind: 'tcg', reason: "accel: 'tcg' in the config" };
  const problem = await kvmDeviceProblem();
  const verdict = problem ? { kind: 'tcg' as const, reason: problem } : await probedVerdict(cacheDir);
  if (requested === 'kvm' && verdict.kind !== 'kvm') {
    throw new Error(
      `accel: 'kvm' was requested but KVM is not usable here: ${verdict.reason}. ` +
        `Set accel to 'auto' (falls back to TCG, labelled) or 'tcg' in bench.config.ts, or fix KVM on this host.`,
    );
  }
  return verdict;
}
