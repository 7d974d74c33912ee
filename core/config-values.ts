import { z } from 'zod';

// Apart from cli/config.ts: the runners' own sections use them, and config.ts assembles its `runners` section from
// the runner registry.

export const WORKLOAD_NAMES = ['http-hello', 'nginx', 'redis', 'postgres'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export const positiveInt = z.number().int().positive();
export const nonNegativeInt = z.number().int().nonnegative();
/** A memory size in MiB, from 1 MiB to 1 TiB. */
export const mib = z.number().int().min(1).max(1024 * 1024);
