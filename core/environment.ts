import { z } from 'zod';
import { acceleratorSchema } from './label.ts';

/** An engine's version, as the environment record keeps it. */
export const engineVersionSchema = z.object({ version: z.string(), path: z.string().optional() });
export type EngineVersion = z.infer<typeof engineVersionSchema>;

/**
 * Where the numbers came from. `engines`: each engine of the runner registry under its `environmentKey` (null where
 * not used or not there), so that a new engine records itself without a field of its own here.
 */
export const environmentSchema = z.object({
  hostname: z.string(),
  os: z.string(),
  kernel: z.string(),
  cpuModel: z.string(),
  cores: z.number(),
  memoryBytes: z.number(),
  memAvailableBytes: z.number(),
  node: z.string(),
  engines: z.record(z.string(), engineVersionSchema.nullable()),
  accelerator: acceleratorSchema,
  harness: z.object({ version: z.string(), commit: z.string(), dirty: z.boolean() }),
});
export type Environment = z.infer<typeof environmentSchema>;

/** The version `engine` recorded in `environment`, or null. */
export function engineVersion(environment: Environment, engine: { readonly environmentKey: string }): EngineVersion | null {
  return environment.engines[engine.environmentKey] ?? null;
}

/** Results schema version 1 kept the engines' versions in fields of their own, these. */
const V1_ENGINE_FIELDS = ['docker', 'qemu'];

/** A version 1 environment record in today's shape: its engine fields gathered into `engines`. */
export function environmentFromV1(v1: Record<string, unknown>): Record<string, unknown> {
  const engines = Object.fromEntries(V1_ENGINE_FIELDS.map((key) => [key, v1[key] ?? null]));
  const rest = Object.fromEntries(Object.entries(v1).filter(([key]) => !V1_ENGINE_FIELDS.includes(key)));
  return { ...rest, engines };
}
