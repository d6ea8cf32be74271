// The county's filing dossier (备案材料与自评估): reached from the home, every obligation with its
// finding (the unmet ones said so), and the whole dossier downloaded as Markdown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, loginAs, screenshotter, smallTargets, sideways } from './helpers.mjs';

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);
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
    assert.match(await page.locator('[data-testid=finding][data-key=complaints]').innerText(), /已满足/);
    await shot(page, '01-compliance');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compliance-download').click()]);
    assert.match(download.suggestedFilename(), /^备案材料-.+\.md$/);
    const text = readFileSync(await download.path(), 'utf-8');
    assert.match(text, /^# 驻村通备案材料与自评估/);
    assert.match(text, /## 四、第三方组件/);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('the county opens the one table from its home, sees where every column comes from and downloads it', async () => {
    const page = await newPhonePage(browser, { acceptDownloads: true });
    await loginAs(page, server.url, '13800000001');
    await page.getByTestId('nav-one-table').click();
    await page.waitForURL(/\/one-table$/);
    await page.getByTestId('one-table-source').first().waitFor();
    const sources = await page.getByTestId('one-table-source').allInnerTexts();
    assert.ok(sources.length >= 4, `every source is listed (${sources.length})`);
    assert.ok(
      sources.every((c) => c.includes('无需再填') && c.includes('来自')),
      'each source says where the columns come from and that nobody re-enters them',
    );
    assert.ok(sources.some((c) => c.includes('驻村天数') && c.includes('镇街每月确认')));
    assert.ok(sources.some((c) => c.includes('未完成项') && c.includes('工作记录'))); // the county's checklist, whatever its items
    assert.deepEqual(await smallTargets(page), []);
    const wide = await sideways(page);
    assert.ok(wide.scroll <= wide.client, `no sideways scroll: ${JSON.stringify(wide)}`);
    await shot(page, '03-one-table');
    await page.getByTestId('one-table-month').selectOption('11');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('one-table-download').click()]);
    assert.match(download.suggestedFilename(), /^.+-一张表-\d{4}\.xlsx$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx (zip) file');
    await page.getByRole('status').filter({ hasText: '已下载' }).waitFor();
    await page.goto(`${server.url}/compliance`);
    await page.getByTestId('finding').first().waitFor();
    assert.match(await page.getByTestId('finding').filter({ hasText: '一张表' }).innerText(), /已满足/);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('a photo is required for a kind only with the reason it is necessary, and the form and the dossier say so', async () => {
    const county = await newPhonePage(browser);
    await loginAs(county, server.url, '13800000001');
    await county.goto(`${server.url}/settings`);
    const rules = county.getByTestId('photo-rules');
    await rules.getByTestId('photo-rules-none').waitFor();
    await rules.getByLabel('记录类型').selectOption('TECH_TRAINING');
    await rules.getByLabel('为什么必要').fill('太短');
    await rules.getByTestId('photo-rule-add').click();
    await rules.getByText('请写明为什么必要').waitFor(); // refused before asking
    const reason = '农技培训须留存现场照片，作为培训补助资金的拨付凭证';
    await rules.getByLabel('为什么必要').fill(reason);
    await rules.getByTestId('photo-rule-add').click();
    await county.getByTestId('confirm-yes').click();
    await rules.getByTestId('photo-rule').filter({ hasText: reason }).waitFor();
    await rules.scrollIntoViewIfNeeded();
    await shot(county, '02-photo-rule');
    await county.goto(`${server.url}/compliance`);
    await county
      .getByTestId('finding')
      .filter({ hasText: `“农技培训”须附照片——理由：${reason}` })
      .waitFor();
    assert.deepEqual(county.consoleErrors, []);
    await county.context().close();

    const secretary = await newPhonePage(browser);
    await loginAs(secretary, server.url, '13810000001');
    await secretary.goto(`${server.url}/duties/new/TECH_TRAINING`);
    assert.match(await secretary.getByTestId('photo-required').innerText(), new RegExp(reason));
    await secretary.goto(`${server.url}/duties/new/WORK_DIARY`);
    await secretary.getByText('照片（可不附）').waitFor(); // every other kind: optional
    assert.equal(await secretary.getByTestId('photo-required').count(), 0);
    await secretary.context().close();
  });

  it('townships see the ranking only after the county records a decision with its basis (晾晒)', async () => {
    const township = await newPhonePage(browser);
    await loginAs(township, server.url, '13800000011');
    await township.goto(`${server.url}/rankings`);
    await township.getByTestId('ranking-closed').waitFor(); // closed by default: a plain message, not an error
    assert.match(await township.getByTestId('ranking-closed').innerText(), /联系县委组织部/);
    await shot(township, '03-township-ranking-closed');

    const county = await newPhonePage(browser);
    await loginAs(county, server.url, '13800000001');
    await county.goto(`${server.url}/settings`);
    const card = county.getByTestId('ranking-visibility');
    await card.getByTestId('ranking-visibility-state').getByText('镇街目前看不到排名').waitFor();
    await card.getByLabel('本次决定的依据').fill('太短');
    await card.getByTestId('ranking-visibility-change').click();
    await card.getByText('请写明决定依据').waitFor(); // refused before asking
    const basis = '县委组织部部务会 2026-12-01 决定向镇街通报';
    await card.getByLabel('本次决定的依据').fill(basis);
    await card.getByTestId('ranking-visibility-change').click();
    await card.getByText('包括其他镇街第一书记的名次和档次').waitFor(); // the consequence, in plain words
    await card.getByTestId('confirm-yes').click();
    await card.getByTestId('ranking-visibility-state').getByText('镇街目前可以查看').waitFor();
    await card.getByText(basis).waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot(county, '04-ranking-visibility');
    await county.goto(`${server.url}/compliance`);
    await county.getByTestId('finding').filter({ hasText: basis }).waitFor();
    assert.deepEqual(county.consoleErrors, []);
    await county.context().close();

    await township.reload();
    await township.locator('[data-testid=snapshot-item], [data-testid=rank-row]').first().waitFor();
    assert.equal(await township.getByTestId('ranking-closed').count(), 0);
    assert.deepEqual(township.consoleErrors, []);
    await township.context().close();
  });

  it('nothing forced: a filing without a photo or a position is submitted and approved', async () => {
    // no location permission: the phone cannot (or will not) give a position
    const page = await newPhonePage(browser, { permissions: [] });
    await loginAs(page, server.url, '13810000001');
    await page.goto(`${server.url}/duties/new/WORK_DIARY`);
    await page.getByText('照片（可不附）').waitFor();
    const text = `e2e 不带照片和位置的工作日志 ${Date.now()}`;
    await page.getByLabel('内容').fill(text);
    await page
      .getByTestId('geo')
      .filter({ hasText: /未能定位/ })
      .waitFor();
    await page.getByTestId('queue-submit').click();
    await page.waitForURL(/\/outbox$/);
    const id = await page.getByTestId('outbox-item').first().getAttribute('data-ref');
    await page.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=sent]`).waitFor({ timeout: 20_000 });
    const tw = await apiLogin('13800000011');
    const filing = (await api('query($id: ID!) { filing(id: $id) { lat lng photos { sha256 } } }', { id }, tw)).filing;
    assert.deepEqual([filing.lat, filing.lng, filing.photos], [null, null, []]);
    const approved = await api(
      'mutation($id: ID!) { reviewFiling(id: $id, decision: APPROVE) { filing { status } errors { code } } }',
      { id },
      tw,
    );
    assert.deepEqual(approved.reviewFiling, { filing: { status: 'APPROVED' }, errors: [] });
    await page.goto(`${server.url}/outbox`); // the outbox reads each sent item's review state when opened
    await page.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=approved]`).waitFor({ timeout: 20_000 });
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
});
