// The documentation pages in a real browser (Debian's chromium driven by playwright-core): Swagger
// UI renders every operation of the version's document, v1's as deprecated under its sunset
// banner, and the page asks nothing of any host but the app — it works offline.
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApiDocuments } from '../../app/api/openapi/documents.ts';
import { startTestApp, type TestApp } from '../support/app-server.ts';
import { describeWithTool } from '../support/tools.ts';

const documents = buildApiDocuments();

describeWithTool('chromium', (chromiumPath) => {
  let app: TestApp;
  let browser: Awaited<ReturnType<typeof chromium.launch>>;

  beforeAll(async () => {
    app = await startTestApp(undefined);
    browser = await chromium.launch({ executablePath: chromiumPath });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each(['v1', 'v2'] as const)('renders the %s documentation from the app alone', async (id) => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    const failures: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(app.url) && !request.url().startsWith('data:'))
        foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });
    page.on('pageerror', (error) => failures.push(error.message));
    try {
      await page.goto(`${app.url}/api/${id}/docs`);
      const operations = page.locator('.opblock');
      // Swagger UI shows an operation once under each of its tags (the negotiated twin of an
      // operation is tagged twice: its resource, and `negotiated`).
      const methods = new Set([
        'get',
        'put',
        'post',
        'delete',
        'options',
        'head',
        'patch',
        'trace',
      ]);
      const expected = Object.values(documents[id].openapi31.paths ?? {})
        .flatMap((item) => Object.entries(item ?? {}))
        .filter(([method]) => methods.has(method))
        .reduce(
          (sum, [, operation]) =>
            sum + Math.max(1, (operation as { tags?: string[] }).tags?.length ?? 0),
          0,
        );
      await expect.poll(() => operations.count(), { timeout: 15_000 }).toBe(expected);
      const deprecated = await page.locator('.opblock-deprecated').count();
      expect(deprecated).toBe(id === 'v1' ? expected : 0);
      expect(await page.locator('#sunset').count()).toBe(id === 'v1' ? 1 : 0);
      expect(foreign).toEqual([]);
      expect(failures).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
