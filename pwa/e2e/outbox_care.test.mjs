// Keeping unsent records safe (issue "the phone"): the outbox shows what is left and its size,
// whether the browser promised to keep it, exports every unsent item with its photos to a file, and
// a file imported on another phone (a fresh browser, the same account) is sent exactly once — even
// when the first phone later comes back online and sends its own copy.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, screenshotter, makeJpeg, fileDuty } from './helpers.mjs';

const SECRETARY = '13810000001';
let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);
const shot = screenshotter('phone-');

async function phone() {
  const ctx = await browser.newContext({
    ...PHONE,
    acceptDownloads: true,
    permissions: ['geolocation'],
    geolocation: { latitude: 30.0, longitude: 120.0, accuracy: 12 },
  });
  const page = await ctx.newPage();
  trackErrors(page, { ignore: /Failed to load resource|ERR_INTERNET_DISCONNECTED/, acceptDialogs: true });
  await submitLogin(page, server.url, SECRETARY);
  await page.getByTestId('duties-link').waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await page.getByTestId('duties-link').waitFor();
  return { ctx, page };
}

async function filingsWithRef(ref) {
  const token = await apiLogin(SECRETARY);
  const d = await api(`{ myFilings(first: 100) { edges { node { id } } } }`, {}, token);
  return d.myFilings.edges.filter((e) => e.node.id === ref).length;
}

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('unsent records survive a lost phone', () => {
  it('exports unsent items with photos; importing on another phone sends each once', async () => {
    const first = await phone();
    const photos = [await makeJpeg(first.page, 3), await makeJpeg(first.page, 4)];
    await first.page.goto(server.url + '/duties');
    await first.page.locator('[data-testid=duties][data-roster=ready]').waitFor(); // cached for offline
    await first.ctx.setOffline(true);
    const ref = await fileDuty(first.page, server.url, {
      kind: 'WORK_DIARY',
      testid: 'file-work_diary',
      fields: { 内容: '离线记下的工作日志：走访五户，召开院落会。' },
      photos,
    });
    const left = first.page.getByTestId('sync-left');
    await left.waitFor();
    const bytes = Number(await left.getAttribute('data-bytes'));
    assert.ok(bytes > 20_000 && bytes < 700_000, `two compressed photos and the text are left to send: ${bytes} B`);
    assert.match(await left.textContent(), /1 条待发送（约 \d+ KB）/);
    await first.page.getByTestId('storage-persisted').waitFor(); // granted or not, the secretary is told
    await shot(first.page, 'outbox-care');

    const [download] = await Promise.all([first.page.waitForEvent('download'), first.page.getByTestId('outbox-export').click()]);
    assert.match(download.suggestedFilename(), /^驻村通-未发送记录-\d{8}-\d{4}\.json$/);
    const file = join(tmpdir(), `zct-outbox-${process.pid}.json`);
    await download.saveAs(file);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(doc.items.length, 1);
    assert.equal(doc.items[0].ref, ref);
    assert.equal(doc.photos.length, 2, 'the photos travel with the record');
    await first.page.getByTestId('outbox-care-msg').filter({ hasText: '已导出 1 条' }).waitFor();

    // Another phone: a fresh browser, the same account, online.
    const second = await phone();
    await second.page.goto(server.url + '/outbox');
    const bad = join(tmpdir(), `zct-not-outbox-${process.pid}.json`);
    await writeFile(bad, JSON.stringify({ hello: 1 }));
    await second.page.getByTestId('outbox-import').setInputFiles(bad);
    await second.page.getByTestId('outbox-care-msg').filter({ hasText: '不是驻村通导出的记录文件' }).waitFor();

    await second.page.getByTestId('outbox-import').setInputFiles(file);
    await second.page.getByTestId('outbox-care-msg').filter({ hasText: '已导入 1 条记录' }).waitFor();
    await second.page.locator(`[data-testid=outbox-item][data-ref="${ref}"][data-state=sent]`).waitFor({ timeout: 30_000 });
    assert.equal(await filingsWithRef(ref), 1);
    await second.page.getByTestId('outbox-import').setInputFiles(file);
    await second.page.getByTestId('outbox-care-msg').filter({ hasText: '1 条本机已有' }).waitFor();

    // The first phone comes back: its copy is answered with the record the server already has.
    await first.ctx.setOffline(false);
    await first.page.locator(`[data-testid=outbox-item][data-ref="${ref}"][data-state=sent]`).waitFor({ timeout: 30_000 });
    assert.equal(await filingsWithRef(ref), 1, 'one record, though two phones sent it');
    await first.ctx.close();
    await second.ctx.close();
  });
});
