// A backlog sent over a link that drops (issue "the phone"), as a regression guard on what goes over
// the wire — bytes and requests, never wall time (bench/slow_phone.mjs measures time on the slow
// profile). Six diaries and fifteen photos queued offline; once online, the link loses the answer of
// the third photo (the server stored it) and later drops mid-photo at 60 % of the photo bytes.
// Nothing the server already stored is sent again — not the photo whose answer was lost, and not the
// part of the cut photo that had arrived (the upload resumes where the server got to) — every record
// lands once, and the bytes on the wire stay within 1.1× the payload.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, fileDuty } from './helpers.mjs';
import { startWire, queueDiaries, outboxItems } from './wire.mjs';

const SECRETARY = '13810000001';
const FILINGS = 5;
const PHOTOS_PER_FILING = 3;
let server, wire, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

before(async () => {
  server = await startServer();
  wire = await startWire(server.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await wire?.close();
  await server?.stop();
});

async function allSent(page, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const items = await outboxItems(page);
    if (items.every((i) => i.state === 'sent')) return items;
    if (Date.now() > end) throw new Error(`not sent: ${JSON.stringify(items.map((i) => [i.state, i.note, i.error]))}`);
    await page.waitForTimeout(250);
  }
}

/** After the link dropped: bring it back and let the phone notice (the `online` event). */
async function reconnect(ctx, page, seen) {
  while (wire.events.length === seen) await page.waitForTimeout(50);
  await ctx.setOffline(true);
  await wire.settled();
  wire.restore();
  await page.waitForTimeout(200);
  await ctx.setOffline(false);
  return wire.events.length;
}

describe('a backlog over a link that drops', () => {
  it('sends each record once, no stored photo twice, within 1.1× the payload', async () => {
    const ctx = await browser.newContext({
      ...PHONE,
      permissions: ['geolocation'],
      geolocation: { latitude: 30, longitude: 120, accuracy: 12 },
    });
    const page = await ctx.newPage();
    trackErrors(page, {
      ignore: /Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION|ERR_EMPTY_RESPONSE/,
      acceptDialogs: true,
    });
    await submitLogin(page, wire.url, SECRETARY);
    await page.getByTestId('duties-link').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.goto(wire.url + '/duties');
    await page.locator('[data-testid=duties][data-roster=ready]').waitFor();
    await ctx.setOffline(true);
    await fileDuty(page, wire.url, { kind: 'WORK_DIARY', testid: 'file-work_diary', fields: { 内容: '积压之前的一篇工作日志。' } });
    const [template] = await outboxItems(page);
    const queued = await queueDiaries(page, template, { filings: FILINGS, photosPerFiling: PHOTOS_PER_FILING });
    const photoList = await page.evaluate(
      async (shas) => {
        const db = await new Promise((r) => {
          const q = indexedDB.open('zct-outbox');
          q.onsuccess = () => r(q.result);
        });
        const sizes = await Promise.all(
          shas.map(
            (s) => new Promise((r) => (db.transaction('photos').objectStore('photos').get(s).onsuccess = (e) => r(e.target.result.size))),
          ),
        );
        db.close();
        return shas.map((s, i) => [s, sizes[i]]);
      },
      queued.flatMap((q) => q.photos),
    );
    const sizes = new Map(photoList);
    const photoBytes = photoList.reduce((n, [, size]) => n + size, 0);
    await page.reload(); // offline: the app starts from the service worker and finds its backlog
    await page.getByTestId('sync-summary').waitFor();

    wire.exchanges.length = 0;
    wire.loseAnswerOfPhotoPost(3);
    wire.cutAfterPhotoBytes(Math.round(photoBytes * 0.6));
    await ctx.setOffline(false);
    let seen = await reconnect(ctx, page, 0); // the lost answer
    await reconnect(ctx, page, seen); // the cut at 60 %
    await allSent(page);
    assert.deepEqual(
      wire.events.map((e) => e.what),
      ['lost-answer', 'cut'],
    );

    // every record exactly once on the server
    const token = await apiLogin(SECRETARY);
    const mine = (await api(`{ myFilings(first: 100) { edges { node { id photos { sha256 } } } } }`, {}, token)).myFilings.edges.map(
      (e) => e.node,
    );
    for (const q of [{ ref: template.ref, photos: [] }, ...queued]) {
      const found = mine.filter((f) => f.id === q.ref);
      assert.equal(found.length, 1, `record ${q.ref} once`);
      assert.deepEqual(found[0].photos.map((p) => p.sha256).sort(), [...q.photos].sort());
    }

    // no byte the server had stored went up again: per photo, its bytes went up once (all of the
    // photo whose answer was lost; the cut photo's rest from where the server had got to)
    const uploads = wire.exchanges.filter((e) => e.photo && e.method !== 'HEAD');
    const sentOf = (sha) => uploads.filter((u) => u.photo === sha).reduce((n, u) => n + u.body, 0);
    const CUT_SLACK = 64 * 1024; // bytes on their way through the proxy when the link dropped
    for (const [sha, size] of sizes) {
      assert.ok(sentOf(sha) <= size + CUT_SLACK, `photo ${sha.slice(0, 8)}: ${sentOf(sha)} bytes up for ${size}`);
    }
    const lostAnswer = uploads.find((u) => u.method === 'POST' && u.status === 201 && !u.down);
    assert.ok(lostAnswer, 'the photo whose answer was lost reached the server');
    assert.equal(sentOf(lostAnswer.photo), sizes.get(lostAnswer.photo), 'and was asked about, not sent again');
    const heads = wire.exchanges.filter((e) => e.method === 'HEAD');
    assert.ok(heads.some((h) => h.path === `/uploads/${lostAnswer.photo}` && h.status === 200));
    const resumed = uploads.filter((u) => u.method === 'PATCH' && u.offset > 0);
    assert.equal(resumed.length, 1, 'the photo cut mid-body went on from where the server had got to');
    const cutPhoto = resumed[0].photo;
    assert.equal(resumed[0].body, sizes.get(cutPhoto) - resumed[0].offset, 'only the rest went up');
    assert.equal(sentOf(cutPhoto), sizes.get(cutPhoto), 'its first part was not sent again');
    // bytes and requests
    const total = wire.totals();
    const mutations = wire.exchanges.filter((e) => e.path === '/graphql' && e.method === 'POST');
    const payload = photoBytes + FILINGS * 400; // the photos, and roughly each diary's JSON
    const ratio = total.up / payload;
    const photoRequests = FILINGS * PHOTOS_PER_FILING;
    console.log(
      `backlog: ${FILINGS + 1} filings, ${photoRequests} photos (${Math.round(photoBytes / 1024)} KB); on the wire up ${Math.round(total.up / 1024)} KB ` +
        `(${ratio.toFixed(3)}× the payload), down ${Math.round(total.down / 1024)} KB; requests ${total.requests}: ${uploads.length} photo uploads, ` +
        `${heads.length} HEAD, ${mutations.length} GraphQL`,
    );
    assert.ok(ratio <= 1.1, `bytes up ≤ 1.1× the payload: ${ratio.toFixed(3)}`);
    assert.ok(uploads.length <= photoRequests + 1, `photo uploads: ${uploads.length} (one more: the rest of the cut photo)`);
    assert.ok(heads.length <= 2, `questions by hash only after a failure: ${heads.length}`);
    assert.ok(mutations.length <= FILINGS + 1 + 6, `GraphQL requests: ${mutations.length}`);
    await ctx.close();
  });
});
