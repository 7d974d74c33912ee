import { z } from 'zod';
import { mib, WORKLOAD_NAMES } from '../../core/config-values.ts';
import { accelSchema, machineSchema } from '../qemu/config.ts';

/** One Unikraft image for one workload: what the user built with kraft or by hand. */
export const unikraftImageSchema = z.strictObject({
  /** Path to the Unikraft kernel image (ELF, or the `.dbg`-less image kraft leaves in `.unikraft/build/`). */
  kernel: z.string().min(1),
  /** A cpio initrd, or `workload-rootfs` to pack the workload's own rootfs (app-elfloader images). */
  initrd: z.string().min(1).optional(),
  /** Library parameters placed before `--` on the kernel command line. */
  libParams: z.array(z.string()).default([]),
  /** Application arguments placed after `--`. */
  appArgs: z.array(z.string()).default([]),
  /** Environment passed as `env.vars=[ "K=V" ]`. */
  env: z.record(z.string(), z.string()).default({}),
  /** Port the application listens on inside the guest; defaults to the workload's port. */
  guestPort: z.number().int().min(1).max(65535).optional(),
  memoryMiB: mib.default(64),
  machine: machineSchema.default('pc'),
  /** Set only for a non-Unikraft kernel booted through this runner by the tests; it is labelled as such. */
  standIn: z.string().min(1).optional(),
});
export type UnikraftImageConfig = z.infer<typeof unikraftImageSchema>;

/** `runners.unikraft` in the config. */
export const unikraftConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    accel: accelSchema.default('auto'),
    /**
     * An app-elfloader kernel (file, or the kraft project folder that built it): every workload without an image of
     * its own in `images` runs on it, with its own rootfs as the initrd and guest memory sized from that cpio.
     */
    elfloader: z.string().min(1).optional(),
    images: z.partialRecord(z.enum(WORKLOAD_NAMES), unikraftImageSchema).default({}),
  })
  .prefault({});
export type UnikraftConfig = z.output<typeof unikraftConfigSchema>;
