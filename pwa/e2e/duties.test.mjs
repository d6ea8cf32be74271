// First secretary's 八个一 offline: outbox in IndexedDB, photos compressed and uploaded by hash,
// exactly-once delivery, return → edit → resubmit → approve, two tabs, check-in.
// node:test + playwright-core + /usr/bin/chromium against the real backend (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, screenshotter, makeJpeg, fileDuty as fileDutyAt } from './helpers.mjs';

const SECRETARY = '13810000001'; // village 1 of township 1
const SECRETARY2 = '13810000002';
const TOWNSHIP = '13800000011';

let server, browser;

const { api, apiLogin } = graphqlClient(() => server.url);
const FILING_Q = `query($id: ID!) { filing(id: $id) { id kind status version title body photos { sha256 } history { action version comment } } }`;
async function myFilings(token) {
  const d = await api(`{ myFilings(first: 100) { totalCount edges { node { id kind title status version } } } }`, {}, token);
  return d.myFilings.edges.map((e) => e.node);
}
async function review(token, id, decision, comment = null) {
  const d = await api(
    `mutation($id: ID!, $d: ReviewDecision!, $c: String) { reviewFiling(id: $id, decision: $d, comment: $c) {
    filing { id status version } errors { code message } } }`,
    { id, d: decision, c: comment },
    token,
  );
  assert.deepEqual(d.reviewFiling.errors, [], `review ${decision}`);
  return d.reviewFiling.filing;
}

async function newContext(opts = {}) {
  return browser.newContext({
    ...PHONE,
    permissions: ['geolocation'],
    geolocation: { latitude: 30.0, longitude: 120.0, accuracy: 12 },
    ...opts,
  });
}
const track = async (page) => trackErrors(page, { ignore: /Failed to load resource|ERR_INTERNET_DISCONNECTED/, acceptDialogs: true });
async function login(page, phone) {
  await submitLogin(page, server.url, phone);
  await page.getByTestId('duties-link').waitFor();
  // be controlled by the service worker so that reloads work offline
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await page.getByTestId('duties-link').waitFor();
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'page controlled by SW');
}
const shot = screenshotter('7x-');
const fileDuty = (page, filing) => fileDutyAt(page, server.url, filing);

