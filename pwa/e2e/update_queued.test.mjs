// An app update while records wait in the outbox (issue "the phone"): a secretary queues filings
// offline, a new build is deployed (a real `vite build` with another BUILD_ID: new hashed files, a
// new service worker), the phone comes online long enough to take the update, then opens the app
// offline again — the cached screens of the new build open, the queued items are still there, and
// each is sent exactly once when the signal returns.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS, DIST, PWA_DIR } from './server.mjs';
import { PHONE, trackErrors, submitLogin, fileDuty } from './helpers.mjs';
import { outboxItems } from './wire.mjs';

const SECRETARY = '13810000001';
const served = mkdtempSync(join(tmpdir(), 'zct-dist-'));
const next = mkdtempSync(join(tmpdir(), 'zct-dist-next-'));
let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

before(async () => {
  cpSync(DIST, served, { recursive: true });
  server = await startServer({ env: { PWA_DIST: served } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(served, { recursive: true, force: true });
  rmSync(next, { recursive: true, force: true });
});

/** Deploy the next build: what the server serves is replaced by a fresh build with another id. */
function deployNextBuild() {
  execFileSync(join(PWA_DIR, 'node_modules', '.bin', 'vite'), ['build', '--outDir', next, '--emptyOutDir'], {
    cwd: PWA_DIR,
    env: { ...process.env, BUILD_ID: 'next' },
    stdio: 'ignore',
  });
  for (const f of readdirSync(served)) rmSync(join(served, f), { recursive: true, force: true });
  cpSync(next, served, { recursive: true });
}

describe('an update while items are queued', () => {
  it('keeps the queue, opens offline on the new build, sends each item once', async () => {
    const ctx = await browser.newContext({
      ...PHONE,
      permissions: ['geolocation'],
      geolocation: { latitude: 30, longitude: 120, accuracy: 12 },
    });
    const page = await ctx.newPage();
    trackErrors(page, { ignore: /Failed to load resource|ERR_INTERNET_DISCONNECTED/, acceptDialogs: true });
    await submitLogin(page, server.url, SECRETARY);
    await page.getByTestId('duties-link').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.goto(server.url + '/duties');
    await page.locator('[data-testid=duties][data-roster=ready]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.build || ''), '');

    await ctx.setOffline(true);
    const refs = [];
    for (const text of ['更新前离线记下的第一篇日志。', '更新前离线记下的第二篇日志。'])
      refs.push(await fileDuty(page, server.url, { kind: 'WORK_DIARY', testid: 'file-work_diary', fields: { 内容: text } }));
    assert.equal((await outboxItems(page)).filter((i) => i.state === 'waiting').length, 2);

    deployNextBuild();
    // Online just long enough for the browser to find the new service worker — but the sender must
    // not get to the queue first, so the server refuses GraphQL for this moment.
    await ctx.route('**/graphql', (route) => route.abort('internetdisconnected'));
    await ctx.setOffline(false);
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg.update();
      const fresh = reg.installing || reg.waiting;
      if (fresh && fresh.state !== 'activated')
        await new Promise((res) => fresh.addEventListener('statechange', () => fresh.state === 'activated' && res()));
    });
    await ctx.setOffline(true);
    await ctx.unroute('**/graphql');

    // Reopened offline: the new build's screens, the old build's queue.
    await page.goto(server.url + '/outbox').catch(() => {});
    await page.getByTestId('outbox-list').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'next', 'the new build opened offline');
    await page.goto(server.url + '/duties').catch(() => {});
    await page.getByTestId('file-work_diary').waitFor(); // a lazily loaded screen of the new build, offline
    const kept = await outboxItems(page);
    assert.deepEqual(
      kept
        .filter((i) => i.state === 'waiting')
        .map((i) => i.ref)
        .sort(),
      [...refs].sort(),
    );

    await ctx.setOffline(false);
    await page.goto(server.url + '/outbox');
    for (const ref of refs)
      await page.locator(`[data-testid=outbox-item][data-ref="${ref}"][data-state=sent]`).waitFor({ timeout: 30_000 });
    const token = await apiLogin(SECRETARY);
    const mine = (await api(`{ myFilings(first: 100) { edges { node { id } } } }`, {}, token)).myFilings.edges.map((e) => e.node.id);
    for (const ref of refs) assert.equal(mine.filter((id) => id === ref).length, 1);
    await ctx.close();
  });
});
