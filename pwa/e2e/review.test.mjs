// Browser tests of the township reviewer, leaders and villagers (real backend + built PWA):
// review queue (return in ≤ 3 taps, approve in 1), audit trail, roll call, progress, attendance
// sheet, county settings, and a villager's problem report. Screenshots: test-results/screenshots/8x-*.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, loginAs, screenshotter } from './helpers.mjs';

const ACCOUNTS = { county: '13800000001', township: '13800000011', village: '13810000001', member: '13820000001' };
const RUN = Date.now().toString(36).slice(-5);

let server, browser;

const { api, apiLogin } = graphqlClient(() => server.url);

/** A small solid-colour PNG (pure Node), so the filing has a photo and the queue a thumbnail. */
function png(w, h, [r, g, b]) {
  const crcTable = [...Array(256).keys()].map((n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const stripe = ((x >> 3) + (y >> 3)) % 2 ? 1 : 0.7;
      raw[o] = r * stripe;
      raw[o + 1] = g * stripe;
      raw[o + 2] = b * stripe;
    }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function uploadPhoto(token) {
  const r = await fetch(`${server.url}/media`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
    body: png(160, 120, [200, 60, 40]),
  });
  assert.ok(r.status === 200 || r.status === 201, `upload ${r.status} ${await r.clone().text()}`);
  return (await r.json()).sha256;
}

const SUBMIT = `mutation($input: FilingInput!) { submitFiling(input: $input) { filing { id status title } errors { code message field } } }`;
async function submitFiling(token, input) {
  const d = await api(
    SUBMIT,
    {
      input: {
        id: randomUUID(),
        occurredOn: new Date().toISOString().slice(0, 10),
        recordedAt: new Date().toISOString(),
        photos: [],
        ...input,
      },
    },
    token,
  );
  assert.deepEqual(d.submitFiling.errors, [], 'submitFiling');
  assert.equal(d.submitFiling.filing.status, 'SUBMITTED');
  return d.submitFiling.filing;
}

const newPage = (opts = {}) => newPhonePage(browser, { acceptDownloads: true, ...opts });

const login = (page, phone) => loginAs(page, server.url, phone);

const shot = screenshotter('8x-');

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('township review (镇街审核)', () => {
  it('returns a filing with a comment in ≤ 3 taps, approves another in 1, keeps the audit trail', async () => {
    const sec = await apiLogin(ACCOUNTS.village);
    const sha = await uploadPhoto(sec);
    const toReturn = await submitFiling(sec, {
      kind: 'WORK_DIARY',
      title: `e2e 工作日志 ${RUN}`,
      body: { content: '走访了村里的三户困难户，了解春耕准备情况。' },
      lat: 28.2,
      lng: 112.9,
      accuracyM: 12,
      photos: [sha],
    });
    const toApprove = await submitFiling(sec, {
      kind: 'PARTY_LECTURE',
      title: `e2e 主题党课 ${RUN}`,
      body: { topic: '学习二十届四中全会精神', place: '村党群服务中心', attendeeCount: 28 },
    });

    const page = await newPage();
    await login(page, ACCOUNTS.township);
    await page.getByTestId('nav-review').click();
    await page.waitForURL(/\/review$/);
    // the demo township has a queue of its own, oldest first: look at the secretary's village
    const village = (await api(`{ me { orgUnit { id } } }`, {}, sec)).me.orgUnit.id;
    await page.locator('#rq-village').selectOption(village);
    const cardA = page.getByTestId('queue-item').filter({ hasText: toReturn.title });
    const cardB = page.getByTestId('queue-item').filter({ hasText: toApprove.title });
    await cardA.waitFor();
    await cardB.waitFor();
    assert.match(await cardA.innerText(), /工作日志/);
    assert.match(await cardA.innerText(), /±12 米/);
    // the thumbnail is fetched with the bearer header and shown through a blob: URL (once the
    // card is scrolled into view: the demo's older filings come first)
    await cardA.locator('[data-testid=thumb]').scrollIntoViewIfNeeded();
    await cardA.locator('[data-testid=thumb] img').waitFor();
    assert.match(await cardA.locator('[data-testid=thumb] img').getAttribute('src'), /^blob:/);
    await shot(page, '01-review-queue');

    // 退回 → 照片不清晰 → 确认退回: three taps
    let taps = 0;
    await cardA.getByTestId('return').click();
    taps++;
    await cardA.getByRole('button', { name: '照片不清晰' }).click();
    taps++;
    assert.equal(await cardA.getByTestId('return-comment').inputValue(), '照片不清晰');
    await shot(page, '02-review-return-reason');
    await cardA.getByTestId('confirm-return').click();
    taps++;
    assert.ok(taps <= 3, `return took ${taps} taps`);
    await cardA.waitFor({ state: 'detached' });
    await page.getByTestId('toast').filter({ hasText: '已退回' }).waitFor();

    // the secretary's inbox has it, with the comment
    const inbox = await api(`{ myInbox(first: 50) { edges { node { id status reviewComment } } } }`, {}, sec);
    const back = inbox.myInbox.edges.map((e) => e.node).find((f) => f.id === toReturn.id);
    assert.ok(back, "returned filing is in the secretary's inbox");
    assert.equal(back.status, 'RETURNED');
    assert.match(back.reviewComment, /照片不清晰/);

    // 通过: one tap
    await cardB.getByTestId('approve').click();
    await cardB.waitFor({ state: 'detached' });
    await page.getByTestId('toast').filter({ hasText: '已通过' }).waitFor();
    const tw = await apiLogin(ACCOUNTS.township);
    const fb = await api(`query($id: ID!) { filing(id: $id) { status } }`, { id: toApprove.id }, tw);
    assert.equal(fb.filing.status, 'APPROVED');
    await shot(page, '03-review-after');

    // the audit trail of the returned filing: who / when / what / comment
    await page.goto(`${server.url}/filings/${toReturn.id}`);
    await page.getByTestId('history').waitFor();
    const hist = await page.getByTestId('history').innerText();
    assert.match(hist, /退回/);
    assert.match(hist, /照片不清晰/);
    assert.equal(await page.getByTestId('filing-status').innerText(), '已退回');
    await shot(page, '04-filing-history');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('a comment is required to return; the queue filters by kind', async () => {
    const sec = await apiLogin(ACCOUNTS.village);
    const f = await submitFiling(sec, {
      kind: 'TECH_TRAINING',
      title: `e2e 农技培训 ${RUN}`,
      body: { topic: '柑橘修剪', trainer: '县农技站', attendeeCount: 35 },
    });
    const page = await newPage();
    await login(page, ACCOUNTS.township);
    await page.goto(server.url + '/review');
    await page.getByLabel('类别').selectOption('TECH_TRAINING');
    const card = page.getByTestId('queue-item').filter({ hasText: f.title });
    await card.waitFor();
    assert.equal(await page.getByTestId('queue-item').filter({ hasNotText: '农技培训' }).count(), 0);
    await card.getByTestId('return').click();
    await card.getByTestId('confirm-return').click();
    await card.getByText('请填写退回原因').waitFor();
    await card.getByRole('button', { name: '取消' }).click();
    await card.getByTestId('approve').waitFor();
    await page.context().close();
  });
});

describe('roll call and attendance (点名与考勤)', () => {
  it('the township starts a roll call naming the demo secretary and sees it open, unanswered', async () => {
    const sec = await apiLogin(ACCOUNTS.village);
    const me = (await api(`{ mySecretaryProfile { id name village { name } } }`, {}, sec)).mySecretaryProfile;
    const page = await newPage();
    await login(page, ACCOUNTS.township);
    await page.getByTestId('nav-rollcalls').click();
    await page.waitForURL(/\/rollcalls$/);
    await page.getByTestId('rollcall-new').click();
    await page.locator(`#rc-${me.id}`).check();
    // each secretary shows how many roll calls are left this month (国办函〔2026〕12号: capped)
    const pick = page.getByTestId('rollcall-pick').filter({ has: page.locator(`#rc-${me.id}`) });
    assert.match(await pick.getByTestId('rollcall-left').innerText(), /本月还可点名 [12] 次/);
    // a roll call needs a reason: refused on the phone before anything is sent
    await page.getByTestId('rollcall-start').click();
    await page.locator('.form-err').getByText('请选择点名事由').waitFor();
    await page.getByLabel('督查抽查').check();
    await page.getByLabel(/^事由说明/).fill(`e2e 点名 ${RUN}`);
    await shot(page, '05a-rollcall-form');
    await page.getByTestId('rollcall-start').click();
    assert.match(await page.getByRole('alertdialog').innerText(), /点名事由：督查抽查/);
    await shot(page, '05-rollcall-confirm');
    await page.getByTestId('confirm-yes').click();
    const rc = page.getByTestId('rollcall').filter({ hasText: `e2e 点名 ${RUN}` });
    await rc.waitFor();
    assert.match(await rc.getByTestId('rollcall-reason').innerText(), /点名事由：督查抽查/);
    assert.equal(await rc.getAttribute('data-open'), '1');
    assert.equal(await rc.getByTestId('rollcall-state').innerText(), '进行中');
    const target = rc.getByTestId('rollcall-target').filter({ hasText: me.name });
    assert.equal(await target.getAttribute('data-state'), 'wait');
    assert.match(await target.innerText(), /未签到/);
    await shot(page, '06-rollcall-open');

    // and through the API: open, naming the secretary, not answered
    const tw = await apiLogin(ACCOUNTS.township);
    const list = await api(`{ rollCalls(first: 5) { edges { node { reason note open targets { secretary { id } answered } } } } }`, {}, tw);
    const mine = list.rollCalls.edges.map((e) => e.node).find((r) => r.note === `e2e 点名 ${RUN}`);
    assert.ok(mine?.open);
    assert.equal(mine.reason, 'SPOT_CHECK');
    assert.deepEqual(
      mine.targets.map((x) => [x.secretary.id, x.answered]),
      [[me.id, false]],
    );

    // the secretary checks in far outside the village: flagged, not an answer
    const v = (await api(`{ me { orgUnit { centerLat centerLng } } }`, {}, sec)).me.orgUnit;
    const CHECKIN = `mutation($input: CheckInInput!) { checkIn(input: $input) { checkIn { insideGeofence } errors { code message } } }`;
    const out = await api(
      CHECKIN,
      { input: { id: randomUUID(), at: new Date().toISOString(), lat: v.centerLat + 0.2, lng: v.centerLng, accuracyM: 10 } },
      sec,
    );
    assert.equal(out.checkIn.checkIn.insideGeofence, false);
    await page.reload();
    await target.and(page.locator('[data-state=outside]')).waitFor();
    assert.match(await target.innerText(), /围栏外签到/);
    // then inside: the open list refreshes by itself (every 15 s) and shows the answer
    const ins = await api(
      CHECKIN,
      { input: { id: randomUUID(), at: new Date().toISOString(), lat: v.centerLat, lng: v.centerLng, accuracyM: 10 } },
      sec,
    );
    assert.equal(ins.checkIn.checkIn.insideGeofence, true);
    await target.and(page.locator('[data-state=ok]')).waitFor({ timeout: 25_000 });
    assert.match(await rc.innerText(), /已应答 1 \/ 1/);
    await shot(page, '06b-rollcall-answered');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('a roll call over the monthly cap is refused; the township verifies by video; the county sees reasons', async () => {
    const tw = await apiLogin(ACCOUNTS.township);
    const START = `mutation($i: StartRollCallInput!) { startRollCall(input: $i) { rollCall { id } errors { code message } } }`;
    const allowance = (await api(`{ rollCallAllowance { secretary { id name } left cap } }`, {}, tw)).rollCallAllowance;
    const x = allowance.find((a) => a.left > 0 && a.left < a.cap) || allowance.find((a) => a.left > 0);
    assert.ok(x, 'a secretary with roll calls left this month');
    const page = await newPage();
    await login(page, ACCOUNTS.township);
    await page.goto(`${server.url}/rollcalls`);
    await page.getByTestId('rollcall-new').click();
    await page.locator(`#rc-${x.secretary.id}`).check();
    await page.getByLabel('应急').check();
    await page.getByLabel(/^事由说明/).fill(`e2e 上限 ${RUN}`);
    // meanwhile (another phone) the remaining roll calls of the month name the same secretary
    for (let i = 0; i < x.left; i++) {
      const r = await api(
        START,
        { i: { id: randomUUID(), secretaryIds: [x.secretary.id], reason: 'SECURITY', note: `e2e 核实 ${RUN}` } },
        tw,
      );
      assert.deepEqual(r.startRollCall.errors, []);
    }
    await page.getByTestId('rollcall-start').click();
    await page.getByTestId('confirm-yes').click();
    const refusal = page.locator('.form-err[data-code=ROLL_CALL_CAP_REACHED]');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), new RegExp(`${x.secretary.name}.*本月已被点名 ${x.cap} 次`));
    const pick = page.getByTestId('rollcall-pick').filter({ has: page.locator(`#rc-${x.secretary.id}`) });
    await pick.getByText(`本月 ${x.cap} 次已用完`).waitFor();
    assert.equal(await page.locator(`#rc-${x.secretary.id}`).isChecked(), false); // unpicked, and now disabled
    assert.equal(await page.locator(`#rc-${x.secretary.id}`).isDisabled(), true);
    await shot(page, '05b-rollcall-refused');
    await page.getByRole('button', { name: '取消' }).click();

    // the township reached the secretary by video: recorded, with a confirmation, counts as answered
    await page.reload();
    const rc = page
      .getByTestId('rollcall')
      .filter({ hasText: `e2e 核实 ${RUN}` })
      .first();
    const target = rc.getByTestId('rollcall-target').filter({ hasText: x.secretary.name });
    await target.getByTestId('verify-open').click();
    await target.getByLabel('视频').check();
    await target.getByLabel('核实情况').fill('视频中看到其在村委会');
    await target.getByTestId('verify-submit').click();
    assert.match(await target.getByRole('alertdialog').innerText(), /视频确认.+在岗/);
    await shot(page, '05c-rollcall-verify-confirm');
    await target.getByTestId('confirm-yes').click();
    await target.and(page.locator('[data-state=verified]')).waitFor();
    assert.match(await target.getByTestId('verification').innerText(), /视频中看到其在村委会/);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();

    // the county sees every roll call with its reason
    const county = await newPage();
    await login(county, ACCOUNTS.county);
    await county.getByTestId('nav-rollcalls').click();
    await county.waitForURL(/\/rollcalls$/);
    const seen = county
      .getByTestId('rollcall')
      .filter({ hasText: `e2e 核实 ${RUN}` })
      .first();
    await seen.waitFor();
    assert.match(await seen.getByTestId('rollcall-reason').innerText(), /点名事由：安全/);
    assert.equal(await county.getByTestId('rollcall-new').count(), 0);
    assert.equal(await county.getByTestId('verify-open').count(), 0);
    await county.context().close();
  });

  it('the county sees the monthly attendance sheet and downloads the .xlsx', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('nav-attendance').click();
    await page.waitForURL(/\/attendance/);
    await page.getByTestId('attendance-table').or(page.getByText('暂无数据')).first().waitFor();
    await shot(page, '07-attendance-summary');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    assert.match(dl.suggestedFilename(), /\.xlsx$/);
    const file = readFileSync(await dl.path());
    assert.equal(file.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip');
    await page.context().close();
  });
});

describe('progress and county settings (履职进度与设置)', () => {
  it("the township sees each secretary's 八个一 and drills into one", async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.township);
    await page.getByTestId('nav-progress').click();
    await page.getByTestId('progress-item').first().waitFor();
    assert.match(await page.getByTestId('progress-item').first().innerText(), /\d+\/\d+/);
    assert.ok((await page.getByTestId('duty-chip').count()) >= 8);
    await shot(page, '08-township-progress');
    await page.getByTestId('progress-item').first().click();
    await page.waitForURL(/\/progress\/s\//);
    await page.getByTestId('duty').first().waitFor();
    assert.ok((await page.getByTestId('duty').count()) >= 8);
    await shot(page, '09-duty-progress');
    await page.context().close();
  });

  it('the county edits a threshold with validation and a confirmation', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('nav-settings').click();
    const field = page.getByLabel('驻村补贴（元/天）');
    await field.waitFor();
    const before = await field.inputValue();
    await field.fill('-3');
    await page.getByTestId('settings-save').click();
    await page.getByText('请输入非负整数').waitFor();
    await field.fill(String(Number(before) + 5));
    await page.getByTestId('settings-save').click();
    await page.getByTestId('confirm-yes').waitFor();
    await shot(page, '10-county-settings-confirm');
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('settings-saved').waitFor();
    const county = await apiLogin(ACCOUNTS.county);
    const s = await api(`{ countySettings { allowanceYuanPerDay } }`, {}, county);
    assert.equal(s.countySettings.allowanceYuanPerDay, Number(before) + 5);
    // put it back
    await api(
      `mutation($v: Int) { updateCountySettings(input: { allowanceYuanPerDay: $v }) { errors { code } } }`,
      { v: Number(before) },
      county,
    );
    await page.context().close();
  });
});

describe('villager problem report (群众反映问题)', () => {
  it('the member reports a problem from the public page and sees it in their list', async () => {
    const title = `e2e 村口路灯不亮 ${RUN}`;
    const page = await newPage();
    await login(page, ACCOUNTS.member);
    await page.getByTestId('nav-report').click();
    await page.waitForURL(/\/report$/);
    await page.getByLabel('问题标题').fill(title);
    await page.getByLabel('详细描述').fill('晚上七点以后村口一片漆黑，老人出行不便。');
    await shot(page, '11-member-report');
    await page.getByTestId('report-submit').click();
    await page.waitForURL(/\/my-problems/);
    const item = page.getByTestId('problem-item').filter({ hasText: title });
    await item.waitFor();
    assert.equal(await item.getByTestId('problem-status').innerText(), '待处理');
    await shot(page, '12-member-my-problems');

    // it is in the secretary's problem ledger
    const sec = await apiLogin(ACCOUNTS.village);
    const d = await api(`{ problems(first: 50) { edges { node { title source status } } } }`, {}, sec);
    const p = d.problems.edges.map((e) => e.node).find((x) => x.title === title);
    assert.ok(p, "the report is in the secretary's ledger");
    assert.equal(p.source, 'VILLAGER');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('a report made offline waits on the phone and is sent when the connection is back', async () => {
    const title = `e2e 离线反映 ${RUN}`;
    const page = await newPage();
    await login(page, ACCOUNTS.member);
    // load the screens once online (lazy chunks), then lose the connection
    await page.getByTestId('nav-my-problems').click();
    await page.getByTestId('problem-item').first().or(page.getByText('暂无数据')).first().waitFor();
    await page.getByRole('link', { name: '反映问题' }).first().click();
    await page.getByLabel('问题标题').waitFor();
    await page.context().setOffline(true);
    await page.getByLabel('问题标题').fill(title);
    await page.getByTestId('report-submit').click();
    await page.waitForURL(/\/my-problems/);
    const pending = page.getByTestId('problem-pending').filter({ hasText: title });
    await pending.waitFor();
    assert.match(await pending.innerText(), /等待发送|正在发送/);
    assert.match(await page.getByTestId('report-saved').innerText(), /联网后自动提交/);
    await shot(page, '13-member-offline-queued');
    await page.context().setOffline(false);
    await pending.waitFor({ state: 'detached', timeout: 30_000 });
    const item = page.getByTestId('problem-item').filter({ hasText: title });
    await item.waitFor();
    assert.equal(await item.getByTestId('problem-status').innerText(), '待处理');
    await page.context().close();
  });
});