/** What the outbox holds in IndexedDB (items + photo sizes), read in the page. */
function readOutbox() {
  return new Promise((res, rej) => {
    const r = indexedDB.open('zct-outbox');
    r.onerror = () => rej(r.error);
    r.onsuccess = () => {
      const tx = r.result.transaction(['items', 'photos']);
      const out = {};
      tx.objectStore('items').getAll().onsuccess = (e) => {
        out.items = e.target.result.map(({ id, ref, op, state, photos }) => ({ id, ref, op, state, photos }));
      };
      tx.objectStore('photos').getAll().onsuccess = (e) => {
        out.photos = e.target.result.map(({ sha, size, width, height, blob }) => ({
          sha,
          size,
          width,
          height,
          type: blob.type,
          blobSize: blob.size,
        }));
      };
      tx.oncomplete = () => {
        r.result.close();
        res(out);
      };
    };
  });
}

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('first secretary files duties offline', () => {
  it('queues three filings with photos offline, survives a reload, sends each exactly once; returned → fixed → approved', async () => {
    const sToken = await apiLogin(SECRETARY);
    const tToken = await apiLogin(TOWNSHIP);
    const me = await api(`{ me { orgUnit { id } } }`, {}, sToken);
    const hh = (
      await api(
        `query($v: ID!) { households(villageId: $v, first: 1) { edges { node { id headName } } } }`,
        { v: me.me.orgUnit.id },
        sToken,
      )
    ).households.edges[0].node;
    const before = (await api(`{ dutyProgress { completedCount duties { key complete } } }`, {}, sToken)).dutyProgress;
    assert.equal(before.duties.find((d) => d.key === 'party_lecture').complete, false);

    const ctx = await newContext();
    const page = await track(await ctx.newPage());
    const sends = [];
    ctx.on('request', (r) => {
      const body = r.postData() || '';
      if (r.url().endsWith('/graphql') && /submitFiling|editFiling/.test(body)) sends.push(JSON.parse(body).variables.input.id);
      if (r.url().endsWith('/uploads') && r.method() === 'POST') sends.push('media'); // a photo's upload (resumable)
    });
    await login(page, SECRETARY);
    await page.getByTestId('outbox-badge').filter({ hasText: '全部已发送' }).waitFor();
    await shot(page, 'secretary-home');
    await page.getByTestId('duties-link').click();
    await page.locator('[data-testid=duties][data-roster=ready]').waitFor(); // roster cached for offline
    assert.equal(await page.locator('.duty').count(), 8);
    await shot(page, 'checklist-before');
    const photos = [await makeJpeg(page, 1), await makeJpeg(page, 2), await makeJpeg(page, 3)];
    assert.ok(photos[0].length > 300 * 1024, `test photo should be big (${photos[0].length})`);

    await ctx.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    const visit = await fileDuty(page, {
      kind: 'HOUSEHOLD_VISIT',
      testid: 'file-household_visits',
      household: hh.headName,
      fields: { 走访情况: '了解种植情况，反映灌溉渠年久失修' },
      photos: [photos[0], photos[1]],
    });
    await shot(page, 'outbox-one-queued');
    const lecture = await fileDuty(page, {
      kind: 'PARTY_LECTURE',
      testid: 'file-party_lecture',
      fields: { 主题: '学习二十届三中全会精神', 地点: '村党群服务中心', 参加人数: '25' },
      photos: [photos[2]],
    });
    const diary = await fileDuty(page, {
      kind: 'WORK_DIARY',
      testid: 'file-work_diary',
      fields: { 内容: '上午走访三户，下午召开村两委会议。' },
      photos: [photos[0]],
    });
    const ids = [visit, lecture, diary];
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(sends, [], 'nothing sent while offline');

    // reload while offline: still queued (IndexedDB), shown as 待发送
    await page.reload();
    await page.getByTestId('outbox-item').nth(2).waitFor();
    const states = await page.getByTestId('outbox-item').evaluateAll((els) => els.map((e) => e.dataset.state));
    assert.deepEqual(states, ['waiting', 'waiting', 'waiting']);
    assert.match(await page.getByTestId('outbox-item').first().innerText(), /待发送/);
    const stored = await page.evaluate(readOutbox);
    assert.equal(stored.items.length, 3);
    assert.equal(stored.photos.length, 3, 'photos deduplicated by hash');
    for (const p of stored.photos) {
      assert.ok(p.blobSize <= 300 * 1024, `photo ≤ 300 KB (${p.blobSize})`);
      assert.ok(Math.max(p.width, p.height) <= 1600, `long edge ≤ 1600 (${p.width}×${p.height})`);
      assert.equal(p.type, 'image/jpeg');
      assert.match(p.sha, /^[0-9a-f]{64}$/);
    }
    await shot(page, 'outbox-offline-after-reload');

    // back online: the outbox sends by itself, in order, each exactly once
    await ctx.setOffline(false);
    await page.waitForFunction(
      () => {
        const s = [...document.querySelectorAll('[data-testid=outbox-item]')].map((e) => e.dataset.state);
        return s.length === 3 && s.every((x) => x === 'sent');
      },
      null,
      { timeout: 30_000 },
    );
    await shot(page, 'outbox-sent');
    const filingSends = sends.filter((s) => s !== 'media');
    assert.deepEqual(filingSends, ids, 'one submitFiling per item, in creation order');
    assert.equal(sends.filter((s) => s === 'media').length, 3, 'each distinct photo uploaded once');
    const server1 = await myFilings(sToken);
    for (const id of ids) assert.equal(server1.filter((f) => f.id === id).length, 1, `filing ${id} exactly once`);
    for (const id of ids) {
      const f = (await api(FILING_Q, { id }, sToken)).filing;
      assert.equal(f.status, 'SUBMITTED');
      assert.equal(f.history.filter((h) => h.action === 'submitted').length, 1);
    }
    assert.equal((await api(FILING_Q, { id: visit }, sToken)).filing.photos.length, 2);
    const sent = await page.evaluate(readOutbox);
    assert.equal(sent.photos.length, 0, 'photo blobs dropped once sent');

    // the township returns the party lecture
    await review(tToken, lecture, 'RETURN', '请补充党课签到照片和参加人数');
    await page.goto(server.url + '/outbox');
    await page.locator(`[data-testid=outbox-item][data-ref="${lecture}"][data-state=returned]`).waitFor({ timeout: 15_000 });
    assert.match(await page.locator(`[data-testid=outbox-item][data-ref="${lecture}"]`).innerText(), /被退回[\s\S]*请补充党课签到照片/);
    await shot(page, 'outbox-returned');
    await page.goto(server.url + '/duties');
    await page.getByTestId('inbox-link').click();
    await page.locator(`[data-testid=inbox-item][data-id="${lecture}"]`).click();
    await page.getByTestId('review-comment').waitFor();
    assert.match(await page.getByTestId('review-comment').innerText(), /请补充党课签到照片/);
    assert.equal(await page.getByLabel('参加人数').inputValue(), '25');
    await page.getByLabel('参加人数').fill('31');
    await page.locator('#ff-photo').setInputFiles([{ name: 'sign.jpg', mimeType: 'image/jpeg', buffer: await makeJpeg(page, 4) }]);
    await page.locator('.thumbs li').nth(1).locator('img').waitFor();
    await shot(page, 'edit-returned');
    await page.getByTestId('queue-submit').click();
    await page.waitForURL(/\/outbox$/);
    await page.locator(`[data-testid=outbox-item][data-ref="${lecture}"][data-state=sent]`).first().waitFor({ timeout: 15_000 });
    const edited = (await api(FILING_Q, { id: lecture }, sToken)).filing;
    assert.equal(edited.status, 'SUBMITTED');
    assert.equal(edited.body.attendeeCount, 31);
    assert.equal(edited.photos.length, 2);
    assert.deepEqual(
      edited.history.map((h) => h.action),
      ['submitted', 'returned', 'resubmitted'],
    );

    // approved → the checklist shows the party lecture done
    await review(tToken, lecture, 'APPROVE');
    await page.goto(server.url + '/duties');
    await page.locator('.duty[data-key=party_lecture][data-complete="1"]').waitFor();
    const after = (await api(`{ dutyProgress { completedCount duties { key complete numerator } } }`, {}, sToken)).dutyProgress;
    assert.equal(after.completedCount, before.completedCount + 1);
    assert.ok(after.duties.find((d) => d.key === 'household_visits').numerator >= 1);
    await shot(page, 'checklist-after');
    await page.goto(server.url + '/outbox');
    await page.locator(`[data-testid=outbox-item][data-ref="${lecture}"][data-state=approved]`).first().waitFor({ timeout: 15_000 });
    assert.equal((await myFilings(sToken)).filter((f) => ids.includes(f.id)).length, 3);
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });

  it('two tabs of the same user send a queued item once', async () => {
    const sToken = await apiLogin(SECRETARY2);
    const ctx = await newContext();
    const p1 = await track(await ctx.newPage());
    await login(p1, SECRETARY2);
    await p1.getByTestId('duties-link').click();
    await p1.locator('[data-testid=duties][data-roster=ready]').waitFor();
    await ctx.setOffline(true);
    const id = await fileDuty(p1, {
      kind: 'WORK_DIARY',
      testid: 'file-work_diary',
      fields: { 内容: '两个标签页测试' },
      photos: [await makeJpeg(p1, 5)],
    });
    const p2 = await track(await ctx.newPage());
    await p2.goto(server.url + '/outbox');
    await p2.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=waiting]`).waitFor();

    let submits = 0;
    // slow the server down so both tabs are trying at the same time
    await ctx.route('**/graphql', async (route) => {
      if ((route.request().postData() || '').includes('submitFiling')) {
        submits++;
        await new Promise((r) => setTimeout(r, 1500));
      }
      await route.continue();
    });
    await ctx.setOffline(false);
    await Promise.all([
      p1
        .getByTestId('sync-now')
        .click()
        .catch(() => {}),
      p2
        .getByTestId('sync-now')
        .click()
        .catch(() => {}),
    ]);
    for (const p of [p1, p2]) await p.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=sent]`).waitFor({ timeout: 20_000 });
    await shot(p2, 'two-tabs-sent');
    assert.equal(submits, 1, 'one submitFiling request from the two tabs');
    const f = (await api(FILING_Q, { id }, sToken)).filing;
    assert.equal(f.history.filter((h) => h.action === 'submitted').length, 1);
    assert.equal((await myFilings(sToken)).filter((x) => x.id === id).length, 1);
    await ctx.close();
  });
});

