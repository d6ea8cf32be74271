// Attendance without a punch clock (以事管人, issue 13 item 1): a first secretary who never checks in
// files work in the village (a diary through the form, positioned at the village centre; meetings
// on earlier days), sees the month's stationed days and where they come from (我的考勤), declares
// a training day; the township confirms the month (with a confirmation first) and the allowance
// sheet shows the confirmed days. 390×844 and 360×740: no sideways scroll, tap targets ≥ 44 px.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, loginAs, screenshotter } from './helpers.mjs';

const TOWNSHIP = '13800000011';
const shot = screenshotter('st-');
let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const pad = (n) => String(n).padStart(2, '0');
function beijingToday() {
  const d = new Date(Date.now() + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
const weekday = (iso) => new Date(`${iso}T12:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday

/** No sideways scroll, and every visible button or link at least 44 px tall. */
async function checkLayout(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label}: sideways scroll ${overflow}px`);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main button, main a.btn, main a.item, main input, main select')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e.textContent.trim().slice(0, 20) || e.id, Math.round(e.getBoundingClientRect().height)])
      .filter(([, h]) => h < 44),
  );
  assert.deepEqual(small, [], `${label}: tap targets under 44 px`);
}

describe('stationed days from work, confirmed by the township (以事管人)', () => {
  it('a secretary who never checks in files work in the village; the township confirms; the allowance shows the days', async () => {
    const today = beijingToday();
    const month = today.slice(0, 7);
    const tToken = await apiLogin(TOWNSHIP);
    // A resident secretary of the township with an account and no check-in this month.
    const secs = (
      await api(
        `{ secretaries(first: 100) { edges { node { id name phone mode hasAccount village { id name centerLat centerLng } } } } }`,
        {},
        tToken,
      )
    ).secretaries.edges.map((e) => e.node);
    let sec = null;
    for (const s of secs.filter((x) => x.mode === 'RESIDENT' && x.hasAccount && x.village.centerLat != null)) {
      const n = (
        await api(`query($s: ID!, $m: String!) { checkIns(secretaryId: $s, month: $m) { totalCount } }`, { s: s.id, m: month }, tToken)
      ).checkIns.totalCount;
      if (n === 0) {
        sec = s;
        break;
      }
    }
    assert.ok(sec, 'a resident secretary without check-ins this month');
    const centre = { latitude: sec.village.centerLat + 0.0005, longitude: sec.village.centerLng, accuracy: 15 };
    const sToken = await apiLogin(sec.phone);

    // Meetings on earlier workdays of the month (as filed from the phone, positioned in the village),
    // and a diary on another day positioned 20 km away: 待核实, not counted, not punished.
    const earlier = [];
    for (let d = 1; d < Number(today.slice(8, 10)); d++) {
      const iso = `${month}-${pad(d)}`;
      if (weekday(iso) >= 1 && weekday(iso) <= 5) earlier.push(iso);
    }
    const submit = (iso, kind, lat, body) =>
      api(
        `mutation($i: FilingInput!) { submitFiling(input: $i) { filing { id } errors { code message } } }`,
        {
          i: {
            id: crypto.randomUUID(),
            kind,
            occurredOn: iso,
            recordedAt: `${iso}T10:00:00+08:00`,
            title: kind === 'COMMITTEE_MEETING' ? '村工作例会' : '工作日志',
            body,
            lat,
            lng: sec.village.centerLng,
            accuracyM: 15,
          },
        },
        sToken,
      ).then((d) => assert.deepEqual(d.submitFiling.errors, []));
    const meetingDays = earlier.slice(0, 2);
    for (const iso of meetingDays)
      await submit(iso, 'COMMITTEE_MEETING', sec.village.centerLat, { topic: '研究灌溉渠维修', attendees: 9, minutes: '议定分工' });
    const outsideDay = earlier[2];
    if (outsideDay) await submit(outsideDay, 'WORK_DIARY', sec.village.centerLat + 0.2, { content: '在县城参加会议后整理材料' });

    // Today: a diary through the form, the phone's position at the village centre.
    const ctx = await browser.newContext({ ...PHONE, permissions: ['geolocation'], geolocation: centre });
    const page = trackErrors(await ctx.newPage(), { ignore: /Failed to load resource/ });
    await submitLogin(page, server.url, sec.phone);
    await page.getByTestId('duties-link').waitFor();
    await page.goto(server.url + '/duties');
    await page.getByTestId('file-work_diary').click();
    await page.getByTestId('form-title').waitFor();
    await page.getByLabel('内容').fill('上午走访三户，下午召开村民小组会。');
    await page
      .getByTestId('geo')
      .filter({ hasText: /已定位/ })
      .waitFor();
    await page.getByTestId('queue-submit').click();
    await page.waitForURL(/\/outbox$/);
    await page.waitForFunction(() => document.querySelector('[data-testid=outbox-item]')?.dataset.state === 'sent', null, {
      timeout: 30_000,
    });

    // 我的考勤: the days and where they come from; check-in offered as optional.
    await page.goto(server.url + '/');
    await page.getByTestId('my-attendance-link').click();
    await page.waitForURL(/\/my-attendance/);
    await page.getByTestId('my-month').waitFor();
    assert.equal(await page.getByTestId('my-status').innerText(), '待镇街确认');
    assert.match(await page.getByTestId('optional-checkin').innerText(), /我在村（可选）/);
    for (const iso of meetingDays) {
      const row = page.locator(`[data-testid=my-day][data-day="${iso}"]`);
      assert.equal(await row.getAttribute('data-state'), 'COUNTED', iso);
      assert.match(await row.innerText(), /村工作例会/);
    }
    if (outsideDay) {
      const row = page.locator(`[data-testid=my-day][data-day="${outsideDay}"]`);
      const state = await row.getAttribute('data-state');
      assert.ok(state === 'REVIEW' || state === 'COUNTED', `${outsideDay}: ${state}`); // COUNTED only if the demo filed inside that day
      if (state === 'REVIEW') assert.match(await row.innerText(), /待核实/);
    }
    if (weekday(today) >= 1 && weekday(today) <= 5) {
      const row = page.locator(`[data-testid=my-day][data-day="${today}"]`);
      assert.equal(await row.getAttribute('data-state'), 'COUNTED');
      assert.match(await row.innerText(), /工作日志/);
    }
    await checkLayout(page, 'my-attendance 390');
    await shot(page, '01-my-attendance');

    // Declare a training day (asks first).
    const free = earlier.find((iso) => !meetingDays.includes(iso) && iso !== outsideDay);
    if (free) {
      await page.getByTestId('declare-day').fill(free);
      await page.getByTestId('declare-reason').selectOption('TRAINING');
      await page.getByTestId('declare-note').fill('县委组织部第一书记培训');
      await page.getByTestId('declare-submit').click();
      assert.match(await page.getByRole('alertdialog').innerText(), /为“培训”/);
      await shot(page, '02-declare-confirm');
      await page.getByTestId('confirm-yes').click();
      const row = page.locator(`[data-testid=my-day][data-day="${free}"]`, { hasText: '培训' });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'COUNTED');
    }
    const mine = (
      await api(
        `query($m: String!) { myAttendanceMonth(month: $m) { derivedDays stationedDays rateYuanPerDay days { counted } } }`,
        { m: month },
        sToken,
      )
    ).myAttendanceMonth;
    assert.equal(mine.derivedDays, mine.days.filter((d) => d.counted).length);
    assert.ok(mine.derivedDays >= meetingDays.length + (free ? 1 : 0));
    await page.setViewportSize({ width: 360, height: 740 });
    await checkLayout(page, 'my-attendance 360');
    await shot(page, '03-my-attendance-360');
    await ctx.close();

    // The township confirms the secretary's month (asks first); the numbers are frozen.
    const tctx = await browser.newContext({ ...PHONE });
    const tpage = trackErrors(await tctx.newPage());
    await loginAs(tpage, server.url, TOWNSHIP);
    await tpage.getByTestId('nav-attendance-confirm').click();
    await tpage.waitForURL(/\/attendance\/confirm/);
    const row = tpage.getByTestId('confirm-row').filter({ hasText: sec.name }).first();
    await row.waitFor();
    assert.equal(await row.getByTestId('row-status').innerText(), '待镇街确认');
    assert.equal(await row.getByTestId('row-days').innerText(), String(mine.derivedDays));
    await checkLayout(tpage, 'confirm 390');
    await shot(tpage, '04-township-confirm');
    await row.getByTestId('confirm-one').click();
    assert.match(await row.getByRole('alertdialog').innerText(), new RegExp(`驻村 ${mine.derivedDays} 天`));
    await shot(tpage, '05-township-confirm-ask');
    await row.getByTestId('confirm-yes').click();
    await tpage.waitForFunction(
      (name) =>
        [...document.querySelectorAll('[data-testid=confirm-row]')].some(
          (e) => e.dataset.secretary === name && e.querySelector('[data-testid=row-status]').textContent === '镇街已确认',
        ),
      sec.name,
    );
    await tpage.setViewportSize({ width: 360, height: 740 });
    await checkLayout(tpage, 'confirm 360');
    await shot(tpage, '06-township-confirm-360');

    // The allowance sheet shows the confirmed days and allowance.
    await tpage.goto(`${server.url}/attendance?month=${month}`);
    const line = tpage.getByTestId('attendance-row').filter({ hasText: sec.name }).first();
    await line.waitFor();
    const text = await line.innerText();
    assert.match(text, /镇街已确认/);
    assert.match(text, new RegExp(`驻村天数 ${mine.derivedDays} · 补贴（元） ${mine.derivedDays * mine.rateYuanPerDay}`));
    await shot(tpage, '07-allowance-sheet');
    // Still no check-in at all.
    const checks = await api(
      `query($s: ID!, $m: String!) { checkIns(secretaryId: $s, month: $m) { totalCount } }`,
      { s: sec.id, m: month },
      tToken,
    );
    assert.equal(checks.checkIns.totalCount, 0);
    assert.deepEqual(tpage.consoleErrors, []);
    await tctx.close();
  });
});
