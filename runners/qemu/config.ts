import { z } from 'zod';

/** The QEMU machine type: `pc` (PCI, firmware) or `microvm` (virtio-mmio, no firmware, faster to boot). */
export const machineSchema = z.enum(['pc', 'microvm']);
/** `auto`: KVM when a probe guest boots under it, else TCG (labelled); `kvm` fails instead of falling back. */
export const accelSchema = z.enum(['auto', 'kvm', 'tcg']);
