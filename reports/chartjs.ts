import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * chart.js's UMD bundle, to inline into the report so that it opens offline. The package's exports map blocks
 * deep imports, so the bundle is found next to the file its main entry resolves to.
 */
export function chartJsSource(): string {
  cached ??= readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return cached;
}
