// Shared by the browser tests: the phone every test uses (390×844, touch, zh-CN), console-error
// tracking, the login form, and screenshots. The server side is server.mjs.
import { join } from 'node:path';
import { PASSWORD, SHOTS } from './server.mjs';

/** The browser context of a cheap phone, in Chinese. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

/** Collect console errors and page errors on `page.consoleErrors` (messages matching `ignore`
 * are not errors of the app: e.g. a resource refused while offline); `acceptDialogs` answers
 * confirm()/alert() with OK. Returns the page. */
export function trackErrors(page, { ignore = null, acceptDialogs = false } = {}) {
  page.consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) page.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  if (acceptDialogs) page.on('dialog', (d) => d.accept());
  return page;
}

/** A new page in a new phone context (`opts` add to or override PHONE), its errors tracked. */
export async function newPhonePage(browser, opts = {}, track = {}) {
  const ctx = await browser.newContext({ ...PHONE, ...opts });
  return trackErrors(await ctx.newPage(), track);
}

/** Fill in the login screen and press 登录 (does not wait for the outcome). */
export async function submitLogin(page, baseUrl, phone, password = PASSWORD) {
  await page.goto(baseUrl + '/');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Logs in through the login screen and waits for the role's home. */
export async function loginAs(page, baseUrl, phone) {
  await submitLogin(page, baseUrl, phone);
  await page.getByTestId('page-title').waitFor();
}

/** shot(page, name) → test-results/screenshots/<prefix><name>.png (full page). */
export const screenshotter = (prefix) => (page, name) => page.screenshot({ path: join(SHOTS, `${prefix}${name}.png`), fullPage: true });
