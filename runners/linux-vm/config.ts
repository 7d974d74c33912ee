import { z } from 'zod';
import { mib, positiveInt, WORKLOAD_NAMES } from '../../core/config-values.ts';
import { accelSchema, machineSchema } from '../qemu/config.ts';

/** `runners['linux-vm']` in the config. */
export const linuxVmConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    accel: accelSchema.default('auto'),
    machine: machineSchema.default('pc'),
    vcpus: positiveInt.max(64).default(1),
    /** Guest memory for every workload (default: each workload's own vmMemoryMiB), and per workload. */
    memoryMiB: mib.optional(),
    workloadMemoryMiB: z.partialRecord(z.enum(WORKLOAD_NAMES), mib).default({}),
    /** A kernel of your own instead of Debian's linux-image-cloud-amd64 (with the modules folder it needs). */
    kernel: z.strictObject({ path: z.string().min(1), modulesDir: z.string().min(1) }).optional(),
  })
  .prefault({});
export type LinuxVmConfig = z.output<typeof linuxVmConfigSchema>;
