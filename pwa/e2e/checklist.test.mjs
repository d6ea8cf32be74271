// The county's own duty checklist (issue 16): the county adds an item to its list in 履职清单设置
// (召开一次村工作例会, approved village work meetings), renames the list, saves a new version and
// moves the serving secretaries to it from this month; the secretary sees the item on the checklist
// after the next sync, files its evidence OFFLINE (outbox), comes back online and it is sent; the
// township approves it and its progress shows the new column, done.
// node:test + playwright-core + /usr/bin/chromium against the real backend (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, loginAs, screenshotter, fileDuty, sideways, smallTargets } from './helpers.mjs';

const COUNTY = '13800000001';
const TOWNSHIP = '13800000011';
const SECRETARY = '13810000001'; // village 1 of township 1
const LABEL = '召开一次村工作例会';
const NAME = '九个一';

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);
const shot = screenshotter('checklist-');
const track = (page) => trackErrors(page, { ignore: /Failed to load resource|ERR_INTERNET_DISCONNECTED/, acceptDialogs: true });

async function phone() {
  const ctx = await browser.newContext({
    ...PHONE,
    permissions: ['geolocation'],
    geolocation: { latitude: 30.0, longitude: 120.0, accuracy: 12 },
  });
  return { ctx, page: track(await ctx.newPage()) };
}

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the county’s own checklist (履职清单) reaches the secretary and the township', () => {
  it('adds an item, the secretary files it offline, the township sees it done', async () => {
    const sToken = await apiLogin(SECRETARY);
    const tToken = await apiLogin(TOWNSHIP);
    const me = (await api(`{ mySecretaryProfile { id name } }`, {}, sToken)).mySecretaryProfile;
    const before = (await api(`{ dutyProgress { totalCount checklistName checklistVersion } }`, {}, sToken)).dutyProgress;
    assert.equal(before.totalCount, 8, 'the demo county starts with the built-in 八个一');

    // the secretary's phone, before the change: the checklist is cached (service worker + query cache)
    const sec = await phone();
    await submitLogin(sec.page, server.url, SECRETARY);
    await sec.page.getByTestId('duties-link').waitFor();
    await sec.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await sec.page.reload();
    await sec.page.getByTestId('duties-link').waitFor();
    await sec.page.goto(server.url + '/duties');
    await sec.page.locator('[data-testid=duties][data-roster=ready]').waitFor();
    assert.equal(await sec.page.locator('.duty').count(), 8);
    assert.equal(await sec.page.getByTestId('checklist-title').innerText(), `履职“${before.checklistName}”`);

    // the county: 履职清单设置, from the county settings where the eight thresholds were
    const county = await phone();
    await loginAs(county.page, server.url, COUNTY);
    await county.page.goto(server.url + '/settings');
    await county.page.getByTestId('nav-checklist').click();
    await county.page.waitForURL(/\/admin\/checklist$/);
    const current = county.page.getByTestId('checklist-current');
    await current.waitFor();
    const v0 = Number(await current.getAttribute('data-version'));
    assert.equal(await county.page.getByTestId('checklist-items').locator('li').count(), 8);
    await shot(county.page, 'county-before');

    // a second county user has the same version open (saves after the first: stale)
    const other = await phone();
    await loginAs(other.page, server.url, COUNTY);
    await other.page.goto(server.url + '/admin/checklist');
    await other.page.getByTestId('checklist-current').waitFor();

    await county.page.getByLabel('清单名称').fill(NAME);
    await county.page.getByTestId('checklist-add').click();
    const item = county.page.getByTestId('checklist-edit-item').last();
    await item.getByLabel('名称').fill(LABEL);
    await item.getByLabel('完成标准的算法').selectOption('APPROVED_COUNT');
    await item.getByLabel('至少通过审核（项）').fill('1');
    // no evidence kind chosen yet: refused next to the item, nothing sent
    await county.page.getByTestId('checklist-save').click();
    await item.getByTestId('err-8.kinds').waitFor();
    assert.match(await item.getByTestId('err-8.kinds').innerText(), /请至少选择一种记录/);
    await item.locator('input[data-kind=committee_meeting]').check();
    // reordered: one place up, before the last of the eight
    await item.getByTestId('item-up').click();
    assert.match(await county.page.getByTestId('checklist-edit-item').nth(7).innerText(), new RegExp(LABEL));
    // the layout of the editor on a phone: nothing sideways, big tap targets
    const wide = await sideways(county.page);
    assert.ok(wide.scroll <= wide.client, `no sideways scroll: ${JSON.stringify(wide)}`);
    assert.deepEqual(await smallTargets(county.page, 44), []);
    await shot(county.page, 'county-new-item');
    await county.page.getByTestId('checklist-save').click();
    const confirm = county.page.getByRole('alertdialog');
    await confirm.waitFor();
    assert.match(await confirm.innerText(), /已经开始的任期继续使用原来的版本/);
    await county.page.getByTestId('confirm-yes').click();
    await county.page.locator(`[data-testid=checklist-current][data-version="${v0 + 1}"]`).waitFor();
    assert.match(await county.page.getByTestId('checklist-saved').innerText(), new RegExp(`已保存为第 ${v0 + 1} 版`));
    assert.match(await county.page.getByTestId('checklist-items').innerText(), new RegExp(LABEL));
    assert.equal(await county.page.getByTestId('checklist-items').locator('li').count(), 9);
    assert.match(await county.page.getByTestId('checklist-items').locator('li').nth(7).innerText(), new RegExp(LABEL));

    // the other user's save is refused as stale: told in Chinese, reloads the newest version
    const first = other.page.getByTestId('checklist-edit-item').first();
    await first.locator('summary').click();
    await first.getByLabel('名称').fill('走访全村农户');
    await other.page.getByTestId('checklist-save').click();
    await other.page.getByTestId('confirm-yes').click();
    const stale = other.page.getByTestId('checklist-stale');
    await stale.waitFor();
    assert.match(await stale.innerText(), /已被别人修改/);
    await shot(other.page, 'county-stale');
    await stale.getByRole('button').click();
    await other.page.locator(`[data-testid=checklist-current][data-version="${v0 + 1}"]`).waitFor();
    assert.equal(await other.page.getByTestId('checklist-edit-item').count(), 9);
    await other.ctx.close();

    // terms already started keep their version: moved explicitly, from this month on
    await county.page.getByLabel('说明（决定依据）').fill('县委组织部通知：本月起村工作例会纳入履职清单');
    await county.page.getByTestId('checklist-move').click();
    await county.page.getByTestId('confirm-yes').click();
    await county.page.getByTestId('checklist-moved').waitFor();
    assert.match(await county.page.getByTestId('checklist-moved').innerText(), /名第一书记/);
    await shot(county.page, 'county-saved-moved');
    assert.deepEqual(county.page.consoleErrors, []);

    const after1 = (await api(`{ dutyProgress { checklistName checklistVersion totalCount duties { key label kinds rule } } }`, {}, sToken))
      .dutyProgress;
    assert.equal(after1.checklistName, NAME);
    assert.equal(after1.totalCount, 9);
    const added = after1.duties.find((d) => d.label === LABEL);
    assert.ok(added, 'the secretary’s checklist has the new item');
    assert.deepEqual(added.kinds, ['committee_meeting']);

    // the secretary's next sync: the new item on the checklist, fileable (a kind of the "other" records before)
    await sec.page.goto(server.url + '/duties');
    await sec.page.locator(`.duty[data-key="${added.key}"]`).waitFor();
    assert.equal(await sec.page.locator('.duty').count(), 9);
    assert.equal(await sec.page.getByTestId('checklist-title').innerText(), `履职“${NAME}”`);
    assert.equal(await sec.page.locator('.duty').nth(7).getAttribute('data-key'), added.key, 'in the county’s order');
    await sec.page.locator('[data-testid=duties][data-roster=ready]').waitFor();
    await shot(sec.page, 'secretary-new-item');

    // offline: the checklist comes from the cached answer, the filing goes to the outbox
    await sec.ctx.setOffline(true);
    await sec.page.reload().catch(() => {});
    await sec.page.locator(`.duty[data-key="${added.key}"]`).waitFor();
    assert.equal(await sec.page.locator('.duty').count(), 9, 'offline: the cached checklist, with the new item');
    const ref = await fileDuty(sec.page, server.url, {
      kind: 'COMMITTEE_MEETING',
      testid: `file-${added.key}`,
      fields: { 主题: '研究村道硬化和秋收安排', 参会人数: '9', 会议纪要: '村两委成员和驻村工作队参加，议定村道硬化方案，分工落实秋收。' },
    });
    await sec.page.locator(`[data-testid=outbox-item][data-ref="${ref}"][data-state=waiting]`).waitFor();
    await shot(sec.page, 'secretary-offline-queued');

    // back online: sent by itself
    await sec.ctx.setOffline(false);
    await sec.page.locator(`[data-testid=outbox-item][data-ref="${ref}"][data-state=sent]`).waitFor({ timeout: 30_000 });
    const f = (await api(`query($id: ID!) { filing(id: $id) { kind status } }`, { id: ref }, sToken)).filing;
    assert.deepEqual(f, { kind: 'COMMITTEE_MEETING', status: 'SUBMITTED' });

    // the rule counts approved filings: the township approves it
    const r = await api(
      `mutation($id: ID!) { reviewFiling(id: $id, decision: APPROVE) { filing { status } errors { code message } } }`,
      { id: ref },
      tToken,
    );
    assert.deepEqual(r.reviewFiling.errors, []);

    // the township's progress has the new column, done for this secretary
    const tw = await phone();
    await loginAs(tw.page, server.url, TOWNSHIP);
    await tw.page.goto(server.url + '/progress');
    const line = tw.page.getByTestId('progress-item').filter({ hasText: me.name });
    await line.first().waitFor();
    const chip = line.first().getByTestId('duty-chip').filter({ hasText: LABEL });
    assert.equal(await chip.getAttribute('data-complete'), '1');
    assert.match(await tw.page.getByTestId('progress-checklists').innerText(), new RegExp(NAME));
    await shot(tw.page, 'township-progress');
    await tw.page.goto(`${server.url}/progress/s/${encodeURIComponent(me.id)}`);
    const duty = tw.page.getByTestId('duty').filter({ hasText: LABEL });
    await duty.waitFor();
    assert.match(await duty.innerText(), /已完成/);
    assert.match(await tw.page.getByTestId('dp-checklist').innerText(), new RegExp(`${NAME}.*第 ${v0 + 1} 版`));
    await shot(tw.page, 'township-drilldown');
    assert.deepEqual(tw.page.consoleErrors, []);

    // and the secretary sees it done
    await sec.page.goto(server.url + '/duties');
    await sec.page.locator(`.duty[data-key="${added.key}"][data-complete="1"]`).waitFor({ timeout: 15_000 });
    await shot(sec.page, 'secretary-done');
    assert.deepEqual(sec.page.consoleErrors, []);
    for (const p of [sec, county, tw]) await p.ctx.close();
  });

  it('a version used by one secretary only: the township shows its item as “—” for the others', async () => {
    const cToken = await apiLogin(COUNTY);
    const sToken = await apiLogin(SECRETARY);
    const me = (await api(`{ mySecretaryProfile { id name } }`, {}, sToken)).mySecretaryProfile;
    const cur = (await api(`{ dutyChecklist { version items { key label kinds rule threshold } } }`, {}, cToken)).dutyChecklist;
    const items = cur.items.map(({ key, label, kinds, rule, threshold }) => ({ key, label, kinds, rule, threshold }));
    const TALK = '开展一次谈心谈话';
    const saved = (
      await api(
        `mutation($input: SaveDutyChecklistInput!) { saveDutyChecklist(input: $input) { checklist { version } errors { code message field } } }`,
        {
          input: {
            basedOnVersion: cur.version,
            name: '十个一',
            effectiveFrom: '2099-01-01',
            items: [...items, { label: TALK, kinds: ['talk'], rule: 'APPROVED_COUNT', threshold: 1 }],
          },
        },
        cToken,
      )
    ).saveDutyChecklist;
    assert.deepEqual(saved.errors, []);
    const d = new Date();
    const month = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;
    const moved = (
      await api(
        `mutation($input: MoveTermsInput!) { moveTermsToChecklist(input: $input) { moved errors { code message } } }`,
        { input: { version: saved.checklist.version, fromMonth: month, secretaryIds: [me.id], note: '试点：一个村先按十个一' } },
        cToken,
      )
    ).moveTermsToChecklist;
    assert.deepEqual(moved.errors, []);
    assert.equal(moved.moved, 1);

    const tw = await phone();
    await loginAs(tw.page, server.url, TOWNSHIP);
    await tw.page.goto(server.url + '/progress');
    await tw.page.getByTestId('progress-item').first().waitFor();
    assert.match(await tw.page.getByTestId('progress-checklists').innerText(), /十个一[\s\S]*九个一|九个一[\s\S]*十个一/);
    const mine = tw.page.getByTestId('progress-item').filter({ hasText: me.name }).first();
    const talkChip = mine.getByTestId('duty-chip').filter({ hasText: TALK });
    assert.equal(await talkChip.getAttribute('data-absent'), null, 'in this secretary’s list (the demo’s approved talks count)');
    assert.match(await talkChip.getAttribute('data-complete'), /^[01]$/);
    const others = tw.page.getByTestId('progress-item').filter({ hasNotText: me.name });
    const absent = others.first().getByTestId('duty-chip').filter({ hasText: TALK });
    assert.equal(await absent.getAttribute('data-absent'), '1');
    assert.match(await absent.innerText(), /—/);
    await shot(tw.page, 'township-two-versions');
    assert.deepEqual(tw.page.consoleErrors, []);
    await tw.ctx.close();
  });
});
