// A county's first week: the service card's QR code leads somewhere. The secretary generates the
// card; the test reads the card's PNG, decodes its QR code (pngjs + jsQR) and opens the URL in a
// fresh browser with no account, on a 390×844 phone: the village's public page shows the
// secretary, and a problem report — with a photo and a call-back number, after the notice of what
// is kept — reaches the secretary's ledger. Then: the same page for a logged-in member, offline,
// at 360 px; and the outbox telling two diaries apart.
// node:test + playwright-core + /usr/bin/chromium against the real backend (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS, SHOTS } from './server.mjs';
import { PHONE, trackErrors, loginAs, screenshotter } from './helpers.mjs';

const SECRETARY = '13810000001'; // village 1 of township 1
const MEMBER = '13820000001'; // a villager of that village, with an account
const shot = screenshotter('pub-');

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

/** A photo as a phone camera would hand it over (a PNG; the page compresses it to a JPEG). */
function photoPng(seed = 1, width = 1200, height = 900) {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const block = ((x >> 6) + (y >> 6) + seed) % 5;
      png.data[i] = (x * 255) / width;
      png.data[i + 1] = 90 + block * 30;
      png.data[i + 2] = (y * 255) / height;
      png.data[i + 3] = 255;
    }
  return PNG.sync.write(png);
}

/** The text of the QR code in a PNG image. */
function decodeQr(buffer) {
  const png = PNG.sync.read(buffer);
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'a QR code is readable on the card');
  return code.data;
}

const track = (page) => trackErrors(page, { ignore: /Failed to load resource|ERR_INTERNET_DISCONNECTED/, acceptDialogs: true });

