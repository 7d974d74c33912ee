import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, parseConfig, type Config } from './config.ts';
import { REPO_ROOT } from '../core/host.ts';

/**
 * Loads and validates a bench.config.ts: the one given, else the one in the current folder, else the embedded
 * default suite shipped with isobench.
 */
let resolverRegistered = false;

export async function loadConfig(path?: string): Promise<{ config: Config; source: string }> {
  const candidate = path ? resolve(path) : resolve('bench.config.ts');
  const source = path || existsSync(candidate) ? candidate : join(REPO_ROOT, 'bench.config.ts');
  if (!existsSync(source)) throw new ConfigError(`${source}: no such config file (give one with --config FILE)`);
  if (!resolverRegistered) {
    register('./config-resolver.mjs', import.meta.url);
    resolverRegistered = true;
  }
  let raw: unknown;
  try {
    const mod = (await import(pathToFileURL(source).href)) as { default?: unknown };
    raw = mod.default;
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    // A CommonJS config (a folder without "type": "module") resolves `isobench` through node_modules only.
    const hint = /Cannot find module 'isobench'/.test(first ?? '')
      ? `; install isobench beside it (npm install --save-dev isobench) or add "type": "module" to the package.json of its folder`
      : '';
    throw new ConfigError(`${source}: could not be loaded: ${first}${hint}`);
  }
  if (raw === undefined) throw new ConfigError(`${source}: has no default export (export default defineConfig({...}))`);
  return { config: parseConfig(raw, source), source };
}
