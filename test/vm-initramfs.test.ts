import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../cli/config.ts';
import { writeAtomically } from '../core/atomic.ts';
import { CPIO_TYPES, encodeArchive, newcHeader, writeTree } from '../fixtures/cpio.ts';
import { isBzImage } from '../fixtures/binary-headers.ts';
import { moduleName, modinfoDepends, parseBuiltin, parseModulesDep, resolveModules } from '../fixtures/kmod.ts';
import { hashTree } from '../fixtures/rootfs.ts';
import { EXIT_MARKER, INIT_MARKER, shellQuote, vmInitScript } from '../fixtures/vm-init.ts';
import { WORKLOADS } from '../fixtures/workloads.ts';
import { guestMemoryMiB, kernelCommandLine, vmFailureReason } from '../runners/linux-vm/runner.ts';

const run = promisify(execFile);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'isobench-initramfs-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('newc cpio', () => {
  it('writes the header fields the kernel reads, name padded to 4 bytes', () => {
    const header = newcHeader({ path: 'bin/sh', mode: CPIO_TYPES.symlink | 0o777, uid: 1000, gid: 1001, size: 7 }, 3);
    const text = header.toString('latin1');
    expect(text.slice(0, 6)).toBe('070701');
    const field = (i: number) => parseInt(text.slice(6 + i * 8, 14 + i * 8), 16);
    expect([field(0), field(1), field(2), field(3), field(4), field(5), field(6), field(11)]).toEqual([3, 0o120777, 1000, 1001, 1, 0, 7, 7]);
    expect(header.length % 4).toBe(0);
    expect(text.slice(110, 117)).toBe('bin/sh\0');
  });

  it('is deterministic: the same entries in any order give the same bytes', () => {
    const a = { path: 'a', mode: CPIO_TYPES.dir | 0o755, uid: 0, gid: 0 };
    const b = { path: 'a/b', mode: CPIO_TYPES.file | 0o644, uid: 0, gid: 0, data: Buffer.from('x') };
    expect(encodeArchive([b, a]).equals(encodeArchive([a, b]))).toBe(true);
    expect(encodeArchive([a, b]).toString('latin1')).toMatch(/TRAILER!!!\0+$/);
  });

  it('holds exactly the tree: GNU cpio unpacks it to the same content hash (owners, modes, links)', async () => {
    const tree = join(work, 'tree');
    await mkdir(join(tree, 'bin'), { recursive: true });
    await mkdir(join(tree, 'home/user'), { recursive: true });
    await writeFile(join(tree, 'bin/tool'), 'tool\n');
    await chmod(join(tree, 'bin/tool'), 0o4755);
    await symlink('tool', join(tree, 'bin/alias'));
    await writeFile(join(tree, 'home/user/empty'), '');
    await chown(join(tree, 'home/user'), 1000, 1000);
    await chmod(join(tree, 'home/user'), 0o700);
    await run('mknod', ['-m', '600', join(tree, 'null'), 'c', '1', '3']);

    const archive = join(work, 'tree.cpio');
    await writeAtomically(archive, async (handle) => {
      await writeTree(tree, handle);
    });
    const out = join(work, 'out');
    await mkdir(out);
    await run('sh', ['-c', `cpio -idm --quiet --no-absolute-filenames < '${archive}'`], { cwd: out });
    expect(await hashTree(out)).toBe(await hashTree(tree));

    const again = join(work, 'again.cpio');
    await writeAtomically(again, async (handle) => {
      await writeTree(tree, handle);
    });
    const bytes = async (p: string) => {
      const h = await open(p, 'r');
      try {
        return await h.readFile();
      } finally {
        await h.close();
      }
    };
    expect((await bytes(again)).equals(await bytes(archive))).toBe(true);
  });
});

