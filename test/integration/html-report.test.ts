import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResults, type Results } from '../../suites/results.ts';
import { writeReports } from '../../reports/write.ts';
import { fixtureResults } from '../fixtures-results/build.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../core/host.ts';
import { readResults } from '../../suites/results-io.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const missing = !existsSync(CHROMIUM);
// Locally a missing browser skips with the reason; in CI it fails, since .ci/run installs it.
const skip = missing && !process.env.CI;

interface CanvasCheck {
  id: string;
  width: number;
  height: number;
  painted: number;
  /** Pixels in one of the chart's own dataset colours: the data, not just the axes. */
  dataPixels: number;
  datasets: number;
}

/** Reads every canvas back: how many pixels are painted, and how many in the colours of its datasets. */
function inspectCanvases(): CanvasCheck[] {
  const hex = (c: unknown): number[][] =>
    typeof c === 'string' && /^#[0-9a-f]{6}/i.test(c) ? [[1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16))] : [];
  return [...document.querySelectorAll('canvas')].map((canvas) => {
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Record<string, unknown>[] } } | undefined } }).Chart.getChart(canvas);
    const colours = (chart?.data.datasets ?? []).flatMap((d) =>
      [d.backgroundColor, d.borderColor].flatMap((c) => (Array.isArray(c) ? c.flatMap(hex) : hex(c))),
    );
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    let dataPixels = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! === 0) continue;
      painted++;
      if (data[i + 3]! > 200 && colours.some(([r, g, b]) => Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 24)) {
        dataPixels++;
      }
    }
    return { id: canvas.id, width: canvas.width, height: canvas.height, painted, dataPixels, datasets: chart?.data.datasets.length ?? 0 };
  });
}

describe.skipIf(skip)(`HTML report in Chromium${skip ? ` (skipped: ${CHROMIUM} is absent; apt-get install -y chromium)` : ''}`, () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (missing) throw new Error(`${CHROMIUM} is absent: .ci/run must install it (apt-get install -y chromium)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    dir = await mkdtemp(join(tmpdir(), 'isobench-html-'));
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes the results as a file, reads them back as the CLI would, writes the reports, opens report.html. */
  async function open(name: string, results: Results[]) {
    const parsed = await Promise.all(
      results.map(async (r, i) => {
        const file = join(dir, `${name}-${i}.json`);
        await writeFile(file, JSON.stringify(r));
        return parseResults(await readFile(file, 'utf8'), file);
      }),
    );
    const [html] = await writeReports(parsed, join(dir, name));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`fetched ${r.url()}`);
    });
    await page.goto(pathToFileURL(html!).href, { waitUntil: 'load' });
    const specIds = await page.evaluate(() =>
      (JSON.parse(document.getElementById('isobench-charts')!.textContent!) as { id: string }[]).map((s) => s.id),
    );
    const canvases = await page.evaluate(inspectCanvases);
    await page.screenshot({ path: join(ARTIFACTS, `html-report-${name}.png`), fullPage: true });
    await page.close();
    return { problems, specIds, canvases };
  }

  it('renders every chart of a TCG run, with no console error and nothing fetched', async () => {
    const { problems, specIds, canvases } = await open('tcg', [fixtureResults({ accelerator: 'tcg' })]);
    expect(problems).toEqual([]);
    expect(canvases.map((c) => c.id)).toEqual(specIds);
    expect(canvases.length).toBeGreaterThanOrEqual(12);
    for (const c of canvases) {
      expect(c, c.id).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
      expect(c.width * c.height, `${c.id} has no size`).toBeGreaterThan(0);
      expect(c.datasets, `${c.id} has no chart`).toBeGreaterThan(0);
      expect(c.painted, `${c.id} is blank`).toBeGreaterThan(1000);
      expect(c.dataPixels, `${c.id} shows no data`).toBeGreaterThan(50);
    }
  });

  it('renders a report merging two results files', async () => {
    const { problems, canvases } = await open('merged', [
      fixtureResults({ seed: 1, accelerator: 'tcg' }),
      fixtureResults({ seed: 2, accelerator: 'kvm', commit: 'fedcba9876543210fedcba9876543210fedcba98' }),
    ]);
    expect(problems).toEqual([]);
    for (const c of canvases) expect(c.dataPixels, `${c.id} shows no data`).toBeGreaterThan(50);
  });

  it('renders the report of a real quick run (containers, cold start and memory) with every chart drawn', async () => {
    const out = join(dir, 'real-run');
    const args = ['--import', 'tsx', 'cli/main.ts', 'run', '--quick', '--runner', 'container', '--workload', 'http-hello',
      '--suite', 'cold-start,memory', '--no-install', '--out', out];
    await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
    const results = await readResults(join(out, 'latest', 'results.json'));
    expect(results.cells.map((c) => c.status)).toEqual(['ok', 'ok']);
    const { problems, canvases } = await open('real-run', [results]);
    expect(problems).toEqual([]);
    expect(canvases.length).toBeGreaterThanOrEqual(2);
    for (const c of canvases) expect(c.dataPixels, `${c.id} shows no data`).toBeGreaterThan(50);
  });
});
