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

/** A phone page (newPhonePage) that records layout shifts from the first paint on, on every
 * load (read with `cls`). */
export async function newLayoutPage(browser, opts = {}, track = {}) {
  const page = await newPhonePage(browser, opts, track);
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return page;
}

/** The layout shift of the page since it was loaded (a page from newLayoutPage). */
export const cls = (page) => page.evaluate(() => window.__cls);

/** Every tap target in `main` smaller than `min` × `min` CSS px, as text: links, buttons, summaries,
 * labels styled as buttons, and checkboxes and radios (measured with their label, which is what a
 * thumb hits). Links inside running text are left out: WCAG 2.5.8's inline exception — their size
 * is set by the line height of the sentence around them. Hidden ones (closed <details>, .sr-only)
 * are not targets. */
export function smallTargets(page, min = 44) {
  return page.evaluate((min) => {
    const shown = (el) => el.offsetParent !== null && el.checkVisibility() && !el.closest('.sr-only, details:not([open]) > :not(summary)');
    const inSentence = (a) => {
      if (getComputedStyle(a).display !== 'inline') return false;
      const own = (a.parentElement.innerText || '').replace(a.innerText, '').trim();
      return own.length > 0;
    };
    const out = [];
    for (const el of document.querySelectorAll(
      'main a, main button, main summary, main label.btn, main input[type=checkbox], main input[type=radio]',
    )) {
      let target = el;
      if (el.tagName === 'INPUT') target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
      if (!shown(target) || (el.tagName === 'A' && inSentence(el))) continue;
      const r = target.getBoundingClientRect();
      if (r.height < min - 0.5 || r.width < min - 0.5)
        out.push(
          `${el.tagName} "${(target.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
    }
    return out;
  }, min);
}

/** [scrollWidth, clientWidth] of the document, and the elements that stick out on the right. */
export function sideways(page) {
  return page.evaluate(() => {
    const de = document.documentElement;
    const wide = [];
    if (de.scrollWidth > de.clientWidth)
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > de.clientWidth + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right >= r.right - 0.5))
          wide.push(
            `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (${Math.round(r.right)})`,
          );
      }
    return { scroll: de.scrollWidth, client: de.clientWidth, wide: wide.slice(0, 4) };
  });
}

/** A big camera-like JPEG (3000×2250, noisy) made in the page; → Buffer. */
export async function makeJpeg(page, seed = 1) {
  const b64 = await page.evaluate((seed) => {
    const c = document.createElement('canvas');
    c.width = 3000;
    c.height = 2250;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 3000, 2250);
    grad.addColorStop(0, `hsl(${seed * 70}, 70%, 60%)`);
    grad.addColorStop(1, '#234');
    g.fillStyle = grad;
    g.fillRect(0, 0, 3000, 2250);
    let x = seed * 9973;
    const rnd = () => (x = (x * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 4000; i++) {
      g.fillStyle = `hsla(${rnd() * 360}, 60%, ${30 + rnd() * 50}%, .7)`;
      g.fillRect(rnd() * 3000, rnd() * 2250, 4 + rnd() * 80, 4 + rnd() * 80);
    }
    g.fillStyle = '#fff';
    g.font = 'bold 200px sans-serif';
    g.fillText(`走访 ${seed}`, 200, 400);
    return c.toDataURL('image/jpeg', 0.95).split(',')[1];
  }, seed);
  return Buffer.from(b64, 'base64');
}

/** Fill and queue one filing through the form (works offline). */
export async function fileDuty(page, baseUrl, { kind, testid, household, fields = {}, photos = [] }) {
  await page.goto(baseUrl + '/duties').catch(() => {}); // offline: the SW serves the app shell
  await page.getByTestId(testid).click();
  await page.waitForURL(new RegExp(`/duties/new/${kind}$`));
  await page.getByTestId('form-title').waitFor();
  if (household) {
    await page.locator('#hh-find').fill(household);
    await page.locator('.hh-option').first().click();
    await page.getByTestId('picked-household').waitFor();
  }
  for (const [label, value] of Object.entries(fields)) {
    const el = page.getByLabel(label);
    await el.waitFor({ timeout: 5000 });
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(String(value));
  }
  if (photos.length) {
    await page.locator('#ff-photo').setInputFiles(photos.map((buffer, i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer })));
    await page
      .locator('.thumbs img')
      .nth(photos.length - 1)
      .waitFor();
  }
  await page
    .getByTestId('geo')
    .filter({ hasText: /已定位|未能定位/ })
    .waitFor();
  await page.getByTestId('queue-submit').click();
  await page.waitForURL(/\/outbox$/);
  const item = page.getByTestId('outbox-item').first();
  await item.waitFor();
  return item.getAttribute('data-ref');
}