/** Every visible tap target of the page's main content that is smaller than 48 px. */
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('main a, main button, main input, main textarea, main label.btn')]
      .filter((e) => e.offsetParent !== null && !e.closest('[aria-hidden="true"]') && !e.classList.contains('sr-only'))
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height < 47.5)
      .map(({ e, r }) => `${e.tagName} "${(e.textContent || e.id).trim().slice(0, 20)}" ${Math.round(r.height)}px`),
  );
}
const sidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the service card QR opens the village public page for anyone', () => {
  let publicUrl, villageId, title;

  it('the card PNG carries a QR code of this server’s public page, not 127.0.0.1:8000', async () => {
    const token = await apiLogin(SECRETARY);
    const me = await api(`{ mySecretaryProfile { name village { id name } } }`, {}, token);
    villageId = me.mySecretaryProfile.village.id;
    // the secretary's photo for the card (uploaded as the card screen's generation keeps it)
    const up = await fetch(`${server.url}/media`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
      body: photoPng(3, 600, 800),
    });
    const uploaded = await up.text();
    assert.ok(up.ok, uploaded);
    const sha = JSON.parse(uploaded).sha256;
    const gen = await api(
      `mutation($p: String) { generateServiceCard(input: { photoSha256: $p }) { card { pngUrl } errors { code } } }`,
      { p: sha },
      token,
    );
    assert.deepEqual(gen.generateServiceCard.errors, []);

    // the secretary regenerates it on the phone, from the card screen
    const ctx = await browser.newContext(PHONE);
    const page = await track(await ctx.newPage());
    await loginAs(page, server.url, SECRETARY);
    await page.goto(`${server.url}/card`);
    await page.getByTestId('gen-card').click();
    await page.getByRole('status').filter({ hasText: '服务卡已生成' }).waitFor();
    const href = await page.getByTestId('card-png').getAttribute('href');
    const res = await fetch(new URL(href, server.url));
    assert.equal(res.headers.get('content-type'), 'image/png');
    publicUrl = decodeQr(Buffer.from(await res.arrayBuffer()));
    assert.equal(publicUrl, `${server.url}/v/${villageId}`, 'the QR follows the address the server was reached at');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });

  it('a villager without an account reads the page and reports a problem with a photo; it reaches the ledger', async () => {
    const ctx = await browser.newContext(PHONE); // fresh: no login, no storage
    const page = await track(await ctx.newPage());
    await page.goto(publicUrl);
    await page.getByTestId('secretary-name').waitFor();
    const secretary = (await api(`{ mySecretaryProfile { name phone } }`, {}, await apiLogin(SECRETARY))).mySecretaryProfile;
    assert.equal(await page.getByTestId('secretary-name').textContent(), secretary.name);
    assert.match(await page.getByTestId('call-secretary').getAttribute('href'), new RegExp(`^tel:${secretary.phone}$`));
    await page.locator('.pub-photo').evaluate((img) => img.decode()); // the card's photo, no login needed
    assert.equal(await page.locator('[data-testid=logout]').count(), 0, 'not logged in');
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, 'village-page');

    await page.getByTestId('public-report-link').click();
    await page.getByTestId('privacy-notice').waitFor();
    title = `村口水管漏水 ${Date.now() % 100000}`;
    await page.getByLabel('什么问题').fill(title);
    await page.getByLabel('详细说说（可以不写）').fill('三组路口的水管漏了三天，路面结冰，老人出门容易滑倒。');
    await page.getByTestId('photo-input').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: photoPng(7) });
    await page.locator('.pf-img').waitFor();
    await page.getByLabel('您的电话（可以不留）').fill('139 1234 5678');
    assert.deepEqual(await smallTargets(page), []);
    assert.ok((await sidewaysScroll(page)) <= 0);
    await shot(page, 'report-form');

    await page.getByTestId('public-report-submit').click();
    const result = page.getByTestId('public-report-result');
    await result.filter({ hasText: '已经送到第一书记那里' }).waitFor();
    const ref = (await result.textContent()).match(/编号 ([0-9A-F]{8})/)[1];
    await shot(page, 'report-sent');
    assert.deepEqual(page.consoleErrors, []);

    // in the secretary's ledger: marked, with the number to call back and the photo
    const token = await apiLogin(SECRETARY);
    const ledger = await api(
      `{ problems(first: 20) { edges { node { id title source anonymous contactPhone photos { sha256 } } } } }`,
      {},
      token,
    );
    const mine = ledger.problems.edges.map((e) => e.node).find((p) => p.title === title);
    assert.ok(mine, 'the report is in the ledger');
    assert.equal(mine.id.replace(/-/g, '').slice(0, 8).toUpperCase(), ref);
    assert.deepEqual([mine.source, mine.anonymous, mine.contactPhone, mine.photos.length], ['PUBLIC', false, '13912345678', 1]);
    const township = await api(`{ problems(first: 50) { edges { node { title contactPhone } } } }`, {}, await apiLogin('13800000011'));
    assert.equal(township.problems.edges.find((e) => e.node.title === title).node.contactPhone, '139****5678');

    // … and on the secretary's screen, with the photo
    const sctx = await browser.newContext(PHONE);
    const spage = await track(await sctx.newPage());
    await loginAs(spage, server.url, SECRETARY);
    await spage.goto(`${server.url}/problems`);
    const item = spage.getByTestId('problem-item').filter({ hasText: title });
    await item.getByTestId('problem-source').filter({ hasText: '扫码反映 · 留了电话' }).waitFor();
    assert.equal(await item.getByTestId('problem-call').getAttribute('href'), 'tel:13912345678');
    await item.locator('[data-testid=thumb] img').waitFor();
    await shot(spage, 'secretary-ledger');
    await item.getByTestId('thumb').click();
    await spage.locator('.viewer img').waitFor();
    await spage.screenshot({ path: `${SHOTS}/pub-secretary-photo.png` }); // the viewport: the viewer covers it
    assert.deepEqual(spage.consoleErrors, []);
    await sctx.close();

    // the villager's phone remembers what it sent
    await page.goto(publicUrl);
    await page.locator('[data-testid=public-report][data-state=sent]').filter({ hasText: title }).waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByRole('link', { name: 'Report a problem' }).waitFor();
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, 'village-page-en');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });

  it('offline, the page opens again from the phone and a report waits there; at 360 px nothing scrolls sideways', async () => {
    const ctx = await browser.newContext({ ...PHONE, viewport: { width: 360, height: 740 } });
    const page = await track(await ctx.newPage());
    await page.goto(publicUrl);
    await page.getByTestId('secretary-name').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await page.getByTestId('secretary-name').waitFor();
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'page controlled by SW');
    assert.ok((await sidewaysScroll(page)) <= 0, 'no sideways scroll at 360 px');

    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId('secretary-name').waitFor();
    await page.getByTestId('offline-banner').waitFor(); // the app's one banner; the page is the copy kept
    assert.equal(await page.getByTestId('public-ledger').count(), 1);
    await shot(page, 'village-page-offline-360');
    await page.getByTestId('public-report-link').click();
    await page.getByLabel('什么问题').fill('路灯不亮（没有信号时写的）');
    await page.getByTestId('public-report-submit').click();
    await page.getByTestId('public-report-result').filter({ hasText: '已保存在这部手机上' }).waitFor();
    assert.ok((await sidewaysScroll(page)) <= 0);
    await shot(page, 'report-saved-offline-360');
    await ctx.setOffline(false);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await page.goto(publicUrl);
    await page.locator('[data-testid=public-report][data-state=sent]').filter({ hasText: '没有信号时写的' }).waitFor();
    await ctx.close();
  });

  it('a logged-in member opens the same page from the QR and may report with the account', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await track(await ctx.newPage());
    await loginAs(page, server.url, MEMBER);
    await page.goto(publicUrl);
    await page.getByTestId('secretary-name').waitFor();
    await page.getByRole('link', { name: '用我的账号反映（可查看办理进度）' }).waitFor();
    await shot(page, 'village-page-member');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });
});

describe('the outbox says what each item is', () => {
  it('two diaries of one day are told apart by their first words', async () => {
    const ctx = await browser.newContext({
      ...PHONE,
      permissions: ['geolocation'],
      geolocation: { latitude: 30.0, longitude: 120.0, accuracy: 12 },
    });
    const page = await track(await ctx.newPage());
    await loginAs(page, server.url, '13810000002');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await page.getByTestId('page-title').waitFor();
    await ctx.setOffline(true); // they wait in the outbox
    for (const content of ['上午走访三组，了解冬季用水情况', '下午参加镇里的工作例会，汇报了本月工作']) {
      await page.goto(`${server.url}/duties/new/WORK_DIARY`);
      await page.getByLabel('内容').fill(content);
      await page
        .getByTestId('geo')
        .filter({ hasText: /已定位|未能定位/ })
        .waitFor();
      await page.getByTestId('queue-submit').click();
      await page.waitForURL(/\/outbox$/);
    }
    const excerpts = await page.getByTestId('outbox-excerpt').allTextContents();
    assert.deepEqual(excerpts.slice(0, 2), ['“下午参加镇里的工作例会，汇报了本月工作”', '“上午走访三组，了解冬季用水情况”']);
    await shot(page, 'outbox-two-diaries');
    await ctx.setOffline(false);
    await ctx.close();
  });
});
