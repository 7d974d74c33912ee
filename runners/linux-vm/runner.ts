import type { Label } from '../../core/label.ts';
import { memoiseUntilRejected } from '../../core/single-flight.ts';
import { vmInitrd, type VmInitrd } from '../../fixtures/initramfs.ts';
import { buildRootfs, cachedRootfs, type BuiltRootfs } from '../../fixtures/rootfs.ts';
import { EXIT_MARKER, INIT_FAILED_MARKER, INIT_MARKER } from '../../fixtures/vm-init.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import { qemuVmm } from '../qemu/vmm.ts';
import type { Instance, Runner, RunnerContext, StartOptions } from '../types.ts';
import { cleanConsoleText } from '../vm/console.ts';
import { startGuest } from '../vm/guest.ts';
import { vmMemoryNote, type Vmm } from '../vm/vmm.ts';
import type { LinuxVmConfig } from './config.ts';
import { guestKernel, type GuestKernel } from './kernel.ts';

/** Kernel parameters of every Linux VM, each for a reason; they are part of the label. */
const KERNEL_PARAMETERS: [string, string][] = [
  ['console=ttyS0', 'the serial port QEMU hands to isobench'],
  ['quiet', 'only warnings and errors: every console byte is an emulated UART write, slow under TCG'],
  ['panic=-1', 'a panicking guest reboots at once, which -no-reboot turns into a QEMU exit: the trial fails instead of hanging'],
];

export function kernelCommandLine(): string {
  return KERNEL_PARAMETERS.map(([p]) => p).join(' ');
}

const PANIC = /Kernel panic - not syncing:[^\r\n]*\r?\n/;
/** Any console line that means the guest will never serve. */
const FAILURE = new RegExp([PANIC, INIT_FAILED_MARKER, EXIT_MARKER].map((r) => r.source).join('|'));

/** The most specific reason the console gives for a failed start, else `fallback`. */
export function vmFailureReason(consoleText: string, fallback: string): string {
  const text = cleanConsoleText(consoleText);
  const panic = PANIC.exec(text);
  if (panic) return panic[0].trim();
  const initFailed = INIT_FAILED_MARKER.exec(text);
  if (initFailed) return `init could not set up the guest: ${initFailed[1]}`;
  const exited = EXIT_MARKER.exec(text);
  if (exited) return `the workload's command exited with status ${exited[1]} (the VM powered off)`;
  return fallback;
}

/** Guest memory for `w`: the start option, else the workload's own setting, the runner-wide one, the workload default. */
export function guestMemoryMiB(config: LinuxVmConfig, w: Workload, override?: number): number {
  return override ?? config.workloadMemoryMiB[w.name] ?? config.memoryMiB ?? w.vmMemoryMiB;
}

interface Prepared {
  kernel: GuestKernel;
  built: BuiltRootfs;
  initrd: VmInitrd;
}

/** Linux VMs under QEMU: Debian's cloud kernel, the workload rootfs as initramfs, a tiny init that starts the workload. */
export function createLinuxVmRunner(opts: RunnerContext<LinuxVmConfig>): Runner<'linux-vm'> {
  const { cacheDir, config, accelerator } = opts;
  const vmm = qemuVmm({ accelerator, machine: config.machine });
  // Keyed by the workload object: a variant with the same name (another command) gets its own initrd.
  // A failed preparation (e.g. a network hiccup) may be retried.
  const prepared = memoiseUntilRejected<Workload, Prepared>();
  let kernelVersion: string | undefined;

  const prepare = (w: Workload, signal?: AbortSignal): Promise<Prepared> =>
    prepared(w, async () => {
      const kernel = await guestKernel(config.kernel, cacheDir, signal);
      const built = await buildRootfs(w, { cacheDir, signal, log: opts.log });
      const initrd = await vmInitrd({ built, workload: w, kernel, machine: config.machine, cacheDir });
      const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
      opts.log?.(
        `linux-vm ${w.name}: kernel ${kernel.version}, initrd ${mib(initrd.rootfsBytes + initrd.layerBytes)} ` +
          `(rootfs ${mib(initrd.rootfsBytes)} + VM layer ${mib(initrd.layerBytes)}: init, ${initrd.modules.join(', ')})`,
      );
      kernelVersion = kernel.version;
      return { kernel, built, initrd };
    });

  return {
    name: 'linux-vm',

    async availability() {
      if (config.machine === 'microvm' && !config.kernel) {
        return {
          ok: false,
          reason:
            "Debian's cloud kernel does not boot on QEMU's microvm machine: under TCG it hangs calibrating its clock " +
            '(microvm has no PIT/HPET reference), and it finds no virtio-mmio NIC',
          fix: "set runners['linux-vm'].machine to 'pc', or give a microvm-ready kernel in runners['linux-vm'].kernel",
        };
      }
      return vmm.availability();
    },

    label(w, options): Label {
      return {
        accelerator,
        machine: vmm.machine,
        guestMemoryMiB: guestMemoryMiB(config, w, options?.memoryMiB),
        vcpus: config.vcpus,
        rootfsHash: cachedRootfs(w, cacheDir)?.hash,
        notes: [
          `kernel ${kernelVersion ?? (config.kernel ? config.kernel.path : 'Debian linux-image-cloud-amd64')}, command line "${kernelCommandLine()}"`,
          `cpu model ${vmm.cpu}`,
          vmMemoryNote(vmm),
        ],
      };
    },

    async prepare(w, signal) {
      await prepare(w, signal);
    },

    async start(w, options) {
      // Not timed: cached after the first call.
      return startVm(w, await prepare(w, options.signal), config, vmm, options);
    },
  };
}

function startVm(w: Workload, p: Prepared, config: LinuxVmConfig, vmm: Vmm, options: StartOptions): Promise<Instance> {
  return startGuest(
    {
      runner: 'linux-vm',
      workload: w,
      what: `${w.name} VM`,
      vmm,
      vm: {
        vcpus: config.vcpus,
        memoryMiB: guestMemoryMiB(config, w, options.memoryMiB),
        kernel: p.kernel.kernel,
        initrd: p.initrd.path,
        cmdline: kernelCommandLine(),
      },
      guestPort: w.port,
      failure: { pattern: FAILURE },
      async afterSpawn({ vm, instance, requested, remaining, signal }) {
        const init = await vm.console.waitFor(INIT_MARKER, { timeoutMs: remaining(), signal, what: 'init started (its ISOBENCH-INIT line)' });
        instance.phases.firstOutput = (vm.console.firstByteAt ?? init.at) - requested;
        instance.phases.kernelInit = init.at - requested;
        instance.guestUptimeAtInitS = Number(init.match[1]);
      },
      diagnose: (error, vm) => vmFailureReason(vm.console.text(), error.message),
    },
    options,
  );
}
