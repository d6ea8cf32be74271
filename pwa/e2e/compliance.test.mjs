// The county's filing dossier (备案材料与自评估): reached from the home, every obligation with its
// finding (the unmet ones said so), and the whole dossier downloaded as Markdown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, loginAs, screenshotter } from './helpers.mjs';

let server, browser;
const shot = screenshotter('c7-');

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('filing dossier (备案材料)', () => {
  it('the county opens the self-assessment from its home and downloads the dossier', async () => {
    const page = await newPhonePage(browser, { acceptDownloads: true });
    await loginAs(page, server.url, '13800000001');
    await page.getByTestId('nav-compliance').click();
    await page.waitForURL(/\/compliance$/);
    await page.getByTestId('finding').first().waitFor();
    const statuses = await page.getByTestId('finding').evaluateAll((els) => els.map((e) => e.dataset.status));
    assert.ok(statuses.length >= 10, `every obligation is listed (${statuses.length})`);
    assert.ok(statuses.includes('NOT_MET'), 'unmet obligations are listed as such');
    assert.match(await page.getByTestId('finding').filter({ hasText: '投诉建议' }).innerText(), /已满足/);
    await shot(page, '01-compliance');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compliance-download').click()]);
    assert.match(download.suggestedFilename(), /^备案材料-.+\.md$/);
    const text = readFileSync(await download.path(), 'utf-8');
    assert.match(text, /^# 驻村通备案材料与自评估/);
    assert.match(text, /## 四、第三方组件/);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
});