describe('first secretary check-in', () => {
  it('checks in far from the village: distance and the outside warning', async () => {
    // the township starts a roll call naming this secretary
    const sToken = await apiLogin(SECRETARY);
    const sec = (await api(`{ mySecretaryProfile { id } }`, {}, sToken)).mySecretaryProfile;
    const rc = await api(
      `mutation($i: StartRollCallInput!) { startRollCall(input: $i) { rollCall { id } errors { code message } } }`,
      { i: { id: crypto.randomUUID(), secretaryIds: [sec.id], reason: 'SPOT_CHECK', note: '请立即在村打卡' } },
      await apiLogin(TOWNSHIP),
    );
    assert.deepEqual(rc.startRollCall.errors, []);

    const ctx = await newContext({ geolocation: { latitude: 39.9, longitude: 116.4, accuracy: 20 } });
    const page = await track(await ctx.newPage());
    await login(page, SECRETARY);
    await page.goto(server.url + '/checkin');
    await page.getByTestId('rollcall').filter({ hasText: '请立即在村打卡' }).waitFor();
    assert.match(await page.getByTestId('rollcall').innerText(), /镇街点名：请在 .+ 前打卡/);
    await page.getByTestId('checkin-btn').click();
    const res = page.getByTestId('checkin-result');
    await res.filter({ hasText: /距本村 [\d.]+ (米|公里)/ }).waitFor({ timeout: 15_000 });
    assert.match(await res.innerText(), /不在本村签到范围内/);
    assert.match(await res.innerText(), /未能响应点名/); // outside the geofence does not answer it
    await shot(page, 'checkin-outside');
    await page.getByText('我的签到记录').waitFor();
    await page.locator('.list .item').first().waitFor();
    await ctx.close();
  });

  it('asks before logging out with unsent items and keeps them', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await login(page, SECRETARY2);
    await ctx.setOffline(true);
    await page.goto(server.url + '/checkin');
    await page.getByTestId('checkin-btn').click();
    await page.getByTestId('checkin-result').waitFor();
    let asked = null;
    page.once('dialog', (d) => {
      asked = d.message();
      d.dismiss();
    });
    await page.getByTestId('logout').click();
    await page.waitForTimeout(200);
    assert.match(asked || '', /发件箱还有 1 条记录未发送/);
    assert.equal(await page.getByTestId('logout').count(), 1, 'still logged in after cancelling');
    await ctx.close();
  });
});

