/**
 * What to boot and how, independent of any guest OS: the Linux VM runner, the Unikraft runner and the accelerator
 * probe all describe their guest with this, and `qemuArgs` turns it into a QEMU command line.
 */
export interface QemuSpec {
  /** Shown in `ps` and in the lifecycle registry; also names the run files. */
  name: string;
  machine: 'pc' | 'microvm';
  accel: 'kvm' | 'tcg';
  /** CPU model: `host` under KVM, `max` under TCG (see `cpuModelFor`). */
  cpu: string;
  vcpus: number;
  memoryMiB: number;
  /** Direct kernel boot; absent for guests that boot from a disk (the accelerator probe). */
  kernel?: string;
  initrd?: string;
  /** Kernel command line; needs `kernel`. */
  append?: string;
  /** User networking with one TCP port forward from 127.0.0.1:hostPort to the guest. */
  net?: { hostPort: number; guestPort: number; romfile?: boolean };
  /** Raw disk images; opened with snapshot=on so a guest never changes them. */
  disks?: string[];
  /** Appended last, verbatim. */
  extraArgs?: string[];
}

/** Where the launcher wants QEMU's control files, and whether this QEMU has seccomp. */
export interface QemuRuntime {
  qmpSocket: string;
  pidFile: string;
  sandbox: boolean;
}

/** QEMU's option parser splits on commas; a literal comma in a value is written twice. */
export function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

// Deny what a benchmark guest never needs: obsolete syscalls, setuid, spawning helpers, changing scheduling.
const SANDBOX = 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny';

function netArgs(machine: QemuSpec['machine'], net: NonNullable<QemuSpec['net']>): string[] {
  const netdev = `user,id=n0,hostfwd=tcp:127.0.0.1:${net.hostPort}-:${net.guestPort}`;
  // microvm has no PCI bus: its NICs sit on virtio-mmio. The PCI NIC's iPXE option ROM only matters for network
  // boot, which direct kernel boot never does, so it is left out unless asked for.
  const device = machine === 'microvm' ? 'virtio-net-device,netdev=n0' : `virtio-net-pci,netdev=n0${net.romfile ? '' : ',romfile='}`;
  return ['-netdev', netdev, '-device', device];
}

function diskArgs(machine: QemuSpec['machine'], disks: string[]): string[] {
  return disks.flatMap((file, i) => {
    const drive = `file=${optionValue(file)},format=raw,snapshot=on`;
    // pc boots from its IDE disk through the BIOS; microvm has neither IDE nor PCI, only virtio-mmio.
    return machine === 'microvm'
      ? ['-drive', `${drive},if=none,id=disk${i}`, '-device', `virtio-blk-device,drive=disk${i}`]
      : ['-drive', `${drive},if=ide,index=${i}`];
  });
}

function validate(spec: QemuSpec): void {
  const problems: string[] = [];
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1) problems.push(`vcpus must be a positive integer, not ${spec.vcpus}`);
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 1) problems.push(`memoryMiB must be a positive integer, not ${spec.memoryMiB}`);
  if (!spec.kernel && (spec.initrd || spec.append)) problems.push('initrd and append need a kernel');
  if (!spec.kernel && !spec.disks?.length) problems.push('nothing to boot: give a kernel or a disk');
  if (spec.net) {
    for (const [key, port] of Object.entries({ hostPort: spec.net.hostPort, guestPort: spec.net.guestPort })) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`net.${key} must be a TCP port, not ${port}`);
    }
  }
  if (problems.length) throw new Error(`QEMU spec "${spec.name}": ${problems.join('; ')}`);
}

/**
 * The QEMU command line for `spec`: no default devices, no display, serial console on stdio, exit instead of
 * reboot (a guest that panics or powers off ends its QEMU). `runtime` adds the QMP socket, pid file and sandbox.
 */
export function qemuArgs(spec: QemuSpec, runtime?: QemuRuntime): string[] {
  validate(spec);
  const args = [
    '-name', `${optionValue(spec.name)},process=${optionValue(spec.name)}`,
    '-machine', spec.machine,
    '-accel', spec.accel,
    '-cpu', spec.cpu,
    '-smp', String(spec.vcpus),
    '-m', String(spec.memoryMiB),
    '-nodefaults', '-nographic', '-no-reboot',
    '-serial', 'stdio',
  ];
  if (spec.kernel) args.push('-kernel', spec.kernel);
  if (spec.initrd) args.push('-initrd', spec.initrd);
  if (spec.append !== undefined) args.push('-append', spec.append);
  if (spec.net) args.push(...netArgs(spec.machine, spec.net));
  if (spec.disks?.length) args.push(...diskArgs(spec.machine, spec.disks));
  if (runtime) {
    args.push('-qmp', `unix:${optionValue(runtime.qmpSocket)},server=on,wait=off`, '-pidfile', runtime.pidFile);
    if (runtime.sandbox) args.push('-sandbox', SANDBOX);
  }
  args.push(...(spec.extraArgs ?? []));
  return args;
}
