import { dirname, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ExitCode } from '../../core/exit-codes.ts';
import { readResults } from '../../suites/results-io.ts';
import { writeReports } from '../../reports/index.ts';
import { UsageError } from '../../core/usage-error.ts';
import { defineCommand } from '../args.ts';

/** `isobench report a.json [b.json ...] [--out DIR]`: one comparative report from saved runs. */
export const reportCommand = defineCommand('report', { out: { type: 'string' } }, (values, paths) => report(paths, values.out), { positionals: true });

async function report(paths: string[], out?: string): Promise<number> {
  if (!paths.length) throw new UsageError('report needs at least one results.json');
  const results = await Promise.all(paths.map((p) => readResults(p)));
  const dir = resolve(out ?? dirname(paths[0]!));
  await mkdir(dir, { recursive: true });
  for (const path of await writeReports(results, dir)) process.stdout.write(`${path}\n`);
  return ExitCode.Ok;
}