describe('outbox failure states', () => {
  it('STORAGE_FULL waits with the reason; a payload error fails with the reason, retry sends, delete asks', async () => {
    const phone = '13810000003';
    const sToken = await apiLogin(phone);
    const ctx = await newContext();
    const page = await track(await ctx.newPage());
    await login(page, phone);
    await page.getByTestId('duties-link').click();
    await page.locator('[data-testid=duties][data-roster=ready]').waitFor();

    // the server's disk is full: the item stays 待发送 with the reason, and is retried later
    await ctx.route('**/uploads', (route) =>
      route.fulfill({
        status: 507,
        contentType: 'application/json',
        body: JSON.stringify({
          errors: [
            { message: '服务器存储空间已满，照片暂未上传；记录仍保存在手机上，稍后会自动重试', extensions: { code: 'STORAGE_FULL' } },
          ],
        }),
      }),
    );
    const id = await fileDuty(page, {
      kind: 'WORK_DIARY',
      testid: 'file-work_diary',
      fields: { 内容: '存储已满测试' },
      photos: [await makeJpeg(page, 6)],
    });
    const item = page.locator(`[data-testid=outbox-item][data-ref="${id}"]`);
    await item.filter({ hasText: '服务器存储空间已满' }).waitFor({ timeout: 15_000 });
    assert.equal(await item.getAttribute('data-state'), 'waiting');
    await shot(page, 'outbox-storage-full');
    await ctx.unroute('**/uploads');

    // the server refuses the record: 失败 + the Chinese reason; 重试 sends it once the cause is gone
    await ctx.route('**/graphql', async (route) => {
      if ((route.request().postData() || '').includes('submitFiling')) {
        await route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            data: {
              submitFiling: {
                filing: null,
                currentVersion: null,
                errors: [{ code: 'INVALID_INPUT', message: '请填写日志内容', field: 'content' }],
              },
            },
          }),
        });
      } else await route.continue();
    });
    await page.getByTestId('sync-now').click();
    await item.locator('[data-testid=fail-reason]').waitFor({ timeout: 15_000 });
    assert.equal(await item.getAttribute('data-state'), 'failed');
    assert.match(await item.innerText(), /失败[\s\S]*原因：请填写日志内容/);
    await shot(page, 'outbox-failed');
    await ctx.unroute('**/graphql');
    await item.getByRole('button', { name: '重试' }).click();
    await page.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=sent]`).waitFor({ timeout: 15_000 });
    const f = (await api(FILING_Q, { id }, sToken)).filing;
    assert.equal(f.photos.length, 1);

    // a failed item can be deleted, after confirming
    await ctx.route('**/graphql', async (route) => {
      if ((route.request().postData() || '').includes('submitFiling')) {
        await route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            data: {
              submitFiling: {
                filing: null,
                currentVersion: null,
                errors: [{ code: 'CONFLICT', message: '该记录编号已用于内容不同的另一条记录', field: 'id' }],
              },
            },
          }),
        });
      } else await route.continue();
    });
    const id2 = await fileDuty(page, { kind: 'TERM_GOALS', testid: 'file-TERM_GOALS', fields: { 内容: '任期内村集体经济收入翻番' } });
    const item2 = page.locator(`[data-testid=outbox-item][data-ref="${id2}"]`);
    await item2.locator('[data-testid=fail-reason]').waitFor({ timeout: 15_000 });
    assert.match(await item2.innerText(), /已用于内容不同/);
    let asked = null;
    page.removeAllListeners('dialog');
    page.once('dialog', (d) => {
      asked = d.message();
      d.accept();
    });
    await item2.getByRole('button', { name: '删除' }).click();
    await item2.waitFor({ state: 'detached' });
    assert.match(asked || '', /确定删除/);
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });
});

describe('outbox recovery', () => {
  it('an item left "sending" by a tab that died goes back to waiting and is sent once', async () => {
    const phone = '13810000005';
    const sToken = await apiLogin(phone);
    const ctx = await newContext();
    const page = await track(await ctx.newPage());
    await login(page, phone);
    await ctx.setOffline(true);
    const id = await fileDuty(page, {
      kind: 'SELF_REPORT',
      testid: 'file-SELF_REPORT',
      fields: { 内容: '年度述职：走访全村农户，办结群众诉求 12 件。' },
    });
    // simulate a crash in the middle of sending: the item is stored as `sending`
    await page.evaluate(
      (ref) =>
        new Promise((res, rej) => {
          const r = indexedDB.open('zct-outbox');
          r.onsuccess = () => {
            const tx = r.result.transaction('items', 'readwrite');
            const st = tx.objectStore('items');
            st.getAll().onsuccess = (e) => {
              for (const it of e.target.result) if (it.ref === ref) st.put({ ...it, state: 'sending' });
            };
            tx.oncomplete = () => {
              r.result.close();
              res();
            };
            tx.onerror = () => rej(tx.error);
          };
        }),
      id,
    );
    await page.reload();
    await page.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=waiting]`).waitFor();
    await ctx.setOffline(false);
    await page.locator(`[data-testid=outbox-item][data-ref="${id}"][data-state=sent]`).waitFor({ timeout: 15_000 });
    const f = (await api(FILING_Q, { id }, sToken)).filing;
    assert.equal(f.kind, 'SELF_REPORT');
    assert.equal(f.history.filter((h) => h.action === 'submitted').length, 1);
    await ctx.close();
  });
});

