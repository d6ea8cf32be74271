// Browser tests against the real backend + built PWA: node --test + playwright-core + /usr/bin/chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, PASSWORD, REPO, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, submitLogin, screenshotter } from './helpers.mjs';

const ACCOUNTS = { county: '13800000001', township: '13800000011', village: '13810000001', member: '13820000001' };

let server, browser;

/** Direct GraphQL calls, used to set up and to learn what the UI should show. */
const { api, apiLogin } = graphqlClient(() => server.url);

const newPage = (opts = {}) => newPhonePage(browser, opts);
const login = (page, phone, password = PASSWORD) => submitLogin(page, server.url, phone, password);
const shot = screenshotter('');

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('login page', () => {
  it('renders in Chinese with lang, labels and the manifest', async () => {
    const page = await newPage();
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: '驻村通', level: 1 }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.getByLabel('手机号').getAttribute('type'), 'tel');
    assert.equal(await page.getByLabel('密码').getAttribute('type'), 'password');
    const manifest = await (await fetch(server.url + '/manifest.webmanifest')).json();
    assert.equal(manifest.name, '驻村通');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));
    await shot(page, '01-login');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('validates the phone number before sending', async () => {
    const page = await newPage();
    await login(page, '1380000', 'x');
    await page.getByText('请输入正确的 11 位手机号').waitFor();
    await page.context().close();
  });

  it('shows the Chinese error for a wrong password', async () => {
    const page = await newPage();
    await login(page, '13800000017', 'wrong-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /手机号或密码错误/);
    assert.equal(await alert.getAttribute('data-code'), 'INVALID_CREDENTIALS');
    await shot(page, '02-login-wrong-password');
    await page.context().close();
  });

  it('shows the lockout message after repeated failures', async () => {
    const page = await newPage();
    await login(page, '13800000016', 'wrong-1');
    const alert = page.getByRole('alert');
    let code = null;
    for (let i = 0; i < 12 && code !== 'LOCKED'; i++) {
      await alert.waitFor();
      code = await alert.getAttribute('data-code');
      if (code === 'LOCKED') break;
      await page.getByLabel('密码').fill(`wrong-${i + 2}`);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForFunction(() => !document.querySelector('button[type=submit]').disabled);
    }
    assert.equal(code, 'LOCKED');
    assert.match(await alert.innerText(), /锁定/);
    await shot(page, '04-login-locked');
    await page.context().close();
  });

  it('switches to English and remembers it', async () => {
    const page = await newPage();
    await page.goto(server.url + '/');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByLabel('Phone number').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await shot(page, '03-login-english');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.context().close();
  });
});

