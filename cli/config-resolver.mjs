// Module resolve hook: `import { defineConfig } from 'isobench'` in a config file anywhere on disk (a temp folder,
// a testbed's own repository without isobench in its node_modules) resolves to this copy of isobench.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'isobench') return nextResolve(new URL('./index.ts', import.meta.url).href, context);
  return nextResolve(specifier, context);
}
