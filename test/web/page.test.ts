import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import t from 'tap';
import { loadConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import type { ClassifyResponse } from '../../src/service/index.js';
import { openCpuClassifier, silentLogger } from '../support/cpu-classifier.js';
import { fixture, FIXTURES, ROOT } from '../support/fixtures.js';

/** Debian's chromium (.ci/run installs it); Playwright's own browser download is unreachable here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Set SCREENSHOTS=1 to refresh the README's picture of the page. */
const SCREENSHOT = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/images/web-page.png') : null;

if (!existsSync(CHROMIUM)) {
  t.skip(`the web page test needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`, async () => {});
} else {
  const classifier = await openCpuClassifier();
  t.teardown(() => classifier.close());
  const app = await buildApp(classifier, loadConfig([], {}).config, silentLogger);
  t.teardown(() => app.close());
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const KEY = 'page-test-key-0123456789';
  const lockedApp = await buildApp(classifier, { ...loadConfig([], {}).config, apiKeys: [KEY] }, silentLogger);
  t.teardown(() => lockedApp.close());
  const lockedBase = await lockedApp.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.teardown(() => browser.close());

  t.test('the page at /: status, untrained banner, upload two images, labels and scores, heatmap on request', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('blob:')) external.push(request.url());
    });
    await page.goto(`${base}/`);
    await page.locator('#status[data-device]').waitFor();
    t.match(await page.locator('#status').textContent(), /leukoserve-inception-v3 .*untrained.* on CPU/);
    t.equal(await page.locator('#untrained').isVisible(), true, 'the untrained banner shows: manifest trained=false');

    const files = [FIXTURES.all1, FIXTURES.hem1].map((f) => path.join(ROOT, 'test/fixtures/images', f));
    await page.locator('#files').setInputFiles(files);
    const results = page.locator('.result[data-label]');
    await t.resolves(results.nth(1).waitFor({ timeout: 120_000 }));
    t.equal(await results.count(), 2);

    // What the page shows equals what the API answers for the same bytes.
    for (const name of ['all1', 'hem1'] as const) {
      const { filename, bytes } = fixture(name);
      const api = (await app.inject({ method: 'POST', url: '/classify', headers: { 'content-type': 'image/bmp' }, payload: bytes })).json<ClassifyResponse>().predictions[0]!;
      const item = page.locator('.result', { hasText: filename });
      t.equal(await item.getAttribute('data-label'), api.label, `${filename}: label ${api.label}`);
      t.match(await item.locator('.label').textContent(), `${api.label} ${(api.score * 100).toFixed(1)} %`);
      t.match(await item.locator('.scores').textContent(), `ALL${api.scores.ALL!.toFixed(4)}`);
    }

    const first = page.locator('.result', { hasText: fixture('all1').filename });
    await first.locator('button.explain').click();
    const heatmap = first.locator('.heatmap img');
    await heatmap.waitFor({ timeout: 300_000 });
    type Img = { complete: boolean; naturalWidth: number };
    await page.waitForFunction((img) => (img as unknown as Img).complete && (img as unknown as Img).naturalWidth > 0, await heatmap.elementHandle());
    t.equal(await heatmap.evaluate((img) => (img as unknown as Img).naturalWidth), 598, 'the heatmap PNG loaded');
    t.match(await first.locator('.heatmap figcaption').textContent(), /122 inferences/);
    t.same(external, [], 'nothing is fetched from outside the service');
    if (SCREENSHOT !== null) {
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
  });

  t.test('with API_KEYS set: the page loads without a key, asks for one, then uses it', async (t) => {
    const page = await browser.newPage();
    await page.goto(`${lockedBase}/`);
    await page.locator('#key').waitFor();
    t.match(await page.locator('#status').textContent(), /needs an API key/);
    await page.locator('#key input').fill(KEY);
    await page.locator('#key button').click();
    await page.locator('#status[data-device]').waitFor();
    t.match(await page.locator('#status').textContent(), /on CPU/);
    t.equal(await page.locator('#key').isVisible(), false);
  });
}
