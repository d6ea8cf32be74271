// 投诉建议 (国办函〔2026〕12号), on a 390×844 phone against the real backend and the demo county: a
// villager without an account opens the village's public page, sends an anonymous complaint about
// the township (the form, then the tracking number); the county finds it in its inbox (not who
// sent it), answers after a confirmation; the tracking lookup shows the reply. The township sees
// none of it. Tap targets ≥ 48 px on the public screens, no sideways scroll at 360 px.
// node:test + playwright-core + /usr/bin/chromium (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, loginAs, screenshotter } from './helpers.mjs';

const SECRETARY = '13810000001'; // village 1 of township 1
const COUNTY = '13800000001';
const TOWNSHIP = '13800000011';
const MEMBER = '13820000001'; // a villager of village 1, with an account
const shot = screenshotter('cp-');

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

/** Every visible tap target of the page's main content smaller than `min` px high. */
function smallTargets(page, min = 48) {
  return page.evaluate(
    (limit) =>
      [...document.querySelectorAll('main a, main button, main input, main select, main textarea, main label.cp-opt')]
        .filter((e) => e.offsetParent !== null && !e.closest('[aria-hidden="true"]') && e.type !== 'radio' && e.type !== 'checkbox')
        .map((e) => ({ e, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.height < limit - 0.5)
        .map(({ e, r }) => `${e.tagName} "${(e.textContent || e.id).trim().slice(0, 20)}" ${Math.round(r.height)}px`),
    min,
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

describe('complaints and suggestions (投诉建议)', () => {
  let villageId, townshipName, number;
  const text = `镇里要求第一书记每天早晚各打卡一次，还在群里通报排名 ${Date.now() % 100000}`;

  it('a villager without an account sends an anonymous complaint about the township and gets a tracking number', async () => {
    const me = await api(`{ mySecretaryProfile { village { id } } }`, {}, await apiLogin(SECRETARY));
    villageId = me.mySecretaryProfile.village.id;
    const ctx = await browser.newContext(PHONE); // fresh: no login, no storage
    const page = trackErrors(await ctx.newPage());
    await page.goto(`${server.url}/v/${villageId}`);
    await page.getByTestId('public-complaint-link').click();
    await page.waitForURL(/\/complaint$/);
    await page.getByTestId('complaint-text').waitFor();
    await page.getByText('投诉', { exact: true }).click();
    await page.getByTestId('complaint-topic').selectOption('FORCED_CHECK_IN');
    const about = page.getByTestId('complaint-about');
    const township = await about.locator('option').nth(1).textContent();
    assert.match(township, /^本镇（街道）：/);
    townshipName = township.replace(/^本镇（街道）：/, '');
    await about.selectOption({ index: 1 });
    await page.getByTestId('complaint-text').fill(text);
    assert.deepEqual(await smallTargets(page), []);
    assert.ok((await sidewaysScroll(page)) <= 0);
    await shot(page, '01-public-form');

    await page.getByTestId('complaint-submit').click();
    const shown = page.getByTestId('tracking-number');
    await shown.waitFor();
    number = (await shown.textContent()).trim();
    assert.match(number, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, '02-tracking-number');

    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok((await sidewaysScroll(page)) <= 0, 'no sideways scroll at 360 px');
    await page.setViewportSize({ width: 390, height: 844 });

    await page.getByTestId('track-link').click();
    await page.getByTestId('track-result').waitFor();
    assert.equal(await page.getByTestId('complaint-state').getAttribute('data-state'), 'RECEIVED');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });

  it('the county reads it (not who sent it), answers after a confirmation and downloads the year', async () => {
    const ctx = await browser.newContext({ ...PHONE, acceptDownloads: true });
    const page = trackErrors(await ctx.newPage());
    await loginAs(page, server.url, COUNTY);
    await page.getByTestId('nav-complaints-inbox').click();
    await page.waitForURL(/\/complaints$/);
    const item = page.locator(`[data-testid=county-complaint][data-number="${number}"]`);
    await item.waitFor();
    const shown = await item.innerText();
    assert.ok(shown.includes(text) && shown.includes(townshipName) && shown.includes('匿名'), shown);
    assert.deepEqual(await smallTargets(page, 44), []);
    assert.ok((await sidewaysScroll(page)) <= 0);
    await shot(page, '03-county-list');

    await item.getByTestId('complaint-open').click();
    await item.getByTestId('reply-text').fill('已核实：不得要求每天打卡，已责令镇里停止并在全县通报纠正。');
    await item.getByTestId('reply-submit').click();
    await item.getByTestId('confirm-yes').click();
    await item.getByRole('status').filter({ hasText: '答复已发送' }).waitFor();
    assert.equal(await item.getByTestId('complaint-state').getAttribute('data-state'), 'ANSWERED');
    await shot(page, '04-county-answered');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('complaints-download').click()]);
    assert.match(download.suggestedFilename(), /^投诉建议年度汇总-\d{4}\.xlsx$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx (a zip)');

    await page.getByTestId('filter-RECEIVED').click();
    await page.locator('.paged').waitFor();
    await page.waitForFunction((n) => !document.querySelector(`[data-number="${n}"]`), number);
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });

  it('the tracking lookup shows the reply, and the township reads none of it', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = trackErrors(await ctx.newPage());
    await page.goto(`${server.url}/complaints/track`);
    await page.getByTestId('track-input').fill(number.toLowerCase());
    await page.getByTestId('track-submit').click();
    await page.getByTestId('complaint-reply').waitFor();
    assert.match(await page.getByTestId('complaint-reply').innerText(), /已核实：不得要求每天打卡/);
    assert.equal(await page.getByTestId('complaint-state').getAttribute('data-state'), 'ANSWERED');
    assert.ok(!(await page.getByTestId('track-result').innerText()).includes(text), 'the lookup shows no text');
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, '05-tracked');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();

    const township = await apiLogin(TOWNSHIP);
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${township}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ complaints { totalCount } }' }),
    }).then((r) => r.json());
    assert.equal(refused.errors[0].extensions.code, 'FORBIDDEN');
    const mine = await api('{ myComplaints { edges { node { text } } } }', {}, township);
    assert.ok(mine.myComplaints.edges.every((e) => e.node.text !== text));
  });

  it('a member sends one from the home, names their village, and follows it in 我的投诉建议', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = trackErrors(await ctx.newPage());
    await loginAs(page, server.url, MEMBER);
    await page.getByTestId('nav-complaints').click();
    await page.waitForURL(/\/complaints\/new$/);
    await page.getByText('建议', { exact: true }).click();
    await page.getByTestId('complaint-topic').selectOption('DUPLICATE_REPORTING');
    await page.getByTestId('complaint-about').locator('option', { hasText: '本村' }).waitFor({ state: 'attached' });
    await page.getByTestId('complaint-about').selectOption({ index: 2 });
    const mine = `同一户的信息每个月都要重新填一遍 ${Date.now() % 100000}`;
    await page.getByTestId('complaint-text').fill(mine);
    assert.deepEqual(await smallTargets(page, 44), []);
    assert.ok((await sidewaysScroll(page)) <= 0);
    await shot(page, '06-member-form');
    await page.getByTestId('complaint-submit').click();
    await page.getByTestId('tracking-number').waitFor();
    await page.goto(`${server.url}/complaints/mine`);
    const item = page.getByTestId('my-complaint').filter({ hasText: mine });
    await item.waitFor();
    assert.equal(await item.getByTestId('complaint-state').getAttribute('data-state'), 'RECEIVED');
    await shot(page, '07-member-mine');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });
});
