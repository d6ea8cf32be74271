// Logging in through the province's identity platform (统一身份认证) in the browser: a real OpenID
// provider (tests/identity/provider/server.mjs, panva's oidc-provider) and the real backend + built
// PWA (demo county, a 390×844 phone). The county logs in through the platform (bound by its verified
// phone), binds a platform account to a township account on the 统一身份认证 screen, logs out (the
// platform's session ends too), and the township logs in with the bound account; an unbound
// account is told so in Chinese. Screenshots: test-results/screenshots/oidc-*.
//
// Port order: the provider starts first on a free port (its issuer URL goes into the app's
// OIDC_ISSUER); the app then starts on its own free port, and its redirect URIs are registered at
// the provider (POST /test/client) before the first login.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, REPO, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, screenshotter, smallTargets } from './helpers.mjs';

const PROVIDER_DIR = join(REPO, 'tests', 'identity', 'provider');
const CLIENT = { id: 'zhucuntong-e2e', secret: 'e2e-client-secret-0123456789abcdef' };
const ACCOUNTS = {
  county: { name: '县委组织部管理员', phone_number: '+8613800000001', phone_number_verified: true },
  'township-no-phone': { name: '镇街组织委员' },
  stranger: { name: '外县人员', phone_number: '+8613999999999', phone_number_verified: true },
};
const TOWNSHIP_PHONE = '13800000011';

let provider, server, browser;
const shot = screenshotter('oidc-');

function startProvider() {
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: PROVIDER_DIR,
    env: { ...process.env, PORT: '0', CLIENT_ID: CLIENT.id, CLIENT_SECRET: CLIENT.secret, ACCOUNTS: JSON.stringify(ACCOUNTS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test OpenID provider did not start (run .ci/bootstrap)')), 30_000);
    child.on('exit', (code) => reject(new Error(`the test OpenID provider exited (${code}): run .ci/bootstrap`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('ISSUER=')) return;
      clearTimeout(timer);
      resolve({ issuer: line.slice('ISSUER='.length), child });
    });
  });
}

async function providerPost(path, body) {
  const r = await fetch(`${provider.issuer}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

before(async () => {
  provider = await startProvider();
  server = await startServer({
    env: { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: CLIENT.id, OIDC_CLIENT_SECRET: CLIENT.secret },
  });
  await providerPost('/test/client', {
    redirect_uris: [`${server.url}/auth/oidc/callback`],
    post_logout_redirect_uris: [`${server.url}/login`],
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  provider?.child.kill('SIGTERM');
});

/** From the login screen, through the platform (as `account`), back to the app. */
async function platformLogin(page, account) {
  await providerPost('/test/login-as', { account });
  await page.goto(server.url + '/');
  await page.getByTestId('oidc-login').click();
}

describe('统一身份认证', () => {
  it('the county logs in through the platform, binds a township account, and logs out of both', async () => {
    const page = await newPhonePage(browser);
    await page.goto(server.url + '/');
    const button = page.getByRole('link', { name: '使用政务统一身份认证登录' });
    await button.waitFor();
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, '01-login');

    await platformLogin(page, 'county');
    await page.getByTestId('page-title').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('main[data-role]').getAttribute('data-role'), 'COUNTY');
    assert.equal(new URL(page.url()).hash, '', 'the ticket is wiped from the address bar');

    await page.goto(server.url + '/admin');
    await page.getByTestId('nav-identities').click();
    await page.getByRole('heading', { name: '关联统一身份账号' }).waitFor();
    await page.getByLabel('本系统账号').fill(TOWNSHIP_PHONE);
    await page.getByLabel(new RegExp(TOWNSHIP_PHONE)).check();
    await page.getByLabel('平台账号标识').fill('township-no-phone');
    await page.getByRole('button', { name: '关联', exact: true }).click();
    await page.getByTestId('identity-row').filter({ hasText: 'township-no-phone' }).waitFor();
    assert.equal(await page.getByTestId('identity-row').count(), 2); // and the county's own, bound by phone
    assert.deepEqual(await smallTargets(page), []);
    await shot(page, '02-identities');

    await page.getByTestId('logout').click();
    await page.waitForURL((url) => url.pathname === '/login' && url.origin === server.url);
    await page.getByTestId('oidc-login').waitFor();
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('the township logs in with the platform account the county bound', async () => {
    const page = await newPhonePage(browser);
    await platformLogin(page, 'township-no-phone');
    await page.getByTestId('page-title').waitFor();
    assert.equal(await page.locator('main[data-role]').getAttribute('data-role'), 'TOWNSHIP');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('an unbound platform account is told, in Chinese, whom to ask', async () => {
    const page = await newPhonePage(browser);
    await platformLogin(page, 'stranger');
    const error = page.getByTestId('oidc-error');
    await error.waitFor();
    assert.match(await error.innerText(), /该统一身份账号尚未关联本系统账号，请联系县委组织部/);
    await shot(page, '03-unbound');
    await page.getByRole('link', { name: '返回登录' }).click();
    await page.getByTestId('oidc-login').waitFor();
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
});
