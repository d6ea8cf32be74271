// 个人信息 (个人信息保护法), on a 390×844 phone against the real backend and the demo county: a member
// opens the report form and reads the collapsed notice (个人信息说明), then opens 我的个人信息 from
// the home, sees their account and downloads it as JSON — the file holds what the screen shows and
// no ballot. Tap targets ≥ 48 px, no sideways scroll at 360 px.
// node:test + playwright-core + /usr/bin/chromium (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, loginAs, screenshotter, smallTargets, sideways } from './helpers.mjs';

const MEMBER = '13820000001'; // a villager of village 1, with an account
const shot = screenshotter('md-');

let server, browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('personal information (个人信息)', () => {
  it('a member reads the notice on the report form, then sees and downloads their data', async () => {
    const ctx = await browser.newContext({ ...PHONE, acceptDownloads: true });
    const page = trackErrors(await ctx.newPage());
    await loginAs(page, server.url, MEMBER);

    await page.goto(`${server.url}/report`);
    const notice = page.getByTestId('privacy-notice');
    await notice.locator('summary').click();
    assert.match(await notice.innerText(), /收什么[\s\S]*做什么用[\s\S]*谁能看[\s\S]*存多久[\s\S]*我的个人信息/);
    assert.deepEqual(await smallTargets(page, 48), []);
    await shot(page, 'notice-open');

    await page.goto(`${server.url}/`);
    await page.getByTestId('nav-my-data').click();
    await page.waitForURL(/\/me\/data$/);
    const phone = await page.getByTestId('my-data-phone').innerText();
    assert.equal(phone, MEMBER);
    assert.deepEqual(await smallTargets(page, 48), []);
    await shot(page, 'my-data');

    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('my-data-download').click()]);
    assert.match(dl.suggestedFilename(), /^我的个人信息-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    assert.equal(data.phone, MEMBER);
    assert.equal(data.role, 'MEMBER');
    assert.ok(Array.isArray(data.problems) && Array.isArray(data.rosters));
    assert.ok(data.notHeld.some((line) => line.includes('选票')));
    assert.ok(!('ballots' in data));
    await page.getByTestId('my-data-saved').waitFor();

    await page.setViewportSize({ width: 360, height: 780 });
    const wide = await sideways(page);
    assert.ok(wide.scroll <= wide.client, `sideways scroll at 360 px: ${JSON.stringify(wide)}`);
    await ctx.close();
  });
});
