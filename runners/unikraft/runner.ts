import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import type { Accelerator, Label } from '../../core/label.ts';
import { memoiseUntilRejected } from '../../core/single-flight.ts';
import { rootfsCpio } from '../../fixtures/initramfs.ts';
import { buildRootfs, cachedRootfs } from '../../fixtures/rootfs.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import { qemuVmm } from '../qemu/vmm.ts';
import type { Instance, Phases, Runner, RunnerContext, StartOptions } from '../types.ts';
import type { ConsoleLog } from '../vm/console.ts';
import { startGuest } from '../vm/guest.ts';
import { vmMemoryNote, type Vmm } from '../vm/vmm.ts';
import { unikraftCmdline, unikraftCpu } from './cmdline.ts';
import { unikraftImageSchema, type UnikraftConfig, type UnikraftImageConfig } from './config.ts';
import { BANNER_PATTERN, diagnoseConsole, parseUnikraftConsole, PROBLEM_PATTERN, type UnikraftBanner } from './console.ts';
import { elfloaderCannotRun, elfloaderMemoryMiB } from './elfloader.ts';
import { checkInitrd, checkKernel, ImageError, locateKraftBuild, type KernelFormat } from './image.ts';

/** `initrd` value that packs the workload's own rootfs (for app-elfloader images, which run its Linux binaries). */
export const WORKLOAD_ROOTFS = 'workload-rootfs';
/** After a console line that means failure, the guest gets this long to print the rest of its story. */
const PROBLEM_SETTLE_MS = 300;

/** A workload's image as the config describes it, checked and with its command line composed. Not timed. */
export interface ResolvedImage {
  config: UnikraftImageConfig;
  kernel: string;
  format: KernelFormat;
  /** A cpio file, WORKLOAD_ROOTFS (packed in `prepare`), or none (no initrd or one embedded in the kernel). */
  initrd?: string;
  /** Where it came from, for the label: "kraft project <dir>" or the kernel path. */
  source: string;
  append: string;
  guestPort: number;
}

