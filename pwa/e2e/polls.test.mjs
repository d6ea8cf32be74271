// Browser test of the satisfaction poll (群众满意度测评), real backend + built PWA:
// township creates a poll and builds the roster (paste, add, edit, remove), starts issuing, a
// member gets a blind-signed credential (only the blinded message is sent with the login; a lost
// answer is fetched again with the same blinded message), paper
// slips are issued as a PDF (codes read out of it), voting opens, the member votes with no
// Authorization/cookie after the delay (?delay=0 on localhost), villagers vote anonymously with a
// scanned and a typed code in a second browser context, the poll closes, receipts are found on
// the board, the verifier passes — and fails on a tampered board (GraphQL and the CLI).
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

const shot = screenshotter('9x-');

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
    await shot(tw, '03-issuing');

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

    // ---- open voting
    await advance(tw, 'openPollVoting');
    await statusIs(tw, 'VOTING');

    // ---- member votes: no Authorization, no cookie, after the (test) delay
    await mb.goto(`${server.url}/polls/${pollId}?delay=0`);
    await mb.getByTestId('ballot').waitFor();
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
    assert.equal(await anon.getByTestId('key-fingerprint').getAttribute('data-value'), fp);
    await shot(anon, '08-paper-vote');
    await anon.getByTestId('choice-VERY_SATISFIED').check();
    await anon.getByTestId('ballot-submit').click();
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
    await shot(tw, '11-voting-counts');
    await advance(tw, 'closePoll');
    await statusIs(tw, 'CLOSED');
    await tw.getByTestId('poll-result').waitFor();

    // ---- result: 5 of 6 (≥ 2/3: valid), counts, 3/5 = 60.00 %, tier 基本称职 (60 ≤ x < 70)
    await tw.getByTestId('to-result').click();
    await tw.waitForURL(new RegExp(`/polls/${pollId}/result$`));
    await tw.getByTestId('r-ballots').waitFor();
    assert.equal(await tw.getByTestId('r-ballots').innerText(), '5');
    assert.equal(await tw.getByTestId('r-eligible').innerText(), '6');
    assert.equal(await tw.getByTestId('r-valid').getAttribute('data-valid'), 'true');
    assert.equal(await tw.getByTestId('r-count-VERY_SATISFIED').innerText(), '1');
    assert.equal(await tw.getByTestId('r-count-SATISFIED').innerText(), '2');
    assert.equal(await tw.getByTestId('r-count-BASIC').innerText(), '1');
    assert.equal(await tw.getByTestId('r-count-DISSATISFIED').innerText(), '1');
    assert.match(await tw.getByTestId('r-satisfaction').innerText(), /3 \/ 5.*60\.00%/);
    assert.match(await tw.getByTestId('r-tier').innerText(), /基本称职/);

    // ---- the member finds their receipt on the board
    await mb.goto(`${server.url}/polls/${pollId}`);
    await mb.getByTestId('find-receipt').click();
    await mb.getByTestId('receipt-found').waitFor();
    await shot(mb, '12-member-receipt-found');

    // ---- the paper voter (no login) on the public result page: receipt lookup, verifier, board
    await anon.goto(`${server.url}/polls/${pollId}/result`);
    await anon.getByTestId('receipt-input').fill(paperReceipt.match(/.{4}/g).join(' ').toUpperCase());
    await anon.getByRole('button', { name: '查找', exact: true }).click();
    await anon.getByTestId('find-receipt').click();
    await anon.getByTestId('receipt-found').waitFor();
    await anon.getByTestId('receipt-input').fill('0'.repeat(64));
    await anon.getByRole('button', { name: '查找', exact: true }).click();
    await anon.getByTestId('find-receipt').click();
    await anon.getByTestId('receipt-missing').waitFor();
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
});
