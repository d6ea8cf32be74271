// The role homes as task lists (real backend + built PWA, demo county, a 390×844 phone): each role
// logs in and sees its tasks from one request; one tap on a number leads to the list behind it.
// Each home is also checked for layout shift (CLS ≤ 0.1), tap targets (≥ 44 px) and no sideways
// scroll at 360 px. Screenshots: test-results/screenshots/9x-*.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS, SHOTS } from './server.mjs';
import { newPhonePage, loginAs, screenshotter } from './helpers.mjs';

const ACCOUNTS = { county: '13800000001', township: '13800000011', village: '13810000001', member: '13820000001' };

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);
const shot = screenshotter('9x-');
const shotPath = (name) => join(SHOTS, `9x-${name}.png`);

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A phone page that records layout shifts from the first paint on (read with `cls`). */
async function newPage(opts = {}) {
  const page = await newPhonePage(browser, opts);
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return page;
}
const cls = (page) => page.evaluate(() => window.__cls);

/** Every link and button of the screen smaller than a thumb (44 × 44 CSS px), as text. */
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('main a, main button, main summary')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => [el, el.getBoundingClientRect()])
      .filter(([, r]) => r.height < 44 || r.width < 44)
      .map(([el, r]) => `${el.tagName} "${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

/** The same page at 360 px wide: nothing wider than the screen. */
async function noSidewaysScroll(page) {
  await page.setViewportSize({ width: 360, height: 740 });
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(scroll <= client, `sideways scroll at 360 px: ${scroll} > ${client}`);
}

async function checkLayout(page, t) {
  const shift = await cls(page);
  t?.diagnostic(`${new URL(page.url()).pathname}: CLS ${shift.toFixed(4)}`);
  assert.ok(shift <= 0.1, `CLS ${shift}`);
  assert.deepEqual(await smallTargets(page), []);
  await noSidewaysScroll(page);
  assert.deepEqual(page.consoleErrors, []);
}

const SUBMIT = `mutation($input: FilingInput!) { submitFiling(input: $input) { filing { id title } errors { code message } } }`;
async function submit(token, kind, title, body, occurredOn = new Date().toISOString().slice(0, 10)) {
  const input = { id: randomUUID(), kind, title, body, occurredOn, recordedAt: new Date().toISOString(), photos: [] };
  const d = await api(SUBMIT, { input }, token);
  assert.deepEqual(d.submitFiling.errors, []);
  return d.submitFiling.filing;
}
const REVIEW = `mutation($id: ID!, $c: String) { reviewFiling(id: $id, decision: RETURN, comment: $c) { errors { code } } }`;
const ROLL_CALL = `mutation($i: StartRollCallInput!) { startRollCall(input: $i) { errors { code message } } }`;

// The demo county is alive (filings, roll calls, polls, problems), so each expectation is read from
// the API after the test's own writes, and the test's own rows carry a marker no demo row has.
const MARK = `（e2e ${randomUUID().slice(0, 4)}）`;

describe('homes are task lists', () => {
  let returned;
  before(async () => {
    // the secretary files two diary entries, a lecture the township returns, and is named in a roll call
    const s = await apiLogin(ACCOUNTS.village);
    const tw = await apiLogin(ACCOUNTS.township);
    await submit(s, 'WORK_DIARY', '工作日志 · 入户了解秋收情况', { content: '走访三组农户，了解秋收和用工情况。' });
    await submit(s, 'WORK_DIARY', '工作日志 · 村两委例会', { content: '参加村两委例会，研究冬季防火。' });
    returned = await submit(s, 'PARTY_LECTURE', `主题党课 · 学习全会精神${MARK}`, {
      topic: '学习全会精神',
      place: '村党群服务中心',
      attendeeCount: 26,
    });
    const r = await api(REVIEW, { id: returned.id, c: '请补充参会党员名单和照片' }, tw);
    assert.deepEqual(r.reviewFiling.errors, []);
    const me = (await api(`{ mySecretaryProfile { id } }`, {}, s)).mySecretaryProfile;
    const m = await api(
      `mutation($i: ReportProblemInput!) { reportProblem(input: $i) { errors { code } } }`,
      { i: { id: randomUUID(), title: `村东头路灯不亮${MARK}`, description: '晚上出行不便，已经一周了。' } },
      await apiLogin(ACCOUNTS.member),
    );
    assert.deepEqual(m.reportProblem.errors, []);
    const poll = await api(
      `mutation($s: ID!) { createPoll(input: { secretaryId: $s, period: "2027" }) { errors { code } } }`,
      { s: me.id },
      tw,
    );
    assert.deepEqual(poll.createPoll.errors, []);
    const rc = await api(
      ROLL_CALL,
      { i: { id: randomUUID(), secretaryIds: [me.id], reason: 'SPOT_CHECK', note: `请于截止前在村委会签到${MARK}` } },
      tw,
    );
    assert.deepEqual(rc.startRollCall.errors, []);
  });

  it('the secretary sees the roll call, the returned filing, the outbox, the diary and the next duty', async (t) => {
    const home = (await api(`{ secretaryHome { diary { count required } nextDuty { key label } } }`, {}, await apiLogin(ACCOUNTS.village)))
      .secretaryHome;
    assert.ok(home.diary.count >= 2, 'the two diary entries count this month');
    const page = await newPage();
    let homeRequests = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && (r.postData() || '').includes('secretaryHome')) homeRequests++;
    });
    await loginAs(page, server.url, ACCOUNTS.village);
    await page.getByTestId('home-next-duty').waitFor();
    assert.equal(homeRequests, 1, 'the home is one request');
    assert.match(await page.getByTestId('home-rollcall').innerText(), /请在 \d\d:\d\d 前到村内签到应答/);
    assert.ok((await page.getByTestId('home-rollcall').allInnerTexts()).some((x) => x.includes(`请于截止前在村委会签到${MARK}`)));
    const item = page.getByTestId('returned-item').filter({ hasText: MARK });
    assert.match(await item.innerText(), /镇街意见：请补充参会党员名单和照片/);
    await page.getByTestId('outbox-badge').filter({ hasText: '全部已发送' }).waitFor();
    assert.equal(await page.getByTestId('diary-count').innerText(), `${home.diary.count}/${home.diary.required}`);
    if (home.nextDuty) assert.equal(await page.getByTestId('next-duty').innerText(), home.nextDuty.label);
    assert.equal(await page.locator('.list .item').filter({ hasText: '户主' }).count(), 0, 'no roster on the home');
    await shot(page, '90-secretary-home');
    await checkLayout(page, t);
    await page.getByTestId('lang-switch').click();
    await page.getByText('Work diary this month').waitFor();
    await shot(page, '90-secretary-home-english');
    await page.getByTestId('lang-switch').click();
    await page.getByText('本月工作日志').waitFor();

    // one tap: the returned filing opens its edit form with the township's comment
    await item.click();
    await page.waitForURL(/\/inbox\//);
    assert.match(await page.getByTestId('review-comment').innerText(), /请补充参会党员名单和照片/);
    await page.goBack();
    // the roll call's button leads to the check-in; the roster has its own screen
    await page.getByTestId('answer-rollcall').click();
    await page.waitForURL(/\/checkin$/);
    await page.goBack();
    await page.getByTestId('roster-link').click();
    await page.waitForURL(/\/households$/);
    await page.locator('.list .item').first().waitFor();
    await shot(page, '91-secretary-roster');
    await page.goBack();
    if (home.nextDuty?.key === 'household_visits') {
      await page.getByTestId('file-next-duty').click();
      await page.waitForURL(/\/duties\/new\/HOUSEHOLD_VISIT$/);
      await page.getByTestId('roster-link').waitFor(); // the visit form links to the roster too
    } else if (home.nextDuty) {
      await page.getByTestId('file-next-duty').click();
      await page.waitForURL(/\/duties/);
    }
    await page.context().close();
  });

  it('the township sees what waits today and opens the queue from its number', async (t) => {
    const page = await newPage();
    await loginAs(page, server.url, ACCOUNTS.township);
    await page.getByTestId('today-review').waitFor();
    const total = Number(await page.getByTestId('review-count').innerText());
    assert.ok(total >= 2, `two diary entries wait for review (${total})`);
    assert.ok((await page.getByTestId('waiting-filing').count()) > 0);
    const calls = await page.getByTestId('running-rollcall').allInnerTexts();
    assert.ok(
      calls.some((x) => /已应答 0\/1(?!\d)/.test(x)),
      `the test's roll call (one secretary) runs: ${calls.join(' | ')}`,
    );
    await page.getByTestId('poll-step').filter({ hasText: '请先导入参评名单' }).first().waitFor(); // a draft without its roster
    await page.getByTestId('today-problems').waitFor();
    await shot(page, '92-township-home');
    await checkLayout(page, t);

    await page.getByTestId('review-count').click();
    await page.waitForURL(/\/review$/);
    await page
      .getByTestId('queue-count')
      .filter({ hasText: String(total) })
      .waitFor();
    await shot(page, '93-township-queue');
    await page.goBack();
    await page.getByTestId('overdue-count').click();
    await page.waitForURL(/\/ledger\?overdue=1$/);
    await page.locator('[data-testid=problem-list][data-filter=overdue]').waitFor();
    await page.context().close();
  });

  it('the county sees the overview; every number opens its list', async (t) => {
    const token = await apiLogin(ACCOUNTS.county);
    const o = (
      await api(`{ countyOverview { behindCount townships { townshipName } polls { voting issuing } problems { unresolved } } }`, {}, token)
    ).countyOverview;
    const page = await newPage();
    await loginAs(page, server.url, ACCOUNTS.county);
    await page.getByTestId('overview-duties').waitFor();
    assert.equal(await page.getByTestId('township-item').count(), o.townships.length);
    assert.equal(await page.getByTestId('behind-count').innerText(), String(o.behindCount));
    assert.equal(await page.getByTestId('polls-running').innerText(), String(o.polls.voting + o.polls.issuing));
    await page.getByTestId('overview-ranking').waitFor();
    await shot(page, '94-county-home');
    await checkLayout(page, t);

    await page.getByTestId('behind-count').click();
    await page.waitForURL(/\/progress\/behind$/);
    await page
      .getByTestId('behind-total')
      .filter({ hasText: String(o.behindCount) })
      .waitFor();
    if (o.behindCount) assert.equal(await page.getByTestId('behind-item').count(), o.behindCount);
    await page.screenshot({ path: shotPath('95-county-behind') }); // the first screen of a long list
    await page.goBack();
    await page.getByTestId('township-share').first().click();
    await page.waitForURL(/\/progress\/t\//);
    await page.getByTestId('progress-list').waitFor();
    await page.goBack();
    await page.getByTestId('few-days-count').click();
    await page.waitForURL(/\/attendance\?month=\d{4}-\d{2}&few=1$/);
    await page.getByTestId('filter-few').and(page.locator('[aria-pressed=true]')).waitFor();
    await page.getByTestId('attendance-row').first().waitFor();
    assert.equal(await page.getByTestId('attendance-row').count(), await page.getByTestId('few-days').count());
    await page.screenshot({ path: shotPath('96-county-attendance-few') });
    await page.goBack();
    assert.equal(await page.getByTestId('unresolved-count').locator('strong').innerText(), String(o.problems.unresolved));
    await page.getByTestId('unresolved-count').click();
    await page.waitForURL(/\/ledger\?unresolved=1$/);
    await page.getByTestId('problem-item').first().waitFor();
    assert.equal(
      await page
        .getByTestId('problem-item')
        .filter({ hasText: /已办结|已解决/ })
        .count(),
      0,
      'only unresolved problems are listed',
    );
    await shot(page, '97-county-ledger-unresolved');
    await checkLayout(page, t);
    await page.context().close();
  });
});
