// 适老化 on the member and voting pages (issue "the phone"): a 大字 mode that persists (body text
// ≥ 18 px, tap targets ≥ 48 px) and a ballot the browser can read aloud. The speech engine is
// replaced by a recorder in the page: the test checks what would be spoken, not the voice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, screenshotter, smallTargets, sideways } from './helpers.mjs';

const MEMBER = '13820000001';
const TOWNSHIP = '13800000011';
let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);
const shot = screenshotter('phone-');

/** The smallest computed font size of visible text in <main>, in px, and where it is. */
const smallestText = (page) =>
  page.evaluate(() => {
    let min = { px: Infinity, at: '' };
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el.checkVisibility() || el.closest('.sr-only')) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < min.px) min = { px, at: `${el.tagName.toLowerCase()}.${el.className} "${n.textContent.trim().slice(0, 12)}"` };
    }
    return min;
  });
const atLeast18 = async (page, where) => {
  const s = await smallestText(page);
  assert.ok(s.px >= 18, `${where}: text ≥ 18 px, ${s.px} px at ${s.at}`);
};

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('elderly-friendly member and voting pages', () => {
  it('大字 persists across pages and reloads; text ≥ 18 px and targets ≥ 48 px; the ballot is read aloud', async () => {
    const token = await apiLogin(TOWNSHIP);
    const voting = (await api(`{ polls(status: VOTING, first: 1) { edges { node { id title } } } }`, {}, token)).polls.edges[0].node;
    const ctx = await browser.newContext({ ...PHONE });
    await ctx.addInitScript(() => {
      window.__spoken = [];
      window.speechSynthesis.speak = (u) => {
        window.__spoken.push({ text: u.text, lang: u.lang });
        setTimeout(() => u.onend?.(), 50);
      };
    });
    const page = await ctx.newPage();
    trackErrors(page);
    await submitLogin(page, server.url, MEMBER);
    const toggle = page.getByTestId('big-text');
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await atLeast18(page, 'member home');
    assert.deepEqual(await smallTargets(page, 48), []);
    const wide = await sideways(page);
    assert.ok(wide.scroll <= wide.client, `no sideways scroll in 大字: ${JSON.stringify(wide)}`);
    await shot(page, 'member-big-text');

    await page.goto(`${server.url}/vote/${voting.id}`); // the paper-slip page, no login needed
    await page.getByTestId('ballot').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('big')), '大字 kept on the next page');
    await atLeast18(page, 'ballot');
    assert.deepEqual(await smallTargets(page, 48), []);
    const ballotWide = await sideways(page);
    assert.ok(ballotWide.scroll <= ballotWide.client, `no sideways scroll on the ballot: ${JSON.stringify(ballotWide)}`);
    await page.getByTestId('read-aloud').click();
    const spoken = await page.evaluate(() => window.__spoken);
    assert.equal(spoken.length, 1);
    assert.equal(spoken[0].lang, 'zh-CN');
    assert.ok(spoken[0].text.startsWith(voting.title), spoken[0].text);
    assert.match(spoken[0].text, /1，很满意；2，满意；3，基本满意；4，不满意/);
    await shot(page, 'ballot-big-text');

    await page.getByTestId('big-text').click(); // back to the standard size, remembered too
    await page.reload();
    await page.getByTestId('ballot').waitFor();
    assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('big'))));
    await ctx.close();
  });
});