async function isExecutableOnPath(command: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (await access(join(dir, command), constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

/**
 * Checks a workload's image config and composes its command line: kernel (or the kernel a kraft project built),
 * initrd, arguments. Throws ImageError or CmdlineError saying what is wrong and what to set.
 */
export async function resolveImage(w: Workload, image: UnikraftImageConfig): Promise<ResolvedImage> {
  const configured = resolve(image.kernel);
  let kernel = configured;
  let kraftInitrd: string | undefined;
  let source = configured;
  if ((await stat(configured).catch(() => undefined))?.isDirectory()) {
    const built = await locateKraftBuild(configured, { kraftOnPath: await isExecutableOnPath('kraft') });
    if (!built) {
      throw new ImageError(
        `${configured} is a folder but not a kraft project (it has no Kraftfile): set runners.unikraft.images.${w.name}.kernel ` +
          `to a kraft project folder or to the kernel file itself`,
      );
    }
    ({ kernel, initrd: kraftInitrd } = built);
    source = `kraft project ${configured}`;
  }
  const format = await checkKernel(kernel);

  const initrd = image.initrd === WORKLOAD_ROOTFS ? WORKLOAD_ROOTFS : image.initrd ? resolve(image.initrd) : kraftInitrd;
  if (initrd && initrd !== WORKLOAD_ROOTFS) await checkInitrd(initrd, { compressedOk: image.standIn !== undefined });

  // An app-elfloader image runs the workload's own binary: by default the command and environment of its container.
  const ownRootfs = initrd === WORKLOAD_ROOTFS;
  const appArgs = image.appArgs.length === 0 && ownRootfs ? w.command : image.appArgs;
  const env = ownRootfs ? { ...w.env, ...image.env } : image.env;
  const append = unikraftCmdline({ libParams: image.libParams, appArgs, env, rootFromInitrd: initrd !== undefined });
  return { config: image, kernel, format, ...(initrd && { initrd }), source, append, guestPort: image.guestPort ?? w.port };
}

/** The image a workload boots: one of its own (`images`), or the shared app-elfloader with the workload rootfs. */
interface ImageChoice {
  config: UnikraftImageConfig;
  sharedElfloader: boolean;
}

/** The image `w` boots with this config, if any. */
export function imageFor(config: Pick<UnikraftConfig, 'images' | 'elfloader'>, w: Workload): ImageChoice | undefined {
  const own = config.images[w.name];
  if (own) return { config: own, sharedElfloader: false };
  if (config.elfloader) return { config: unikraftImageSchema.parse({ kernel: config.elfloader, initrd: WORKLOAD_ROOTFS }), sharedElfloader: true };
  return undefined;
}

/** Whether this config gives `w` an image that can run it, before any host check: what a run will measure. */
export function configuresImage(config: Pick<UnikraftConfig, 'images' | 'elfloader'>, w: Workload): boolean {
  const choice = imageFor(config, w);
  return choice !== undefined && !(choice.sharedElfloader && elfloaderCannotRun(w));
}

interface Prepared {
  image: ResolvedImage;
  /** The initrd file QEMU loads, once the workload rootfs is packed. */
  initrd?: string;
  /** Guest memory unless a start asks for another: the image's, or for the shared elfloader sized from the cpio. */
  memoryMiB: number;
  sharedElfloader: boolean;
}

/** The VMM an image boots under: QEMU, its machine, the CPU model Unikraft wants. */
function vmmFor(image: UnikraftImageConfig, accelerator: Accelerator): Vmm {
  return qemuVmm({ accelerator, machine: image.machine, cpuModel: unikraftCpu });
}

/** The config key a user raises when the guest runs out of memory. */
function memoryKey(w: Workload, sharedElfloader: boolean): string {
  const key = `runners.unikraft.images.${w.name}`;
  return sharedElfloader ? `${key} = { kernel: <the elfloader>, initrd: '${WORKLOAD_ROOTFS}', memoryMiB }` : `${key}.memoryMiB`;
}

/**
 * Unikraft unikernels under QEMU, from images users bring (built with kraft). Without an image for a workload its
 * cells are "not run", with how to make one. A `standIn` image (tests only) is labelled as not being Unikraft.
 */
export function createUnikraftRunner(opts: RunnerContext<UnikraftConfig>): Runner<'unikraft'> {
  const { cacheDir, config, accelerator } = opts;
  /** Images resolved so far, for the label (which cannot wait). */
  const resolved = new Map<string, ResolvedImage>();
  // The user may fix the file and try again in the same process.
  const resolving = memoiseUntilRejected<string, ResolvedImage>((name, image) => resolved.set(name, image));
  /** The banner of the last boot of each workload's image, for the label. */
  const banners = new Map<string, UnikraftBanner>();

  const resolveOnce = (w: Workload, image: UnikraftImageConfig): Promise<ResolvedImage> =>
    resolving(w.name, () => resolveImage(w, image));

  const chooseImage = (w: Workload) => imageFor(config, w);

  const imageOf = (w: Workload): ImageChoice => {
    const choice = chooseImage(w);
    if (!choice) throw new ImageError(`no Unikraft image configured for ${w.name}`);
    return choice;
  };

  /** Guest memory of each prepared workload, for the label (which cannot wait). */
  const preparedMemory = new Map<string, number>();
  const prepared = memoiseUntilRejected<string, Prepared>((name, p) => preparedMemory.set(name, p.memoryMiB));

  const prepare = (w: Workload, signal?: AbortSignal): Promise<Prepared> =>
    prepared(w.name, async () => {
      const { config: imageConfig, sharedElfloader } = imageOf(w);
      const image = await resolveOnce(w, imageConfig);
      if (image.initrd !== WORKLOAD_ROOTFS) {
        return { image, ...(image.initrd && { initrd: image.initrd }), memoryMiB: imageConfig.memoryMiB, sharedElfloader };
      }
      const built = await buildRootfs(w, { cacheDir, signal, log: opts.log });
      const initrd = await rootfsCpio(built, cacheDir);
      const memoryMiB = sharedElfloader ? elfloaderMemoryMiB((await stat(initrd)).size) : imageConfig.memoryMiB;
      opts.log?.(`unikraft ${w.name}: initrd is the workload rootfs ${built.hash.slice(0, 12)} (${initrd}), guest memory ${memoryMiB} MiB`);
      return { image, initrd, memoryMiB, sharedElfloader };
    });

  return {
    name: 'unikraft',

    async availability(w) {
      const choice = chooseImage(w);
      if (!choice) {
        return {
          ok: false,
          reason: `no Unikraft image configured for ${w.name}`,
          fix:
            'set runners.unikraft.elfloader in bench.config.ts to an app-elfloader kernel, which runs every workload from ' +
            `its own rootfs, or give ${w.name} an image of its own in runners.unikraft.images.${w.name} (see docs/unikraft.md)`,
        };
      }
      // Known before booting: a shared elfloader boot would only end in the console line that says so.
      const cannot = choice.sharedElfloader ? elfloaderCannotRun(w) : undefined;
      if (cannot) {
        return {
          ok: false,
          reason: cannot,
          fix: `only an image built for ${w.name} itself could run it (runners.unikraft.images.${w.name}); none is known to work with Unikraft 0.16.3`,
        };
      }
      const vmm = vmmFor(choice.config, accelerator);
      if (accelerator.kind === 'none') {
        return { ok: false, reason: `no accelerator decided for ${vmm.name}: ${accelerator.reason}`, fix: 'run isobench doctor' };
      }
      const installed = await vmm.availability();
      if (!installed.ok) return installed;
      try {
        await resolveOnce(w, choice.config);
        return { ok: true };
      } catch (error) {
        const key = choice.sharedElfloader ? 'runners.unikraft.elfloader' : `runners.unikraft.images.${w.name}`;
        return { ok: false, reason: (error as Error).message, fix: `fix ${key} in bench.config.ts (see docs/unikraft.md)` };
      }
    },

    label(w, options): Label {
      const choice = chooseImage(w);
      if (!choice) return { accelerator, notes: [`no Unikraft image configured for ${w.name}`] };
      const { config: image, sharedElfloader } = choice;
      const vmm = vmmFor(image, accelerator);
      const banner = banners.get(w.name);
      const r = resolved.get(w.name);
      const ownRootfs = image.initrd === WORKLOAD_ROOTFS;
      const kernel = r ? `${r.kernel} (${r.format}${r.source === r.kernel ? '' : `, from ${r.source}`})` : image.kernel;
      const notes = [
        ...(image.standIn
          ? [`STAND-IN: ${image.standIn}, booted through the unikraft runner to test it; this is not Unikraft and is no Unikraft result`]
          : []),
        `kernel ${kernel}${banner ? `: Unikraft ${banner.codename} ${banner.version} (from its boot banner)` : ''}`,
        ...(sharedElfloader ? ['the shared app-elfloader (runners.unikraft.elfloader); guest memory sized from the initrd: 2 × the cpio + 32 MiB, in steps of 8 MiB'] : []),
        ...(ownRootfs ? ['initrd: the workload rootfs (the binaries the container runs)'] : r?.initrd ? [`initrd ${r.initrd}`] : []),
        ...(r ? [`command line "${r.append}"`] : []),
        `cpu model ${vmm.cpu}; static guest address (netdev.ip), no DHCP`,
        vmMemoryNote(vmm),
      ];
      return {
        accelerator,
        machine: vmm.machine,
        // A shared-elfloader guest's memory is known once its cpio is packed; a cell never prepared has none.
        guestMemoryMiB: options?.memoryMiB ?? preparedMemory.get(w.name) ?? (sharedElfloader ? undefined : image.memoryMiB),
        vcpus: 1,
        ...(ownRootfs && { rootfsHash: cachedRootfs(w, cacheDir)?.hash }),
        ...(image.standIn && { standIn: image.standIn }),
        notes,
      };
    },

    async prepare(w, signal) {
      await prepare(w, signal);
    },

    async start(w, options) {
      // Not timed: cached after the first call.
      const p = await prepare(w, options.signal);
      return startUnikernel(w, p, vmmFor(p.image.config, accelerator), options, (banner) => banners.set(w.name, banner));
    },
  };
}

function startUnikernel(
  w: Workload,
  p: Prepared,
  vmm: Vmm,
  options: StartOptions,
  onBanner: (banner: UnikraftBanner) => void,
): Promise<Instance> {
  const { image } = p;
  const memoryMiB = options.memoryMiB ?? p.memoryMiB;
  return startGuest(
    {
      runner: 'unikraft',
      workload: w,
      what: image.config.standIn ? `${w.name} stand-in (${image.config.standIn}, not Unikraft)` : `${w.name} unikernel`,
      vmm,
      vm: {
        vcpus: 1,
        memoryMiB,
        kernel: image.kernel,
        ...(p.initrd && { initrd: p.initrd }),
        cmdline: image.append,
      },
      guestPort: image.guestPort,
      failure: { pattern: PROBLEM_PATTERN, describe: (problem) => `the console shows a problem: ${problem}`, settleMs: PROBLEM_SETTLE_MS },
      async afterReady({ vm, instance, requested }) {
        Object.assign(instance.phases, await consolePhases(vm.console, requested));
        const { banner } = parseUnikraftConsole(vm.console.text());
        if (banner) onBanner(banner);
      },
      async diagnose(error, vm, endedByItself) {
        const diagnosis = diagnoseConsole(vm.console.text(), {
          workload: w.name,
          accel: vmm.accel,
          memoryMiB,
          memoryKey: memoryKey(w, p.sharedElfloader),
          guestPort: image.guestPort,
          standIn: image.config.standIn !== undefined,
        });
        if (!endedByItself) return diagnosis ?? error.message;
        const end = await vm.ending();
        return diagnosis ? `${diagnosis}; ${end}` : `the guest stopped before it was ready (${end}): see the console tail`;
      },
    },
    options,
  );
}

/**
 * firstOutput and banner (ms after `requested`), from when the console received them; the banner only when the
 * image printed one. Called once the guest is ready, when the banner is on the console if it ever will be.
 */
export async function consolePhases(console: ConsoleLog, requested: number): Promise<Phases> {
  // The wait only looks the match up, with the arrival time of the chunk that completed it.
  const banner = await console.waitFor(BANNER_PATTERN, { timeoutMs: 1 }).catch(() => undefined);
  return {
    ...(console.firstByteAt !== undefined && { firstOutput: console.firstByteAt - requested }),
    ...(banner && { banner: banner.at - requested }),
  };
}
