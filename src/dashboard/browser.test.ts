import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Callback } from '../callbacks/callback.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Dashboard } from './dashboard-callback.js';

// Drives Debian's Chromium (apt package `chromium`, installed by .ci/run) with playwright-core,
// which downloads nothing when given the executable. No Chromium is a failure, never a skip.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Calls `onEpoch` after each epoch's files are written, and waits for it (so the page can catch up). */
class AfterEpoch extends Callback {
  constructor(private readonly onEpoch: (epoch: number) => Promise<void>) {
    super();
  }
  override async onEpochEnd(epoch: number): Promise<void> {
    await this.onEpoch(epoch + 1);
  }
}

/** Points the chart for `key` holds for the series of run `label` (non-null values). */
function points(page: Page, key: string, label: string): Promise<number> {
  return page.evaluate(
    ([k, l]) => {
      const c = (
        globalThis as unknown as {
          dashboardCharts: Map<string, { plot: { series: { label: string }[]; data: unknown[][] } }>;
        }
      ).dashboardCharts.get(k!);
      if (!c) return 0;
      const i = c.plot.series.findIndex((s) => s.label === l);
      return i < 0 ? 0 : c.plot.data[i]!.filter((v) => v !== null && v !== undefined).length;
    },
    [key, label],
  );
}

describe('dashboard in a real browser', () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const root = mkdtempSync(join(tmpdir(), 'tensile-dash-browser-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium); .ci/run does`,
      );
    profile = mkdtempSync(join(tmpdir(), 'tensile-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1000, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows curves growing as a real fit writes epochs, then the finished run with its best epoch and report', async () => {
    const x = tensor([
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
      [0.5, 0.2],
      [0.1, 0.9],
    ]);
    const y = tensor([[1], [0], [1], [0], [0.3], [0.8]]);
    const fit = async (epochs: number, dash: Dashboard, onEpoch: (e: number) => Promise<void>) => {
      const model = new Sequential([new Dense(4, { inputShape: [2], activation: 'tanh' }), new Dense(1)]);
      model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
      return model.fit(x, y, {
        epochs,
        batchSize: 2,
        verbose: 0,
        validationData: [x, y],
        callbacks: [dash, new AfterEpoch(onEpoch)],
      });
    };

    // First run: after every epoch, the page must show exactly that many points, pushed over SSE.
    const first = new Dashboard({ dir: root, run: 'baseline', port: 0 });
    const seen: number[] = [];
    let opened = false;
    const history = await fit(5, first, async (epoch) => {
      if (!opened) {
        await page.goto(first.url!);
        opened = true;
      }
      await expect.poll(() => points(page, 'loss', 'baseline'), { timeout: 10_000 }).toBe(epoch);
      seen.push(await points(page, 'val_loss', 'baseline'));
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const row = page.locator('tr[data-run="baseline"]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
    const val = history.history.val_loss!;
    const best = val.indexOf(Math.min(...val)) + 1;
    expect(await row.locator('td.best-epoch').textContent()).toBe(String(best));
    expect(await row.locator('td').nth(3).textContent()).toBe('5/5');

    // A second run joins the same page while the first stays; stop it mid-way to see 'running'.
    const second = new Dashboard({ dir: root, run: 'wider', serve: false });
    await fit(3, second, async (epoch) => {
      if (epoch === 2) {
        await expect.poll(() => points(page, 'loss', 'wider'), { timeout: 10_000 }).toBe(2);
        await expect
          .poll(() => page.locator('tr[data-run="wider"]').getAttribute('data-status'))
          .toBe('running');
      }
    });
    await expect
      .poll(() => page.locator('tr[data-run="wider"]').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('done');

    // The report link appears once report.html exists, and opens the file.
    writeFileSync(join(root, 'report.html'), '<!doctype html><title>report</title><h1>Study report</h1>');
    const link = page.locator('tr[data-run="baseline"] a', { hasText: 'report' });
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1);
    expect(
      await page.locator('[data-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))),
    ).toEqual(['loss', 'val_loss', 'mae', 'val_mae']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await link.click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Study report');
    await first.close();
  }, 120_000);
});
