// 安全审计 on a 390×844 phone against the real backend and the demo county: a wrong password for a
// township account, then the county opens 更多 → 安全审计, finds the failure (masked number, no
// operator), narrows to 登录失败 and to that person, exports the list to Excel — and finds the
// export itself recorded. Tap targets ≥ 44 px, no sideways scroll at 360 px, no console errors.
// node:test + playwright-core + /usr/bin/chromium (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { loginAs, newPhonePage, screenshotter, sideways, smallTargets } from './helpers.mjs';

const COUNTY = '13800000001';
const TOWNSHIP = '13800000011';
const shot = screenshotter('sec-');

let server, browser;
const { api } = graphqlClient(() => server.url);

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('security audit (安全审计)', () => {
  it('the county finds a failed login, filters it, and exports the list (the export is recorded too)', async () => {
    const failed = await api(`mutation { login(phone: "${TOWNSHIP}", password: "not-the-password") { errors { code } } }`);
    assert.equal(failed.login.errors[0].code, 'INVALID_CREDENTIALS');

    const page = await newPhonePage(browser);
    await loginAs(page, server.url, COUNTY);
    await page.getByTestId('nav-security-log').click();
    await page.waitForURL(/\/security$/);
    const events = page.getByTestId('security-event');
    await events.first().waitFor();
    const failure = page.locator('[data-testid="security-event"][data-kind="LOGIN_FAILED"]').first();
    await failure.waitFor();
    const text = await failure.textContent();
    assert.match(text, /登录失败/);
    assert.match(text, /手机号 138\*\*\*\*0011 密码错误或账号不存在/);
    assert.ok(!text.includes(TOWNSHIP), 'never the full number');
    assert.match(text, /操作人：未知（未登录）/);
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, '01-list');

    await page.getByTestId('security-kind-FAILED').click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="security-event"]')].every((e) => e.dataset.kind === 'LOGIN_FAILED'),
    );
    await failure.getByRole('button', { name: /^只看/ }).click();
    await page.getByTestId('security-clear-person').waitFor();
    await events.first().waitFor();
    assert.match(await events.first().textContent(), /涉及账号：/);
    await shot(page, '02-filtered');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('security-download').click()]);
    assert.match(download.suggestedFilename(), /安全审计记录\.xlsx$/);
    assert.equal(
      readFileSync(await download.path())
        .subarray(0, 2)
        .toString(),
      'PK',
      'an .xlsx (a zip)',
    );

    await page.getByTestId('security-clear-person').click();
    await page.getByTestId('security-kind-EXPORT').click();
    const exported = page.locator('[data-testid="security-event"][data-kind="EXPORT"]').first();
    await exported.waitFor();
    assert.match(await exported.textContent(), /安全审计记录（类型：登录失败、登录凭证被重复使用，人员编号：\d+）/);

    // the empty state: no lockout in the demo county
    await page.getByTestId('security-kind-LOCKED').click();
    await page.locator('.state.empty').waitFor();
    await shot(page, '03-empty');

    await page.setViewportSize({ width: 360, height: 740 });
    const wide = await sideways(page);
    assert.ok(wide.scroll <= wide.client, `no sideways scroll at 360 px: ${wide.wide}`);
    assert.deepEqual(page.consoleErrors, []);
  });
});