/** A minimal ELF64 object with a .modinfo section holding `fields`, laid out as the kernel's build does. */
function moduleElf(fields: string[]): Buffer {
  const shstrtab = Buffer.from('\0.modinfo\0.shstrtab\0', 'latin1');
  const modinfo = Buffer.from(fields.map((f) => `${f}\0`).join(''), 'latin1');
  const dataStart = 64;
  const shoff = dataStart + modinfo.length + shstrtab.length;
  const elf = Buffer.alloc(shoff + 3 * 64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2;
  elf[5] = 1;
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(3, 0x3c);
  elf.writeUInt16LE(2, 0x3e);
  modinfo.copy(elf, dataStart);
  shstrtab.copy(elf, dataStart + modinfo.length);
  const section = (i: number, name: number, offset: number, size: number) => {
    elf.writeUInt32LE(name, shoff + i * 64);
    elf.writeBigUInt64LE(BigInt(offset), shoff + i * 64 + 0x18);
    elf.writeBigUInt64LE(BigInt(size), shoff + i * 64 + 0x20);
  };
  section(1, 1, dataStart, modinfo.length);
  section(2, 10, dataStart + modinfo.length, shstrtab.length);
  return elf;
}

describe('kernel modules', () => {
  it('names modules as the kernel does', () => {
    expect(moduleName('kernel/drivers/net/virtio_net.ko')).toBe('virtio_net');
    expect(moduleName('kernel/drivers/foo/snd-hda.ko.xz')).toBe('snd_hda');
  });

  it('reads modules.dep and modules.builtin', () => {
    const dep = parseModulesDep('kernel/net/virtio_net.ko: kernel/net/net_failover.ko kernel/net/failover.ko\nkernel/net/failover.ko:\n');
    expect(dep.get('virtio_net')).toEqual({ path: 'kernel/net/virtio_net.ko', deps: ['net_failover', 'failover'] });
    expect(dep.get('failover')).toEqual({ path: 'kernel/net/failover.ko', deps: [] });
    expect(parseBuiltin('kernel/drivers/tty/serial/8250/8250.ko\n')).toEqual(new Set(['8250']));
  });

  it('reads depends= from a module object', () => {
    expect(modinfoDepends(moduleElf(['license=GPL', 'depends=virtio_ring,virtio', 'intree=Y']))).toEqual(['virtio_ring', 'virtio']);
    expect(modinfoDepends(moduleElf(['depends=']))).toEqual([]);
    expect(() => modinfoDepends(Buffer.from('not an elf at all, not an elf at all, not an elf at all, not an elf'))).toThrow(/not a little-endian ELF64/);
  });

  it('orders modules dependencies first, skips built-ins, with or without modules.dep', async () => {
    const dir = join(work, 'modules');
    await mkdir(join(dir, 'kernel/net'), { recursive: true });
    const modules: Record<string, string[]> = { net_a: ['core_b', 'builtin_c'], core_b: ['base_d'], base_d: [] };
    for (const [name, deps] of Object.entries(modules)) await writeFile(join(dir, `kernel/net/${name}.ko`), moduleElf([`depends=${deps.join(',')}`]));
    await writeFile(join(dir, 'modules.builtin'), 'kernel/net/builtin_c.ko\n');
    const order = async () => (await resolveModules(dir, ['net_a'])).map((m) => m.name);
    expect(await order()).toEqual(['base_d', 'core_b', 'net_a']);
    // modules.dep wins when present (here it says something else, to prove it is read).
    await writeFile(join(dir, 'modules.dep'), 'kernel/net/net_a.ko: kernel/net/base_d.ko\nkernel/net/base_d.ko:\n');
    expect(await order()).toEqual(['base_d', 'net_a']);
    await expect(resolveModules(dir, ['missing_e'])).rejects.toThrow(/kernel module missing_e is neither in .* nor built into that kernel/);
  });
});

describe('VM init script', () => {
  const nginx = WORKLOADS.nginx;
  const script = vmInitScript({ ...nginx, env: { GREETING: "it's here" } }, ['virtio.ko', 'virtio_net.ko']);

  it('is valid shell', async () => {
    const file = join(work, 'init');
    await writeFile(file, script);
    await run('busybox', ['sh', '-n', file]);
  });

  it('prints the init marker from /proc/uptime, loads the modules in order, sets up the slirp network', () => {
    expect(script.startsWith('#!/bin/busybox sh\n')).toBe(true);
    expect(script).toMatch(/read up rest <\/proc\/uptime\necho "ISOBENCH-INIT \$up"/);
    expect(script).toContain('for m in virtio.ko virtio_net.ko; do');
    expect(script).toContain('ip addr add 10.0.2.15/24 dev eth0');
    expect(script).toContain('ip route add default via 10.0.2.2');
    expect(script.indexOf('mount -t proc')).toBeLessThan(script.indexOf('echo "ISOBENCH-INIT $up"'));
  });

  it('runs the command as the workload user with only PATH and its env, then reports the exit and powers off', () => {
    expect(script).toContain(
      `"$B" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin 'GREETING=it'\\''s here' ` +
        `"$B" start-stop-daemon -S -p /.isobench/no-such-pidfile -c 1000:1000 -x /usr/sbin/nginx -- -c /etc/nginx/nginx.conf -e stderr\n` +
        'echo "ISOBENCH-EXIT $?"\n"$B" poweroff -f\n',
    );
  });

  it('quotes words for the shell only when needed', () => {
    expect(shellQuote('/usr/bin/redis-server')).toBe('/usr/bin/redis-server');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it('has markers that match whole lines only', () => {
    expect(INIT_MARKER.exec('ISOBENCH-INIT 3')).toBeNull();
    expect(INIT_MARKER.exec('ISOBENCH-INIT 3.71\r\n')?.[1]).toBe('3.71');
    expect(EXIT_MARKER.exec('x\r\nISOBENCH-EXIT 127\r\n')?.[1]).toBe('127');
  });
});

describe('linux-vm pure parts', () => {
  it('tells a bzImage by its HdrS boot header', () => {
    const header = Buffer.alloc(0x300);
    expect(isBzImage(header)).toBe(false);
    header.write('HdrS', 0x202, 'latin1');
    expect(isBzImage(header)).toBe(true);
    expect(isBzImage(header.subarray(0, 0x204))).toBe(false);
  });

  it('explains a failed start by the most telling console line', () => {
    const panic = '\x1b[0mSeaBIOS\r\n[    2.1] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel.\r\n';
    expect(vmFailureReason(panic, 'timeout')).toBe('Kernel panic - not syncing: No working init found.  Try passing init= option to kernel.');
    expect(vmFailureReason('ISOBENCH-INIT 3.1\r\nISOBENCH-INIT-FAILED: insmod virtio.ko\r\n', 'x')).toBe('init could not set up the guest: insmod virtio.ko');
    expect(vmFailureReason('ISOBENCH-INIT 3.1\r\nISOBENCH-EXIT 1\r\n', 'x')).toBe("the workload's command exited with status 1 (the VM powered off)");
    expect(vmFailureReason('ISOBENCH-INIT 3.1\r\n', 'not ready within 100 ms')).toBe('not ready within 100 ms');
  });

  it('sizes guest memory: start option, then per workload, then runner-wide, then the workload default', () => {
    const w = WORKLOADS.nginx;
    const config = (vm: object) => parseConfig({ runners: { 'linux-vm': vm } }).runners['linux-vm'];
    expect(guestMemoryMiB(config({}), w)).toBe(w.vmMemoryMiB);
    expect(guestMemoryMiB(config({ memoryMiB: 256 }), w)).toBe(256);
    expect(guestMemoryMiB(config({ memoryMiB: 256, workloadMemoryMiB: { nginx: 300 } }), w)).toBe(300);
    expect(guestMemoryMiB(config({ memoryMiB: 256 }), w, 64)).toBe(64);
  });

  it('boots with a labelled, minimal kernel command line', () => {
    expect(kernelCommandLine()).toBe('console=ttyS0 quiet panic=-1');
  });
});
