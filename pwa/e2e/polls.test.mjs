// Browser test of the satisfaction poll (群众满意度测评), real backend + built PWA:
// township creates a poll and builds the roster (paste, add, edit, remove), starts issuing, a
// member gets a blind-signed credential (only the blinded message is sent with the login; a lost
// answer is fetched again with the same blinded message), paper
// slips are issued as a PDF (codes read out of it), voting opens, the member votes with no
// Authorization/cookie after the delay (?delay=0 on localhost), villagers vote anonymously with a
// scanned and a typed code in a second browser context, the poll closes, receipts are found on
// the board, the verifier passes — and fails on a tampered board (GraphQL and the CLI).
// Before each step the manage screen shows the server's readiness (what is missing, what the
// step does) and never offers a step the server refuses: voting cannot open before anyone can
// vote, a batch of 3 slips out of 6 is held back with the way out. The public board speaks
// plainly (no developer words outside 技术核验), its pages fit 360 px and their targets are ≥ 48 px.
// Screenshots: test-results/screenshots/9x-*.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, REPO, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, loginAs, screenshotter } from './helpers.mjs';

const ACCOUNTS = { township: '13800000011', village: '13810000001', member: '13820000001' };
const RUN = Date.now().toString(36).slice(-5);

let server, browser;

const { api, apiLogin } = graphqlClient(() => server.url);

const newPage = (opts = {}) => newPhonePage(browser, { acceptDownloads: true, ...opts }, { acceptDialogs: true });

const login = (page, phone) => loginAs(page, server.url, phone);

const fullShot = screenshotter('9x-');
/** A full-page screenshot with the sticky header left at the top (a full-page capture would
 * otherwise paint it over the middle of the page). */
const shot = async (page, name) => {
  await page.evaluate(() => document.querySelectorAll('header').forEach((h) => (h.style.position = 'static')));
  await fullShot(page, name);
};

// --- the slips' PDF: reportlab content streams are ASCII85 + Flate; each code is drawn as two
// lines of 4-character groups in the monospace font. No PDF library needed.
function ascii85(s) {
  s = s.replace(/\s+/g, '').replace(/^<~/, '').replace(/~>$/, '');
  const out = [];
  let group = [];
  const flush = (n) => {
    while (group.length < 5) group.push(84);
    let v = 0;
    for (const d of group) v = v * 85 + d;
    out.push(...[(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].slice(0, n));
    group = [];
  };
  for (const ch of s) {
    if (ch === 'z' && !group.length) {
      out.push(0, 0, 0, 0);
      continue;
    }
    group.push(ch.charCodeAt(0) - 33);
    if (group.length === 5) flush(4);
  }
  if (group.length) flush(group.length - 1);
  return Buffer.from(out);
}
function pdfCodes(buf) {
  const s = buf.toString('latin1');
  const codes = [];
  const re = /<<((?:(?!<<|>>)[^])*?)>>\s*stream\r?\n([^]*?)\s*endstream/g;
  let m;
  while ((m = re.exec(s))) {
    let data = Buffer.from(m[2], 'latin1');
    try {
      if (/ASCII85Decode/.test(m[1])) data = ascii85(m[2]);
      if (/FlateDecode/.test(m[1])) data = inflateSync(data);
    } catch {
      continue;
    }
    const lines = [...data.toString('latin1').matchAll(/\(([0-9A-Z]{4}(?: [0-9A-Z]{4})+)\) Tj/g)].map((x) => x[1]);
    for (let i = 0; i + 1 < lines.length; i += 2) codes.push(`${lines[i]} ${lines[i + 1]}`.replace(/ /g, '-'));
  }
  return codes;
}

async function advance(page, step) {
  const btn = page.getByTestId('advance');
  await btn.waitFor();
  assert.equal(await btn.getAttribute('data-step'), step);
  await btn.click();
  await page.getByTestId('confirm-yes').click();
  await page.locator('[data-testid=advance]').or(page.getByTestId('to-result')).first().waitFor();
}

/** Wait until the element's text is `text` (counts refresh asynchronously). */
async function textIs(page, testid, text) {
  await page
    .locator(`[data-testid=${testid}]`)
    .filter({ hasText: new RegExp(`^${text}$`) })
    .first()
    .waitFor();
}

/** Visible tap targets under 48 px high (buttons, button links, the back link, disclosures,
 * ballot choices, check rows), outside the technical disclosure. */
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('main button, main a.btn, main .back, main summary, main .p9-choice, main .check')]
      .filter((el) => !el.closest('[data-testid=tech] > :not(summary)') && el.offsetParent !== null)
      .filter((el) => el.getBoundingClientRect().height < 47.5)
      .map((el) => `${el.tagName} ${(el.textContent || '').trim().slice(0, 30)} ${Math.round(el.getBoundingClientRect().height)}px`),
  );
}

