import { describe, expect, it } from 'vitest';
import { optionValue, qemuArgs, type QemuSpec } from '../runners/qemu/args.ts';
import { parseQemuVersion } from '../runners/qemu/binary.ts';
import { cpuModelFor, probeBootSector, PROBE_MARKER } from '../runners/qemu/accel.ts';

const base: QemuSpec = {
  name: 'linux-vm-nginx',
  machine: 'pc',
  accel: 'tcg',
  cpu: 'max',
  vcpus: 2,
  memoryMiB: 192,
  kernel: '/cache/vmlinuz',
  initrd: '/cache/initrd.cpio',
  append: 'console=ttyS0 quiet',
  net: { hostPort: 40123, guestPort: 8080 },
};

/** The value following `flag` (each occurrence). */
const values = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe('qemuArgs', () => {
  it('boots a kernel with no default devices, no display, console on stdio, exit instead of reboot', () => {
    const args = qemuArgs(base);
    for (const flag of ['-nodefaults', '-nographic', '-no-reboot']) expect(args).toContain(flag);
    expect(values(args, '-serial')).toEqual(['stdio']);
    expect(values(args, '-machine')).toEqual(['pc']);
    expect(values(args, '-accel')).toEqual(['tcg']);
    expect(values(args, '-cpu')).toEqual(['max']);
    expect(values(args, '-smp')).toEqual(['2']);
    expect(values(args, '-m')).toEqual(['192']);
    expect(values(args, '-kernel')).toEqual(['/cache/vmlinuz']);
    expect(values(args, '-initrd')).toEqual(['/cache/initrd.cpio']);
    expect(values(args, '-append')).toEqual(['console=ttyS0 quiet']);
    expect(values(args, '-name')).toEqual(['linux-vm-nginx,process=linux-vm-nginx']);
  });

  it('forwards one loopback port to the guest through a PCI virtio NIC without option ROM', () => {
    const args = qemuArgs(base);
    expect(values(args, '-netdev')).toEqual(['user,id=n0,hostfwd=tcp:127.0.0.1:40123-:8080']);
    expect(values(args, '-device')).toEqual(['virtio-net-pci,netdev=n0,romfile=']);
    expect(values(qemuArgs({ ...base, net: { ...base.net!, romfile: true } }), '-device')).toEqual(['virtio-net-pci,netdev=n0']);
  });

  it('uses virtio-mmio devices on microvm, which has no PCI bus', () => {
    const args = qemuArgs({ ...base, machine: 'microvm', disks: ['/img/a.raw'] });
    expect(values(args, '-machine')).toEqual(['microvm']);
    expect(values(args, '-device')).toEqual(['virtio-net-device,netdev=n0', 'virtio-blk-device,drive=disk0']);
    expect(values(args, '-drive')).toEqual(['file=/img/a.raw,format=raw,snapshot=on,if=none,id=disk0']);
  });

  it('attaches raw disks read-only in effect (snapshot) as IDE on pc, with commas in paths doubled', () => {
    const args = qemuArgs({ ...base, kernel: undefined, initrd: undefined, append: undefined, disks: ['/a,b/boot.img', '/c.img'] });
    expect(values(args, '-drive')).toEqual([
      'file=/a,,b/boot.img,format=raw,snapshot=on,if=ide,index=0',
      'file=/c.img,format=raw,snapshot=on,if=ide,index=1',
    ]);
    expect(args).not.toContain('-kernel');
    expect(args).not.toContain('-append');
  });

  it('adds the QMP socket, pid file and sandbox only with a runtime, and the sandbox only when QEMU has one', () => {
    expect(qemuArgs(base)).not.toContain('-qmp');
    expect(qemuArgs(base)).not.toContain('-pidfile');
    const runtime = { qmpSocket: '/run/x,y/1.qmp', pidFile: '/run/1.pid', sandbox: true };
    const args = qemuArgs(base, runtime);
    expect(values(args, '-qmp')).toEqual(['unix:/run/x,,y/1.qmp,server=on,wait=off']);
    expect(values(args, '-pidfile')).toEqual(['/run/1.pid']);
    expect(values(args, '-sandbox')).toEqual(['on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny']);
    expect(qemuArgs(base, { ...runtime, sandbox: false })).not.toContain('-sandbox');
  });

  it('puts extra arguments last, verbatim', () => {
    const args = qemuArgs({ ...base, extraArgs: ['-device', 'isa-debug-exit,iobase=0xf4'] });
    expect(args.slice(-2)).toEqual(['-device', 'isa-debug-exit,iobase=0xf4']);
  });

  it('leaves out networking when none is asked for', () => {
    const args = qemuArgs({ ...base, net: undefined });
    expect(args).not.toContain('-netdev');
    expect(args).not.toContain('-device');
  });

  it('rejects specs QEMU would misread or refuse, naming every problem', () => {
    expect(() => qemuArgs({ ...base, kernel: undefined })).toThrow('QEMU spec "linux-vm-nginx": initrd and append need a kernel; nothing to boot: give a kernel or a disk');
    expect(() => qemuArgs({ ...base, vcpus: 0, memoryMiB: 1.5 })).toThrow(/vcpus must be a positive integer, not 0; memoryMiB must be a positive integer, not 1.5/);
    expect(() => qemuArgs({ ...base, net: { hostPort: 0, guestPort: 70000 } })).toThrow(/net.hostPort must be a TCP port, not 0; net.guestPort must be a TCP port, not 70000/);
  });
});

describe('small QEMU helpers', () => {
  it('doubles commas in option values', () => {
    expect(optionValue('a,b,,c')).toBe('a,,b,,,,c');
  });

  it('reads the version out of --version', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright ...\n')).toBe('7.2.22');
  });

  it('gives KVM guests the host CPU and TCG guests the richest emulated one', () => {
    expect(cpuModelFor('kvm')).toBe('host');
    expect(cpuModelFor('tcg')).toBe('max');
  });

  it('builds a bootable sector: boot signature, code at 0, the marker where the code points', () => {
    const sector = probeBootSector();
    expect(sector.length).toBe(512);
    expect([sector[510], sector[511]]).toEqual([0x55, 0xaa]);
    // mov si, imm16 at offset 6 holds the marker's load address.
    expect(sector[6]).toBe(0xbe);
    const msg = sector.readUInt16LE(7) - 0x7c00;
    expect(sector.toString('latin1', msg, msg + PROBE_MARKER.length + 2)).toBe(`${PROBE_MARKER}\n\0`);
    expect(() => probeBootSector('x'.repeat(500))).toThrow(/marker too long/);
  });
});
