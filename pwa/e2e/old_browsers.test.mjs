// Browsers that cannot keep records offline (issue "the phone"): some in-app WebViews have no
// service worker, some no IndexedDB. The app still works online there — login, filing, sending —
// and says plainly that filing without signal needs a normal browser, and how to get there.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, screenshotter, fileDuty } from './helpers.mjs';

const SECRETARY = '13810000001';
const MEMBER = '13820000001';
const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 8.1.0; V1818A Build/OPM1.171019.026; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/69.0.3497.100 Mobile Safari/537.36 MicroMessenger/8.0.49.2600(0x28003133) NetType/4G Language/zh_CN';
let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);
const shot = screenshotter('phone-');

async function open(phone, contextOptions, { noIndexedDb = false } = {}) {
  const ctx = await browser.newContext({
    ...PHONE,
    permissions: ['geolocation'],
    geolocation: { latitude: 30.0, longitude: 120.0, accuracy: 12 },
    ...contextOptions,
  });
  if (noIndexedDb) await ctx.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
  const page = await ctx.newPage();
  trackErrors(page);
  await submitLogin(page, server.url, phone);
  return { ctx, page };
}

async function fileOnline(page) {
  await page.getByTestId('duties-link').waitFor();
  const ref = await fileDuty(page, server.url, {
    kind: 'WORK_DIARY',
    testid: 'file-work_diary',
    fields: { 内容: '在不支持离线的浏览器里，有网络时照常填报。' },
  });
  await page.locator(`[data-testid=outbox-item][data-ref="${ref}"][data-state=sent]`).waitFor({ timeout: 30_000 });
  const token = await apiLogin(SECRETARY);
  const mine = await api(`{ myFilings(first: 100) { edges { node { id } } } }`, {}, token);
  assert.equal(mine.myFilings.edges.filter((e) => e.node.id === ref).length, 1);
}

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('without a service worker or IndexedDB the app works online and says so', () => {
  it('service workers blocked: a secretary is told, and files and sends online', async () => {
    const { ctx, page } = await open(SECRETARY, { serviceWorkers: 'block' });
    const note = page.getByTestId('offline-unsupported');
    await note.waitFor();
    assert.equal(await note.getAttribute('data-sw'), 'false');
    assert.match(await note.textContent(), /不能离线保存记录.*手机自带浏览器或谷歌浏览器/);
    await shot(page, 'no-service-worker');
    await fileOnline(page);
    await ctx.close();
  });

  it('IndexedDB unavailable: login, filing and sending still work; the secretary is told', async () => {
    const { ctx, page } = await open(SECRETARY, {}, { noIndexedDb: true });
    const note = page.getByTestId('offline-unsupported');
    await note.waitFor();
    assert.equal(await note.getAttribute('data-idb'), 'false');
    await fileOnline(page);
    await ctx.close();
  });

  it('inside WeChat the villager is shown how to open a normal browser; staff are not bothered', async () => {
    const member = await open(MEMBER, { serviceWorkers: 'block', userAgent: WECHAT_UA });
    const note = member.page.getByTestId('offline-unsupported');
    await note.waitFor();
    assert.match(await note.textContent(), /在浏览器打开/);
    await shot(member.page, 'wechat-member');
    await member.ctx.close();

    const staff = await open('13800000011', { serviceWorkers: 'block' });
    await staff.page.getByTestId('page-title').waitFor();
    assert.equal(await staff.page.getByTestId('offline-unsupported').count(), 0, 'township staff work online at a desk');
    await staff.ctx.close();
  });
});