describe('problem ledger and service card', () => {
  it('files a problem, moves it to in progress; generates the service card', async () => {
    const phone = '13810000004';
    // the demo village already keeps a ledger: this problem is one more
    const before = (await api(`{ ledgerSummary { total } }`, {}, await apiLogin(phone))).ledgerSummary.total;
    const ctx = await newContext();
    const page = await track(await ctx.newPage());
    await login(page, phone);
    await page.goto(server.url + '/problems');
    await page.locator('#pb-title').fill('村东头路灯损坏');
    await page.getByLabel('详细描述').fill('三盏路灯不亮，夜间出行不便');
    await page.getByRole('button', { name: '登记问题' }).click();
    const row = page.getByTestId('problem-item').filter({ hasText: '村东头路灯损坏' });
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /待处理/);
    await row.getByRole('button', { name: '改为处理中' }).click();
    await row
      .locator('.tag')
      .filter({ hasText: /^处理中$/ })
      .waitFor({ timeout: 15_000 });
    await page
      .getByTestId('ledger-summary')
      .filter({ hasText: `台账共 ${before + 1} 条` })
      .waitFor();
    await shot(page, 'problems');

    await page.goto(server.url + '/card');
    await page.getByTestId('gen-card').click();
    await page.getByText('服务卡已生成').waitFor({ timeout: 20_000 });
    const href = await page.getByTestId('card-pdf').getAttribute('href');
    const pdf = await fetch(server.url + href);
    assert.equal(pdf.status, 200);
    assert.match(pdf.headers.get('content-type'), /pdf/);
    await shot(page, 'service-card');
    assert.deepEqual(page.consoleErrors, []);
    await ctx.close();
  });
});
