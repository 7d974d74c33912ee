import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults } from '../suites/results.ts';
import { renderHtml } from '../reports/html.ts';
import { renderJson, writeReports } from '../reports/index.ts';
import { escapeMarkdownCell, renderMarkdown } from '../reports/markdown.ts';
import { fixtureResults } from './fixtures-results/build.ts';

const embedded = (html: string, id: string): unknown =>
  JSON.parse(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html)![1]!);

describe('renderMarkdown', () => {
  const md = renderMarkdown([fixtureResults()]);

  it('leads with the TCG warning and the environment', () => {
    expect(md.split('\n')[2]).toMatch(/^> ⚠️ \*\*Read this first:\*\* VMs and unikernels ran under TCG/);
    expect(md).toContain('accelerator TCG (TEST FIXTURE: /dev/kvm does not exist on this host)');
  });

  it('has a summary table per suite with medians, intervals and not-run rows with their reason', () => {
    expect(md).toContain('### cold-start');
    expect(md).toContain('| workload | runner | status | how measured | metric | n | median | CI of the median | p95 | cv | notes |');
    const row = md.split('\n').find((l) => l.startsWith('| http-hello | linux-vm | ok |') && l.includes('ready_ms'))!;
    expect(row).toMatch(/\| 10 \| [\d.]+ s \| [\d.]+ s – [\d.]+ s @97\.9% \|/);
    expect(md).toMatch(/\| nginx \| unikraft \| not-run \| .* TEST FIXTURE: no Unikraft image for nginx/);
    expect(md).toMatch(/- http-hello: unikraft is [\d.]+× faster to ready than linux-vm \(95% CI/);
    expect(md).toContain('<details><summary>other cold-start metrics</summary>');
  });

  it('escapes what would break a table or inject HTML', () => {
    expect(escapeMarkdownCell('a|b\nc <img src=x>')).toBe('a\\|b c &lt;img src=x&gt;');
    const results = fixtureResults();
    results.cells.find((c) => c.status === 'not-run')!.reason = 'pipe | here <b>bold</b>';
    expect(renderMarkdown([results])).toContain('pipe \\| here &lt;b&gt;bold&lt;/b&gt;');
  });
});

describe('renderHtml', () => {
  const results = fixtureResults();
  const html = renderHtml([results]);

  it('is one self-contained page: chart.js inlined, nothing fetched, a CSP that forbids fetching', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/);
  });

  it('embeds the results as they are, and a chart spec for every canvas', () => {
    expect(embedded(html, 'isobench-results')).toEqual([JSON.parse(JSON.stringify(results))]);
    const specs = embedded(html, 'isobench-charts') as { id: string }[];
    const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
    expect(specs.map((s) => s.id)).toEqual(canvases);
    expect(new Set(canvases).size).toBe(canvases.length);
    // ready strips, phases, memory, requests/s, latency, density count and 3 curves
    expect(canvases.length).toBeGreaterThanOrEqual(12);
  });

  it('says plainly that TCG times are emulated', () => {
    expect(html).toContain('<strong>Read this first:</strong> VMs and unikernels ran under TCG');
    expect(html).toContain('absolute times are emulated');
  });

  it('escapes every text it shows, in the page and in the embedded JSON', () => {
    const evil = fixtureResults();
    evil.environment.cpuModel = '<img src=x onerror=alert(1)>';
    evil.cells.find((c) => c.status === 'not-run')!.reason = '</script><script>alert(2)</script>';
    const page = renderHtml([evil]);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page).not.toContain('<script>alert(2)');
    expect(embedded(page, 'isobench-results')).toEqual([JSON.parse(JSON.stringify(evil))]);
  });

  it('shows not-run cells with their reason', () => {
    expect(html).toContain('TEST FIXTURE: no Unikraft image for redis; build one with kraft and set runners.unikraft.images.redis');
    expect(html).toContain('<span class="status-not-run">not-run</span>');
  });
});

describe('writeReports', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the four reports, nothing else, and returns their paths', async () => {
    dir = await mkdtemp(join(tmpdir(), 'isobench-reports-'));
    const paths = await writeReports(fixtureResults(), join(dir, 'out'));
    expect(paths.map((p) => p.slice(dir!.length + 5))).toEqual(['report.html', 'samples.csv', 'summary.csv', 'summary.md']);
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['report.html', 'samples.csv', 'summary.csv', 'summary.md']);
    expect(await readFile(paths[3]!, 'utf8')).toContain('## isobench results');
  });
});

describe('renderJson', () => {
  it('is the results, readable back', () => {
    const results = fixtureResults();
    expect(parseResults(renderJson(results), 'test')).toEqual(results);
  });
});
