import { z } from 'zod';
import { minMemorySchema } from './min-memory.ts';

/** What a memory cell sums up in `extra`: the search for the smallest guest memory the workload works in. */
export const memoryExtra = z.object({ minMemory: minMemorySchema });