describe('county (组织部)', () => {
  it('sees the 7 townships on the overview, drills into villages and a village', async () => {
    const token = await apiLogin(ACCOUNTS.county);
    const d = await api(`{ me { orgUnit { name } } townships(first: 50) { totalCount edges { node { id name } } } }`, {}, token);
    assert.equal(d.townships.totalCount, 7);

    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('township-item').first().waitFor();
    assert.equal(await page.getByTestId('page-title').innerText(), d.me.orgUnit.name);
    await page.getByTestId('township-item').nth(6).waitFor();
    assert.equal(await page.getByTestId('township-item').count(), 7);
    assert.match(await page.getByTestId('township-item').first().innerText(), /\d+%\s+\d+/); // share done, behind
    await shot(page, '10-county-home');

    const first = d.townships.edges[0].node;
    await page.getByTestId('township-item').getByRole('link', { name: first.name, exact: true }).click();
    await page.waitForURL(/\/t\//);
    await page.getByTestId('village-item').first().waitFor();
    assert.equal(await page.getByTestId('township-name').innerText(), first.name);
    assert.ok((await page.getByTestId('secretary-name').count()) > 0, 'villages list shows secretaries');
    await shot(page, '11-county-township-villages');

    await page.getByTestId('village-item').first().click();
    await page.waitForURL(/\/v\//);
    await page.getByText('农户花名册').waitFor();
    await page.locator('.list .item').first().waitFor();
    assert.equal(await page.getByRole('heading', { name: '第一书记' }).count(), 1);
    await shot(page, '12-county-village-detail');

    // back via history, then the admin area loads lazily
    await page.goBack();
    await page.getByTestId('village-item').first().waitFor();
    await page.goto(server.url + '/admin');
    await page.getByText('登记第一书记').waitFor();
    await page.getByRole('link', { name: '导入花名册（Excel）' }).click();
    await page.getByRole('button', { name: '预检查' }).waitFor();
    await shot(page, '13-county-import');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('creates a township through the admin form', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('township-item').first().waitFor();
    await page.goto(server.url + '/admin');
    await page.getByText('新建镇街').click();
    const form = page.locator('#new-township');
    await form.getByLabel('名称').fill('测试镇');
    await form.getByLabel('编码').fill('E2E-TW-1');
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByRole('status').or(form.getByRole('alert')).waitFor();
    await shot(page, '14-county-create-township');
    assert.match(await form.getByRole('status').innerText(), /已保存/);
    await page.context().close();
  });
});

// Writes the backend's example workbook (valid) and a copy with row errors, using the backend's own code.
function makeWorkbooks() {
  const dir = mkdtempSync(join(tmpdir(), 'zct-xlsx-'));
  const py = `
import sys
from openpyxl import load_workbook
from backend.org.importer.examples import example_records
from backend.org.importer.export import workbook_from_records
d = sys.argv[1]
wb = workbook_from_records(example_records())
wb.save(d + '/good.xlsx')
ws = wb['第一书记']
ws.cell(row=2, column=3).value = 'abc'
wb['村社区'].cell(row=3, column=3).value = '000000000'
wb.save(d + '/bad.xlsx')
`;
  const r = spawnSync(join(REPO, '.venv', 'bin', 'python'), ['-c', py, dir], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { good: join(dir, 'good.xlsx'), bad: join(dir, 'bad.xlsx') };
}

describe('county workbook import', () => {
  it('dry-runs a bad file (row errors), then a good one (counts) and imports it', async () => {
    const files = makeWorkbooks();
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('township-item').first().waitFor();
    await page.goto(server.url + '/admin/import');

    await page.getByLabel('选择 .xlsx 文件').setInputFiles(files.bad);
    await page.getByRole('button', { name: '预检查' }).click();
    await page.locator('table.table tbody tr').first().waitFor();
    const rows = await page.locator('table.table tbody tr').count();
    assert.ok(rows >= 2, `expected ≥ 2 row errors, got ${rows}`);
    assert.match(await page.locator('table.table').innerText(), /第一书记/);
    assert.equal(await page.getByRole('button', { name: '确认导入' }).count(), 0, 'no confirm on errors');
    await shot(page, '15-import-row-errors');

    await page.getByLabel('选择 .xlsx 文件').setInputFiles(files.good);
    await page.getByRole('button', { name: '预检查' }).click();
    await page.getByRole('heading', { name: '检查通过，可以导入' }).waitFor();
    await page.getByRole('button', { name: '确认导入' }).waitFor();
    assert.match(await page.locator('.fields').last().innerText(), /第一书记\s*4/);
    await shot(page, '16-import-dry-run-ok');
    // nothing written by the dry run
    const token = await apiLogin(ACCOUNTS.county);
    const names = async () =>
      (await api(`{ townships(first: 50) { edges { node { name } } } }`, {}, token)).townships.edges.map((e) => e.node.name);
    assert.ok(!(await names()).includes('东岭镇'));

    await page.getByRole('button', { name: '确认导入' }).click();
    await page.getByRole('heading', { name: '导入完成' }).waitFor();
    await shot(page, '17-import-done');
    assert.ok((await names()).includes('东岭镇'));
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
});

describe('county admin forms', () => {
  it('creates a village, registers its first secretary with a login, who can then sign in', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('township-item').first().waitFor();
    await page.goto(server.url + '/admin');

    await page.getByText('新建村（社区）').click();
    const vf = page.locator('#new-village');
    await vf.getByLabel('所属镇街').selectOption({ label: '测试镇' });
    await vf.getByLabel('名称').fill('测试村');
    await vf.getByLabel('编码').fill('E2E-VL-1');
    await vf.getByRole('button', { name: '提交' }).click();
    await vf.getByRole('status').or(vf.getByRole('alert')).waitFor();
    assert.match(await vf.getByRole('status').innerText(), /已保存/);

    await page.getByText('登记第一书记').click();
    const sf = page.locator('#new-secretary');
    await sf.getByLabel('姓名').fill('测试书记');
    await sf.getByLabel('性别').selectOption('FEMALE');
    await sf.getByLabel('手机号').fill('13899990002');
    await sf.getByLabel('派出单位').fill('县测试局');
    await sf.getByLabel('单位类型').selectOption('MUNICIPAL');
    await sf.getByLabel('驻村方式').selectOption('RESIDENT');
    await sf.getByLabel('干部类别').selectOption('SECTION_CHIEF');
    await sf.getByLabel('所属镇街').selectOption({ label: '测试镇' });
    await sf.getByLabel('村（社区）').locator('option', { hasText: '测试村' }).waitFor({ state: 'attached' });
    await sf.getByLabel('村（社区）').selectOption({ label: '测试村' });
    await sf.getByLabel('任期开始').fill('2026-03-01');
    await sf.getByLabel('任期结束').fill('2027-02-28');
    await sf.getByLabel(/登录密码/).fill('Secretary@2026x');
    await sf.getByRole('button', { name: '提交' }).click();
    await sf.getByRole('status').or(sf.getByRole('alert')).waitFor();
    await shot(page, '18-county-create-secretary');
    assert.match(await sf.getByRole('status').innerText(), /已保存/);

    await page.getByTestId('logout').click();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await login(page, '13899990002', 'Secretary@2026x');
    await page.getByTestId('village-name').waitFor();
    assert.equal(await page.getByTestId('village-name').innerText(), '测试村');
    await page.getByTestId('home-profile').locator('summary').click();
    await page.getByText('县测试局').waitFor();
    await shot(page, '31-new-secretary-home');
    await page.getByTestId('roster-link').click();
    await page.getByText('暂无数据').waitFor(); // new village: empty roster
    await page.context().close();
  });
});

describe('township (镇街党委)', () => {
  it('sees its villages with their first secretaries', async () => {
    const token = await apiLogin(ACCOUNTS.township);
    const d = await api(`{ me { orgUnit { id name } } }`, {}, token);
    const v = await api(
      `query($t: ID) { villages(townshipId: $t, first: 20) { edges { node { name secretary { name phone } } } } }`,
      { t: d.me.orgUnit.id },
      token,
    );
    const withSec = v.villages.edges.map((e) => e.node).find((n) => n.secretary);
    assert.ok(withSec, 'demo township has a village with a secretary');

    const page = await newPage();
    await login(page, ACCOUNTS.township);
    await page.getByTestId('today-review').waitFor();
    await shot(page, '20-township-home');
    await page.getByTestId('nav-villages').click();
    await page.getByTestId('village-item').first().waitFor();
    assert.equal(await page.getByTestId('township-name').innerText(), d.me.orgUnit.name);
    const item = page.getByTestId('village-item').filter({ hasText: withSec.name }).first();
    assert.match(await item.innerText(), new RegExp(withSec.secretary.name));
    assert.match(await item.innerText(), new RegExp(withSec.secretary.phone));
    await shot(page, '20-township-villages');
    await page.goto(server.url + '/admin');
    await page.getByText('新建党员群众账号').click();
    const form = page.locator('#new-member');
    await form.getByLabel('村（社区）').selectOption({ label: withSec.name });
    await form.getByLabel('姓名').fill('测试村民');
    await form.getByLabel('手机号').fill('13899990001');
    await form.getByLabel('密码').fill('Member@2026x');
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByRole('status').or(form.getByRole('alert')).waitFor();
    assert.match(await form.getByRole('status').innerText(), /已保存/);
    await shot(page, '21-township-create-member');
    // the new member can log in and sees that village's public page
    await page.getByTestId('logout').click();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await login(page, '13899990001', 'Member@2026x');
    await page.getByTestId('secretary-name').waitFor();
    assert.equal(await page.getByTestId('village-name').innerText(), withSec.name);
    assert.equal(await page.getByTestId('secretary-name').innerText(), withSec.secretary.name);
    await page.context().close();
  });
});

describe('first secretary (第一书记)', () => {
  it('sees own village and profile on the home, and the household roster on its own screen', async () => {
    const token = await apiLogin(ACCOUNTS.village);
    const d = await api(`{ mySecretaryProfile { name dispatchUnit village { id name } } villagePublicPage { townshipName } }`, {}, token);
    const hh = await api(
      `query($v: ID!) { households(villageId: $v, first: 20) { totalCount edges { node { headName } } } }`,
      { v: d.mySecretaryProfile.village.id },
      token,
    );
    assert.ok(hh.households.totalCount > 0);

    const page = await newPage();
    await login(page, ACCOUNTS.village);
    await page.getByTestId('village-name').waitFor();
    assert.equal(await page.getByTestId('village-name').innerText(), d.mySecretaryProfile.village.name);
    await page.getByText(d.villagePublicPage.townshipName).first().waitFor();
    assert.equal(await page.getByTestId('page-title').innerText(), '我的村');
    await page.getByTestId('home-profile').locator('summary').click();
    await page.getByText(d.mySecretaryProfile.dispatchUnit).first().waitFor();
    await shot(page, '30-secretary-home');
    assert.match(await page.getByTestId('roster-link').innerText(), new RegExp(`${hh.households.totalCount} 户`));
    await page.getByTestId('roster-link').click();
    await page.waitForURL(/\/households$/);
    await page.locator('.list .item').first().waitFor();
    assert.equal(await page.locator('.list .item').count(), Math.min(20, hh.households.totalCount));
    await shot(page, '30-secretary-roster');

    if (hh.households.totalCount > 20) {
      await page.getByRole('button', { name: '加载更多' }).click();
      await page.locator('.list .item').nth(20).waitFor();
    }
    // search narrows the list to the household searched for
    const target = hh.households.edges[0].node.headName;
    await page.getByLabel('搜索').fill(target);
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForFunction((n) => {
      const items = [...document.querySelectorAll('.list .item')];
      return items.length > 0 && items.every((i) => i.textContent.includes(n));
    }, target);
    await page.getByLabel('搜索').fill('不存在的户主XYZ');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByText('暂无数据').waitFor();
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  it('refreshes an invalid access token once and keeps working', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.village);
    await page.getByTestId('village-name').waitFor();
    const before = await page.evaluate(readSession);
    assert.ok(before?.refresh, 'refresh token stored in IndexedDB');
    await page.evaluate(writeSession, { ...before, access: 'not-a-valid-token' });
    let refreshes = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && (r.postData() || '').includes('refreshToken(')) refreshes++;
    });
    await page.reload();
    await page.getByTestId('village-name').waitFor();
    await page.locator('.list .item').first().waitFor();
    // the home opens from this phone's last answers at once; the refresh lands behind it
    let afterS = await page.evaluate(readSession);
    for (let i = 0; i < 100 && afterS.refresh === before.refresh; i++) {
      await page.waitForTimeout(100);
      afterS = await page.evaluate(readSession);
    }
    assert.equal(refreshes, 1, 'exactly one refresh');
    assert.notEqual(afterS.refresh, before.refresh, 'refresh token rotated');
    assert.notEqual(afterS.access, 'not-a-valid-token');

    // a refresh token that no longer works sends the user back to the login screen
    await page.evaluate(writeSession, { ...afterS, access: 'bad', refresh: 'bad-refresh' });
    await page.reload();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await page.context().close();
  });
});

describe('member (党员群众)', () => {
  it('sees the village public page with the secretary and a tel: link', async () => {
    const token = await apiLogin(ACCOUNTS.member);
    const d = await api(`{ villagePublicPage { village { name } secretary { name phone } } }`, {}, token);
    assert.ok(d.villagePublicPage.secretary);

    const page = await newPage();
    await login(page, ACCOUNTS.member);
    await page.getByTestId('secretary-name').waitFor();
    assert.equal(await page.getByTestId('secretary-name').innerText(), d.villagePublicPage.secretary.name);
    assert.equal(await page.getByTestId('village-name').innerText(), d.villagePublicPage.village.name);
    assert.equal(await page.locator('a.call').getAttribute('href'), `tel:${d.villagePublicPage.secretary.phone}`);
    await shot(page, '40-member-public-page');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'First secretary' }).waitFor();
    await page.getByRole('link', { name: /^Call/ }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await shot(page, '41-member-public-page-english');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: '第一书记' }).waitFor();
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
});

describe('session & offline', () => {
  it('logout returns to login and stays logged out after reload', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.member);
    await page.getByTestId('secretary-name').waitFor();
    const { refresh } = await page.evaluate(readSession);
    const revoked = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() || '').includes('logout('));
    await page.getByTestId('logout').click();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    assert.equal(await page.evaluate(readSession), null);
    await revoked;
    // the server revoked the session: the old refresh token no longer works
    const d = await api(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken errors { code } } }`, { t: refresh });
    assert.equal(d.refreshToken.accessToken, null);
    assert.ok(d.refreshToken.errors.length > 0);
    await page.reload();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await shot(page, '50-after-logout');
    await page.context().close();
  });

  it('opens offline from the service-worker cache, shows cached data, retries when back online', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.village);
    await page.getByTestId('village-name').waitFor();
    const villageName = await page.getByTestId('village-name').innerText();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload(); // now controlled by the service worker
    await page.getByTestId('village-name').waitFor();
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'page controlled by SW');
    await page.getByTestId('roster-link').click();
    await page.locator('.list .item').first().waitFor();
    await page.goBack();

    await page.context().setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await page.reload(); // app shell from the precache, data from the IndexedDB query cache
    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('village-name').waitFor();
    assert.equal(await page.getByTestId('village-name').innerText(), villageName);
    await page.getByTestId('diary-count').waitFor();
    await shot(page, '60-offline');
    await page.getByTestId('roster-link').click(); // the roster's first page is cached too
    await page.locator('.list .item').first().waitFor();

    // a query never made before has nothing cached: error state with retry
    await page.getByLabel('搜索').fill('王');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('button', { name: '重试' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /网络连接失败/);
    await shot(page, '61-offline-error');
    await page.context().setOffline(false);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '重试' }).click();
    await page.locator('.list .item').first().waitFor();
    await page.context().close();
  });
});

// Runs in the page: read/write the session record that src/tokens.js keeps in IndexedDB.
function readSession() {
  return new Promise((res, rej) => {
    const r = indexedDB.open('zhucuntong');
    r.onerror = () => rej(r.error);
    r.onsuccess = () => {
      const tx = r.result.transaction('auth', 'readonly').objectStore('auth').get('session');
      tx.onsuccess = () => {
        r.result.close();
        res(tx.result ?? null);
      };
      tx.onerror = () => rej(tx.error);
    };
  });
}
function writeSession(v) {
  return new Promise((res, rej) => {
    const r = indexedDB.open('zhucuntong');
    r.onerror = () => rej(r.error);
    r.onsuccess = () => {
      const tx = r.result.transaction('auth', 'readwrite');
      tx.objectStore('auth').put(v, 'session');
      tx.oncomplete = () => {
        r.result.close();
        res(true);
      };
      tx.onerror = () => rej(tx.error);
    };
  });
}
