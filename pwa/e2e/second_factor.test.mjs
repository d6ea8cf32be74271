// The second factor and the staff idle logout (docs/SECURITY.md "第二因素与口令"), on a 390×844
// phone against the real backend and the demo county. The county requires an authenticator of
// county accounts: the county administrator enrols during login (QR code + key, the first code,
// the recovery codes shown once), logs out, logs in with password + code; a wrong code is refused;
// a recovery code works once. A township administrator opens 账号安全 from 更多 (the QR code is
// decoded and carries the key shown), and is logged out after the idle time with a notice.
// The test computes TOTP codes itself (RFC 6238 over node:crypto): an independent check of the
// server's pyotp. node:test + playwright-core + /usr/bin/chromium (see server.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { PHONE, trackErrors, submitLogin, loginAs, screenshotter, smallTargets, sideways } from './helpers.mjs';

const COUNTY = '13800000001';
const TOWNSHIP = '13800000011';
const shot = screenshotter('2fa-');

/** RFC 6238 (SHA-1, 6 digits, 30 s) for a base32 secret at `ms`. */
function totp(secret, ms = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...secret.replace(/\s/g, '')].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

let server, browser, api, apiLogin;

before(async () => {
  process.env.STAFF_IDLE_TIMEOUT_SECONDS = '600'; // 10 minutes: the idle test fast-forwards the page's clock
  server = await startServer();
  ({ api, apiLogin } = graphqlClient(() => server.url));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function logout(page) {
  await page.getByTestId('logout').click();
  await page.getByLabel('手机号').waitFor();
}

async function codeStep(page) {
  await submitLogin(page, server.url, COUNTY);
  await page.getByTestId('second-factor-step').waitFor();
}

describe('second factor (动态验证码)', () => {
  it('a county user enrols when required, then logs in with password + code; wrong and reused codes are refused', async () => {
    const token = await apiLogin(COUNTY);
    await api('mutation { setTotpRequiredForCounty(required: true) { ok errors { code } } }', {}, token);
    const page = trackErrors(await (await browser.newContext(PHONE)).newPage(), { acceptDialogs: true });

    // The password alone gives no session: the county requires an authenticator first.
    await submitLogin(page, server.url, COUNTY);
    await page.getByTestId('forced-enrolment').waitFor();
    await page.getByTestId('totp-qr').waitFor();
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.deepEqual(await smallTargets(page, 44), []);
    await shot(page, 'forced-enrol');
    await page.getByLabel('6 位验证码').fill(totp(secret));
    await page.getByTestId('totp-confirm').click();

    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    const codes = (await list.locator('code').allInnerTexts()).map((c) => c.trim());
    assert.equal(codes.length, 10);
    assert.ok(codes.every((c) => /^[A-Z2-9]{5}-[A-Z2-9]{5}$/.test(c)));
    assert.equal(await page.getByTestId('codes-done').isDisabled(), true); // only after "我已保存"
    await shot(page, 'recovery-codes');
    await page.setViewportSize({ width: 360, height: 780 });
    const wide = await sideways(page);
    assert.ok(wide.scroll <= wide.client, `sideways scroll at 360 px: ${JSON.stringify(wide)}`);
    await shot(page, 'recovery-codes-360');
    await page.setViewportSize(PHONE.viewport);
    await page.getByText('我已抄写或保存这些恢复码').click();
    await page.getByTestId('codes-done').click();
    await page.getByTestId('page-title').waitFor();

    await page.goto(`${server.url}/account/security`);
    assert.match(await page.getByTestId('totp-status').innerText(), /已启用/);
    await shot(page, 'security-enabled');
    await logout(page);

    // Password, then the 6-digit code.
    await codeStep(page);
    const input = page.getByLabel('6 位验证码');
    assert.equal(await input.getAttribute('inputmode'), 'numeric');
    assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
    assert.deepEqual(await smallTargets(page, 44), []);
    await shot(page, 'code-step');
    const now = Date.now();
    const valid = new Set([-1, 0, 1, 2].map((d) => totp(secret, now + d * 30_000)));
    const wrong = ['000000', '111111', '222222'].find((c) => !valid.has(c));
    await input.fill(wrong);
    await page.getByTestId('second-factor-submit').click();
    const refused = page.locator('.form-err[data-code="SECOND_FACTOR_INVALID"]');
    await refused.waitFor();
    await shot(page, 'code-wrong');
    // The enrolment spent this period's code: the next period's is inside the accepted drift.
    await input.fill(totp(secret, Date.now() + 30_000));
    await page.getByTestId('second-factor-submit').click();
    await page.getByTestId('page-title').waitFor();
    await logout(page);

    // A recovery code, once.
    await codeStep(page);
    await page.getByTestId('second-factor-toggle').click();
    await page.getByLabel('恢复码', { exact: true }).fill(codes[0].toLowerCase());
    await shot(page, 'recovery-step');
    await page.getByTestId('second-factor-submit').click();
    await page.getByTestId('page-title').waitFor();
    await logout(page);
    await codeStep(page);
    await page.getByTestId('second-factor-toggle').click();
    await page.getByLabel('恢复码', { exact: true }).fill(codes[0]);
    await page.getByTestId('second-factor-submit').click();
    await page.locator('.form-err[data-code="SECOND_FACTOR_INVALID"]').waitFor();
    await shot(page, 'recovery-reused');
    assert.deepEqual(page.consoleErrors, []);
  });

  it('a township user opens 账号安全 from 更多: the rules, the QR code carrying the key shown', async () => {
    const page = trackErrors(await (await browser.newContext(PHONE)).newPage());
    await loginAs(page, server.url, TOWNSHIP);
    await page.getByTestId('nav-security').click();
    await page.waitForURL(/\/account\/security$/);
    assert.match(await page.getByTestId('totp-status').innerText(), /未启用/);
    const rules = await page.getByTestId('password-rules').innerText();
    assert.match(rules, /8 到 128 位[\s\S]*至少两类[\s\S]*常见密码[\s\S]*手机号/);
    assert.deepEqual(await smallTargets(page, 44), []);
    await shot(page, 'security');

    await page.getByTestId('totp-start').click();
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
    const png = PNG.sync.read(await qr.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(decoded, 'the QR code is readable');
    const uri = new URL(decoded.data);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('issuer'), '驻村通');
    assert.match(decodeURIComponent(uri.pathname), /驻村通:138\*{4}0011$/);
    await shot(page, 'enrol');

    await page.setViewportSize({ width: 360, height: 780 });
    const wide = await sideways(page);
    assert.ok(wide.scroll <= wide.client, `sideways scroll at 360 px: ${JSON.stringify(wide)}`);
    assert.deepEqual(page.consoleErrors, []);
  });

  it('a township user is logged out after the idle time, with a notice on the login screen', async () => {
    const page = trackErrors(await (await browser.newContext(PHONE)).newPage());
    await page.clock.install();
    await loginAs(page, server.url, TOWNSHIP);
    await page.clock.fastForward('05:00');
    await page.keyboard.press('Shift'); // input: the idle time starts again
    await page.clock.fastForward('09:00');
    assert.equal(await page.getByTestId('page-title').isVisible(), true);
    await page.clock.fastForward('01:30');
    await page.getByTestId('idle-notice').waitFor();
    assert.equal(await page.getByTestId('idle-notice').innerText(), '长时间未操作，已安全退出');
    await shot(page, 'idle-notice');
    assert.deepEqual(page.consoleErrors, []);
  });
});
