import { join } from 'node:path';
import { writeFilesAtomic } from '../core/atomic.ts';
import type { Results } from '../suites/results.ts';
import { renderCsv } from './csv.ts';
import { renderHtmlFromModel } from './html.ts';
import { renderMarkdownFromModel } from './markdown.ts';
import { buildReportModel } from './model.ts';

export const REPORT_FILES = ['report.html', 'samples.csv', 'summary.csv', 'summary.md'] as const;

/**
 * Writes report.html, samples.csv, summary.csv and summary.md into `dir`, each atomically (a reader never sees
 * half a file), and returns their paths. Several results (hosts, commits) make one comparative report.
 */
export async function writeReports(results: Results | readonly Results[], dir: string): Promise<string[]> {
  const all: readonly Results[] = Array.isArray(results) ? results : [results as Results];
  const model = buildReportModel(all);
  const csv = renderCsv(all);
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'report.html': renderHtmlFromModel(model, all),
    'samples.csv': csv.samples,
    'summary.csv': csv.summary,
    'summary.md': renderMarkdownFromModel(model),
  };
  const paths = REPORT_FILES.map((name) => join(dir, name));
  await writeFilesAtomic(REPORT_FILES.map((name, i) => [paths[i]!, contents[name]] as const));
  return paths;
}