/** Visible text under 16 px (outside the technical disclosure). */
function smallText(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main *')) {
      if (el.closest('[data-testid=tech] > :not(summary)') || el.offsetParent === null) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (own && parseFloat(getComputedStyle(el).fontSize) < 15.9)
        out.push(`${el.tagName}.${el.className} “${el.textContent.trim().slice(0, 20)}”`);
    }
    return out;
  });
}

/** The page at 360 px wide: nothing sticks out sideways. */
async function fitsNarrow(page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 780 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize(size);
  return wide <= 360;
}

async function readableForVillagers(page, what) {
  assert.deepEqual(await smallTargets(page), [], `${what}: tap targets under 48 px`);
  assert.deepEqual(await smallText(page), [], `${what}: text under 16 px`);
  assert.ok(await fitsNarrow(page), `${what}: sideways scroll at 360 px`);
}

async function statusIs(page, status) {
  await page.locator(`[data-testid=poll-status][data-status=${status}]`).first().waitFor();
}

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('satisfaction poll (群众满意度测评)', () => {
  it('township → member credential → paper slips → anonymous ballots → close → receipts on the board → verifier', async () => {
    // the demo first secretary (13810000001) and the township's id
    const twTok = await apiLogin(ACCOUNTS.township);
    const me = (await api(`{ me { orgUnit { id } } }`, {}, twTok)).me;
    const secs = (
      await api(
        `query($tw: ID) { secretaries(townshipId: $tw, first: 50) { edges { node { id name phone village { id name } } } } }`,
        { tw: me.orgUnit.id },
        twTok,
      )
    ).secretaries.edges.map((e) => e.node);
    const sec = secs.find((s) => s.phone === ACCOUNTS.village);
    assert.ok(sec, 'demo secretary in the township');

    // ---- township: create the poll
    const tw = await newPage();
    await login(tw, ACCOUNTS.township);
    await tw.getByTestId('nav-polls').click();
    await tw.waitForURL(/\/polls$/);
    await tw.getByTestId('create-poll').locator('summary').click();
    await tw.locator('#p9-sec').selectOption(sec.id);
    await tw.locator('#p9-period').fill(`2026-${RUN}`);
    await shot(tw, '01-create-poll');
    await tw.getByTestId('create-poll-submit').click();
    await tw.waitForURL(/\/polls\/\d+$/, { timeout: 30_000 });
    const pollId = tw.url().match(/\/polls\/(\d+)$/)[1];
    await statusIs(tw, 'DRAFT');
    assert.match(await tw.getByTestId('poll-title').innerText(), new RegExp(sec.name));

    // ---- roster: paste (member by phone + paper-only people), add one, edit one, remove one
    await tw.getByTestId('paste-roster').locator('summary').click();
    // a bad line is refused with its line number, nothing imported
    await tw.locator('#p9-paste').fill('张三,不知道');
    await tw.getByTestId('paste-import').click();
    await tw.getByText('第 1 行：缺少姓名或类别不正确').waitFor();
    await tw
      .locator('#p9-paste')
      .fill(
        [
          `党员甲,党员,${ACCOUNTS.member}`,
          '村委乙,村两委成员',
          '代表丙，村民代表',
          '老干部丁\t离退职老干部',
          '积极分子戊,入党积极分子',
        ].join('\n'),
      );
    await tw.getByTestId('paste-import').click();
    await tw.getByText('已导入 5 人').waitFor();
    await tw.locator('[data-testid=roster-voter]').nth(4).waitFor();
    await tw.getByTestId('add-voter').locator('summary').click();
    await tw.locator('#new-voter-name').fill('代表己');
    await tw.locator('#new-voter-cat').selectOption('REPRESENTATIVE');
    await tw.getByTestId('new-voter').getByRole('button', { name: '保存' }).click();
    await tw.locator('[data-testid=roster-voter][data-name="代表己"]').waitFor();
    await tw.locator('#new-voter-name').fill('临时庚');
    await tw.getByTestId('new-voter').getByRole('button', { name: '保存' }).click();
    const temp = tw.locator('[data-testid=roster-voter][data-name="临时庚"]');
    await temp.waitFor();
    await temp.getByTestId('voter-remove').click(); // window.confirm accepted
    await temp.waitFor({ state: 'detached' });
    const ding = tw.locator('[data-testid=roster-voter][data-name="老干部丁"]');
    await ding.getByTestId('voter-edit').click();
    await tw.locator('#edit-voter-name').fill('老干部丁二');
    await tw.getByTestId('edit-voter').getByRole('button', { name: '保存' }).click();
    await tw.locator('[data-testid=roster-voter][data-name="老干部丁二"]').waitFor();
    assert.equal(await tw.locator('[data-testid=roster-voter]').count(), 6);
    // the member is matched to their account by phone
    await tw.locator('[data-testid=roster-voter][data-name="党员甲"] [data-testid=has-account]').waitFor();
    await shot(tw, '02-roster');

    // ---- start issuing: key fingerprint and board head are shown
    await advance(tw, 'startPollIssuing');
    await statusIs(tw, 'ISSUING');
    const fp = await tw.getByTestId('key-fingerprint').getAttribute('data-value');
    assert.match(fp, /^[0-9a-f]{64}$/);
    assert.equal((await tw.getByTestId('key-fingerprint').innerText()).trim(), fp.match(/.{4}/g).slice(0, 8).join(' '));
    await tw.getByTestId('head-hash').waitFor();
    await textIs(tw, 'c-roster', '6');
    await textIs(tw, 'c-needed', '4'); // 2/3 of 6
    await shot(tw, '03-issuing');

    // ---- nothing handed out yet: voting cannot open, and the screen says why before anyone tries
    const next = tw.getByTestId('next-step');
    await next.locator('[data-testid=step-check][data-step=OPEN_VOTING][data-allowed=false]').waitFor();
    assert.ok(await tw.getByTestId('advance').isDisabled(), 'no 开始投票 while nobody can vote');
    assert.match(await next.getByTestId('step-missing').innerText(), /还没有人领取电子凭证或纸质票/);
    // three slips of six are held back, with the way out; five (or everyone left) can go
    const slipsCard = tw.getByTestId('paper-slips');
    await slipsCard.locator('[data-testid=step-check][data-allowed=true]').waitFor(); // the default: the 5 without an account
    await slipsCard.getByTestId('slip-pick').nth(1).uncheck();
    await slipsCard.getByTestId('slip-pick').nth(2).uncheck();
    await slipsCard.locator('[data-testid=step-check][data-allowed=false]').waitFor();
    assert.equal(await slipsCard.getByTestId('issue-slips').innerText(), '发放纸质票（3 张）');
    assert.ok(await slipsCard.getByTestId('issue-slips').isDisabled(), 'a batch the server refuses is not offered');
    assert.match(await slipsCard.getByTestId('step-missing').innerText(), /不到 5 张.*请再选 2 人凑满 5 张/s);
    await shot(tw, '03b-issuing-not-ready');
    await slipsCard.getByTestId('slip-pick').nth(1).check();
    await slipsCard.getByTestId('slip-pick').nth(2).check();
    await slipsCard.locator('[data-testid=step-check][data-allowed=true]').waitFor();

    // ---- member: get the credential (logged in; only the blinded message leaves the phone)
    const mb = await newPage();
    await login(mb, ACCOUNTS.member);
    await mb.getByTestId('nav-polls').click();
    await mb.locator(`[data-testid=poll-item][data-id="${pollId}"]`).click();
    await mb.getByTestId('get-credential').waitFor();
    assert.equal(await mb.getByTestId('key-fingerprint').getAttribute('data-value'), fp);
    const credBodies = [];
    mb.on('request', (r) => {
      if (r.url().endsWith('/graphql') && /requestPollCredential/.test(r.postData() || '')) credBodies.push(JSON.parse(r.postData()));
    });
    // the first answer is lost on the way back: the server signed and committed, the phone saw nothing
    let dropAnswer = true;
    await mb.route('**/graphql', async (route) => {
      if (dropAnswer && /requestPollCredential/.test(route.request().postData() || '')) {
        dropAnswer = false;
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await mb.getByTestId('get-credential').click();
    await mb.locator('[data-testid=poll-error][data-code=NETWORK]').waitFor();
    await mb.unroute('**/graphql');
    await mb.reload();
    await mb.getByTestId('resume-credential').click(); // the same blinded message again: the same signature
    await mb.getByTestId('cred-ready').waitFor();
    assert.equal(credBodies.length, 2);
    assert.equal(credBodies[1].variables.b, credBodies[0].variables.b);
    assert.deepEqual(Object.keys(credBodies[0].variables).sort(), ['b', 'p']);
    assert.match(credBodies[0].variables.b, /^[A-Za-z0-9_-]{300,}$/); // the blinded message only
    await shot(mb, '04-member-credential');
    await tw.reload();
    await textIs(tw, 'c-creds', '1');

    // ---- township: paper slips for the five without an account → PDF, once
    const slips = tw.getByTestId('paper-slips');
    await slips.waitFor();
    assert.equal(await slips.locator('[data-testid=slip-pick]:checked').count(), 5);
    await slips.locator('[data-testid=step-check][data-allowed=true]').waitFor();
    assert.ok(
      (await slips.getByTestId('step-consequence').allInnerTexts()).some((t) => /只能下载这一次/.test(t)),
      'the slips say what they do before they are made',
    );
    await slips.getByTestId('issue-slips').click();
    await shot(tw, '05-slips-confirm');
    const [dl] = await Promise.all([tw.waitForEvent('download'), slips.getByTestId('confirm-yes').click()]);
    const pdf = readFileSync(await dl.path());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const codes = pdfCodes(pdf);
    assert.equal(codes.length, 5, 'five codes in the PDF');
    for (const c of codes) assert.match(c, /^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    await slips.getByTestId('slips-done').waitFor();
    await textIs(tw, 'c-paper', '5');

    // ---- open voting: 6 of 6 can vote; the screen says what opening does, then it opens
    // (readiness refreshes after the batch: wait for the counts it speaks of)
    await next.getByTestId('step-consequence').filter({ hasText: '电子凭证（1 人）和纸质票（5 张）' }).waitFor();
    const after = (await next.getByTestId('step-consequence').allInnerTexts()).join('\n');
    assert.match(after, /签名密钥将销毁/);
    assert.match(after, /不少于应参加 6 人的三分之二（4 人）/);
    assert.equal(await next.getByTestId('step-warning').count(), 0);
    await shot(tw, '05b-ready-to-vote');
    await advance(tw, 'openPollVoting');
    await statusIs(tw, 'VOTING');

    // ---- member votes: no Authorization, no cookie, after the (test) delay
    await mb.goto(`${server.url}/polls/${pollId}?delay=0`);
    await mb.getByTestId('ballot').waitFor();
    await readableForVillagers(mb, 'member ballot');
    const ballotReqs = [];
    mb.on('request', (r) => {
      if (r.url().includes(`/polls/${pollId}/ballots`)) ballotReqs.push(r);
    });
    await mb.getByTestId('choice-SATISFIED').check();
    await mb.getByTestId('ballot-submit').click();
    await shot(mb, '06-member-confirm');
    await mb.getByTestId('confirm-yes').click();
    await mb.getByTestId('receipt').waitFor();
    const memberReceipt = await mb.getByTestId('receipt').getAttribute('data-value');
    assert.match(memberReceipt, /^[0-9a-f]{64}$/);
    assert.equal(ballotReqs.length, 1);
    const h = await ballotReqs[0].allHeaders();
    assert.ok(!('authorization' in h) && !('cookie' in h) && !('referer' in h), `anonymous ballot request: ${JSON.stringify(h)}`);
    assert.deepEqual(Object.keys(JSON.parse(ballotReqs[0].postData())).sort(), ['choice', 'signature', 'token']);
    await shot(mb, '07-member-receipt');

    // ---- a villager with a paper slip, no account: QR link (code in the fragment), second context
    const anon = await newPage();
    await anon.goto(`${server.url}/vote/${pollId}#code=${codes[0]}`);
    await anon.getByTestId('code-ok').waitFor();
    assert.equal(new URL(anon.url()).hash, '', 'the code leaves the address bar');
    await readableForVillagers(anon, 'paper ballot');
    assert.equal(await anon.getByTestId('key-fingerprint').getAttribute('data-value'), fp);
    await shot(anon, '08-paper-vote');
    await anon.getByTestId('choice-VERY_SATISFIED').check();
    await anon.getByTestId('ballot-submit').click();
    await shot(anon, '08b-paper-confirm');
    await anon.getByTestId('confirm-yes').click();
    await anon.getByTestId('receipt').waitFor();
    const paperReceipt = await anon.getByTestId('receipt').getAttribute('data-value');
    await shot(anon, '09-paper-receipt');
    // typed (lower case, spaces) works too — the next voter on the same phone
    await anon.getByTestId('next-ballot').click();
    await anon.getByTestId('paper-code').fill(codes[1].toLowerCase().replace(/-/g, ' '));
    await anon.getByTestId('code-ok').waitFor();
    await anon.getByTestId('choice-BASIC').check();
    await anon.getByTestId('ballot-submit').click();
    await anon.getByTestId('confirm-yes').click();
    await anon.getByTestId('receipt').waitFor();
    // the same slip scanned again → 已投过票; a made-up code → 票码无效
    await anon.goto(`${server.url}/vote/${pollId}#code=${codes[0]}`); // same document: hashchange
    await anon.getByTestId('code-ok').waitFor();
    await anon.getByTestId('choice-DISSATISFIED').check();
    await anon.getByTestId('ballot-submit').click();
    await anon.getByTestId('confirm-yes').click();
    await anon.locator('[data-testid=poll-error][data-code=ALREADY_VOTED]').waitFor();
    assert.match(await anon.getByTestId('poll-error').innerText(), /已投过票/);
    await shot(anon, '10-already-voted');
    await anon.getByTestId('paper-code').fill('2222-2222-2222-2222-2222-2222-2222');
    await anon.getByTestId('ballot-submit').click();
    await anon.getByTestId('confirm-yes').click();
    await anon.locator('[data-testid=poll-error][data-code=INVALID_CODE]').waitFor();
    // two more slips voted straight over HTTP (as other phones would)
    for (const [code, choice] of [
      [codes[2], 'satisfied'],
      [codes[3], 'dissatisfied'],
    ]) {
      const r = await fetch(`${server.url}/polls/${pollId}/ballots`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code, choice }),
      });
      assert.equal(r.status, 200, await r.clone().text());
    }

    // ---- township sees counts only, then closes
    await tw.reload();
    await textIs(tw, 'c-ballots', '5');
    assert.equal(await tw.getByTestId('poll-result').count(), 0);
    await next.locator('[data-testid=step-check][data-step=CLOSE_POLL][data-allowed=true]').waitFor();
    assert.match((await next.getByTestId('step-consequence').allInnerTexts()).join('\n'), /已有 5 人投票.*测评有效/);
    await shot(tw, '11-voting-counts');
    await advance(tw, 'closePoll');
    await statusIs(tw, 'CLOSED');
    await tw.getByTestId('poll-result').waitFor();
    await shot(tw, '11b-closed-manage');

    // ---- result: 5 of 6 (≥ 2/3: valid), counts, 3/5 = 60.00 %, tier 基本称职 (60 ≤ x < 70)
    await tw.getByTestId('to-result').click();
    await tw.waitForURL(new RegExp(`/polls/${pollId}/result$`));
    const turnout = tw.getByTestId('r-turnout');
    await turnout.waitFor();
    assert.equal(await turnout.getAttribute('data-ballots'), '5');
    assert.equal(await turnout.getAttribute('data-eligible'), '6');
    assert.match(await turnout.innerText(), /应参加 6 人，实际投票 5 人，达到三分之二（至少 4 人），测评有效/);
    assert.equal(await tw.getByTestId('r-valid').getAttribute('data-valid'), 'true');
    assert.equal(await tw.getByTestId('r-count-VERY_SATISFIED').innerText(), '1');
    assert.equal(await tw.getByTestId('r-count-SATISFIED').innerText(), '2');
    assert.equal(await tw.getByTestId('r-count-BASIC').innerText(), '1');
    assert.equal(await tw.getByTestId('r-count-DISSATISFIED').innerText(), '1');
    assert.match(await tw.getByTestId('r-satisfaction').innerText(), /60\.00%[^]*很满意和满意共 3 票 ÷ 投票人数 5 人/);
    assert.match(await tw.getByTestId('r-tier').innerText(), /满意率不到 70%，按规定定为“基本称职”档次/);
    await shot(tw, '11c-township-board');

    // ---- the member's phone kept the receipt: it is checked on the board at once
    await mb.goto(`${server.url}/polls/${pollId}`);
    await mb.getByTestId('receipt-found').waitFor();
    assert.match(await mb.getByTestId('receipt-found').innerText(), /我的回执在公示榜上/);
    assert.equal(await mb.getByTestId('receipt').getAttribute('data-value'), memberReceipt);
    await readableForVillagers(mb, 'member result');
    await shot(mb, '12-member-receipt-found');
    // … and on the public board page too
    await mb.goto(`${server.url}/polls/${pollId}/result`);
    await mb.getByTestId('receipt-found').waitFor();
    await shot(mb, '12b-member-board');

    // ---- the paper voter (no login) on the public result page: plain words, a receipt found by
    // its first three groups; the chain and the verifier only behind 技术核验
    await anon.goto(`${server.url}/polls/${pollId}/result`);
    await anon.getByTestId('poll-result').waitFor();
    const plain = await anon.evaluate(() => {
      const main = document.querySelector('main').cloneNode(true);
      main.querySelectorAll('[data-testid=tech] > :not(summary)').forEach((el) => el.remove());
      return main.innerText;
    });
    assert.doesNotMatch(plain, /opened|paper_codes|prev|hash|verify-poll|python|JSON/i, 'no developer words on the public board');
    assert.match(plain, /应参加 6 人，实际投票 5 人/);
    await readableForVillagers(anon, 'public board');
    await shot(anon, '12c-public-board');
    const firstGroups = paperReceipt.slice(0, 12).toUpperCase().match(/.{4}/g).join('-');
    await anon.getByTestId('receipt-input').fill(firstGroups);
    await anon.getByTestId('receipt-lookup').click();
    await anon.getByTestId('lookup-found').waitFor();
    assert.equal(await anon.getByTestId('lookup-receipt').getAttribute('data-value'), paperReceipt);
    assert.match(await anon.getByTestId('lookup-receipt').innerText(), new RegExp(firstGroups));
    await shot(anon, '12d-receipt-lookup');
    await anon.getByTestId('receipt-input').fill('0'.repeat(12));
    await anon.getByTestId('receipt-lookup').click();
    await anon.getByTestId('lookup-missing').waitFor();
    await anon.getByTestId('tech').locator('summary').click();
    await anon.getByTestId('verify').click();
    await anon.getByTestId('verify-result').waitFor();
    assert.equal(await anon.getByTestId('verify-result').getAttribute('data-ok'), 'true');
    assert.ok((await anon.getByTestId('verify-check').count()) > 0);
    assert.equal(await anon.locator('[data-testid=verify-check][data-ok=false]').count(), 0);
    assert.ok((await anon.getByTestId('board-entry').count()) > 0);
    await shot(anon, '13-board-verified');

    // ---- download the board JSON, tamper with one entry → the verifier fails (GraphQL and CLI)
    const [bdl] = await Promise.all([anon.waitForEvent('download'), anon.getByTestId('download-board').click()]);
    const boardText = readFileSync(await bdl.path(), 'utf8');
    const board = JSON.parse(boardText);
    const ok = await api(`query($b: String) { verifyPollBoard(board: $b) { ok stage checks { name ok } } }`, { b: boardText });
    assert.equal(ok.verifyPollBoard.ok, true, 'the downloaded board verifies');
    assert.equal(ok.verifyPollBoard.stage, 'closed');
    const tampered = JSON.stringify(board).replace(
      memberReceipt,
      memberReceipt.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
    );
    assert.notEqual(tampered, JSON.stringify(board), 'the member receipt is in the board');
    const bad = await api(`query($b: String) { verifyPollBoard(board: $b) { ok checks { name ok detail } } }`, { b: tampered });
    assert.equal(bad.verifyPollBoard.ok, false, 'a tampered board fails');
    assert.ok(bad.verifyPollBoard.checks.some((c) => !c.ok));
    const dir = mkdtempSync(join(tmpdir(), 'zct-board-'));
    writeFileSync(join(dir, 'good.json'), boardText);
    writeFileSync(join(dir, 'bad.json'), tampered);
    const cli = (f) =>
      spawnSync(join(REPO, '.venv', 'bin', 'python'), ['-m', 'backend.cli', 'verify-poll', join(dir, f)], { cwd: REPO, encoding: 'utf8' });
    const good = cli('good.json');
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const failed = cli('bad.json');
    assert.equal(failed.status, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /FAILED/);

    for (const p of [tw, mb, anon])
      assert.deepEqual(
        p.consoleErrors.filter((e) => !/Failed to load resource/.test(e)),
        [],
        'no console errors',
      );
    await Promise.all([tw, mb, anon].map((p) => p.context().close()));
  });

  it('a step that makes the poll invalid is taken only knowingly, and the board says it plainly', async () => {
    // set up through the API: 8 people without an account, 5 slips → 5 can vote, 6 are needed
    const twTok = await apiLogin(ACCOUNTS.township);
    const me = (await api(`{ me { orgUnit { id } } }`, {}, twTok)).me;
    const secs = (
      await api(`query($tw: ID) { secretaries(townshipId: $tw, first: 50) { edges { node { id phone } } } }`, { tw: me.orgUnit.id }, twTok)
    ).secretaries.edges.map((e) => e.node);
    const sec = secs.find((s) => s.phone === ACCOUNTS.village);
    const created = await api(
      `mutation($s: ID!, $p: String!) { createPoll(input: {secretaryId: $s, period: $p}) { poll { id } errors { message } } }`,
      { s: sec.id, p: `低-${RUN}` },
      twTok,
    );
    const pollId = created.createPoll.poll.id;
    const people = Array.from({ length: 8 }, (_, i) => ({ name: `村民${i}`, category: 'REPRESENTATIVE' }));
    const rows = await api(
      `mutation($p: ID!, $v: [PollVoterInput!]!) { importPollRoster(pollId: $p, voters: $v) { voters { id } errors { message } } }`,
      { p: pollId, v: people },
      twTok,
    );
    const ids = rows.importPollRoster.voters.map((v) => v.id);
    const start = await api(`mutation($p: ID!) { startPollIssuing(pollId: $p) { errors { message } } }`, { p: pollId }, twTok);
    assert.deepEqual(start.startPollIssuing.errors, []);
    const slips = await api(
      `mutation($p: ID!, $v: [ID!]!) { issuePaperSlips(pollId: $p, voterIds: $v) { count errors { message } } }`,
      { p: pollId, v: ids.slice(0, 5) },
      twTok,
    );
    assert.equal(slips.issuePaperSlips.count, 5);

    const tw = await newPage();
    await login(tw, ACCOUNTS.township);
    await tw.goto(`${server.url}/polls/${pollId}`);
    const next = tw.getByTestId('next-step');
    await next.locator('[data-testid=step-check][data-step=OPEN_VOTING][data-allowed=true]').waitFor();
    assert.match(await next.getByTestId('step-warning').innerText(), /现在能投票的只有 5 人.*不到应参加 8 人的三分之二（6 人）.*必然无效/s);
    await tw.getByTestId('advance').click();
    const yes = tw.getByTestId('confirm-yes');
    assert.ok(await yes.isDisabled(), 'an invalid poll is not opened without ticking the warning off');
    await shot(tw, '20-open-with-warning');
    await tw.getByTestId('accept-warnings').check();
    await yes.click();
    await statusIs(tw, 'VOTING');

    // nobody voted; closing: the warning again, taken knowingly
    await next.locator('[data-testid=step-check][data-step=CLOSE_POLL]').waitFor();
    assert.match(await next.getByTestId('step-warning').innerText(), /目前只有 0 人投票.*测评无效/s);
    await tw.getByTestId('advance').click();
    await tw.getByTestId('accept-warnings').check();
    await shot(tw, '21-close-with-warning');
    await tw.getByTestId('confirm-yes').click();
    await statusIs(tw, 'CLOSED');
    await shot(tw, '22-closed-manage');

    const anon = await newPage();
    await anon.goto(`${server.url}/polls/${pollId}/result`);
    await anon.getByTestId('r-turnout').waitFor();
    assert.match(await anon.getByTestId('r-turnout').innerText(), /应参加 8 人，实际投票 0 人，不到三分之二（至少要 6 人），测评无效/);
    assert.match(await anon.getByTestId('r-tier').innerText(), /测评无效，不作为定档依据/);
    await readableForVillagers(anon, 'invalid board');
    await shot(anon, '23-invalid-board');
    for (const p of [tw, anon]) assert.deepEqual(p.consoleErrors, [], 'no console errors');
    await Promise.all([tw, anon].map((p) => p.context().close()));
  });
});
