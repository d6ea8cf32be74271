// Browser test of the assessment and the rankings (考评、排名定档、晾晒), real backend + built PWA
// on the demo county (its 2026 polls are closed at seeding): the county opens a resident
// secretary's assessment sheet, accepts one proposal and overrides another with a note, saves;
// a concurrent save makes the next one STALE_VERSION (reload prompt); the ranking shows its groups
// with grades or not-rankable reasons; the county publishes it (confirmation, hash) and the
// township sees the published snapshot; the secretary reads their own sheet and published line.
// The leaders' screens: one ranking group at a time (small DOM, ≥ 44 px rows), the group in the
// address so back from a secretary's sheet restores it and the scroll position; charts with one
// unit per chart and no overlapping labels at 360 px; the import template downloads as .xlsx.
// Screenshots: test-results/screenshots/7x-*.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } from './server.mjs';
import { newPhonePage, loginAs, screenshotter } from './helpers.mjs';
import { Q_ASSESSMENTS, Q_ASSESSMENT, M_SCORE } from '../src/screens/assessment/queries.js';
import { Q_SNAPSHOTS } from '../src/screens/ranking/queries.js';

const ACCOUNTS = { county: '13800000001', township: '13800000011' };
const PERIOD = '2026';
const RUN = Date.now().toString(36).slice(-5); // unique keys when run again on one server

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

const newPage = () => newPhonePage(browser, { acceptDownloads: true }, { ignore: /Failed to load resource/ });

const login = (page, phone) => loginAs(page, server.url, phone);

const shot = screenshotter('7x-');

before(async () => {
  server = await startServer({ timeoutMs: 300_000 }); // the demo county and its polls are seeded first
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Links and buttons under `scope` smaller than a thumb (44 × 44 CSS px), as text. */
function smallTargets(page, scope) {
  return page.evaluate(
    (scope) =>
      [...document.querySelectorAll(`${scope} a, ${scope} button, ${scope} select`)]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([, r]) => r.height < 44 || r.width < 44)
        .map(([el, r]) => `${el.tagName} "${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
    scope,
  );
}

/** Pairs of text labels of one chart that overlap (by more than `slack` px both ways), as text. */
function overlappingLabels(page, testid, slack = 3) {
  return page.evaluate(
    ([testid, slack]) => {
      const boxes = [...document.querySelectorAll(`[data-testid="${testid}"] text`)].map((el) => [
        el.textContent,
        el.getBoundingClientRect(),
      ]);
      const out = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, r] = boxes[i],
            [b, q] = boxes[j];
          const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
          const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
          if (w > slack && h > slack) out.push(`${a} × ${b}`);
        }
      return out;
    },
    [testid, slack],
  );
}

describe('assessment and rankings (考评、排名定档、晾晒)', () => {
  it('county scores item by item, publishes the ranking; the township sees the published snapshot', async () => {
    const tok = await apiLogin(ACCOUNTS.county);
    // a secretary the county scores (resident), with at least two proposals to work with
    const list = (await api(Q_ASSESSMENTS, { p: PERIOD, tw: null, q: null, after: null }, tok)).assessments.edges.map((e) => e.node);
    let target = null;
    for (const s of list.filter((x) => x.canScore)) {
      const a = (await api(Q_ASSESSMENT, { s: s.secretary.id, p: PERIOD }, tok)).assessment;
      if (a.items.filter((i) => i.proposedPoints != null && !(i.scored && i.points === i.proposedPoints)).length >= 2) {
        target = a;
        break;
      }
    }
    assert.ok(target, 'a resident secretary with proposals to score');

    // ---- county: home → assessments → the sheet
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.getByTestId('nav-assessments').click();
    await page.locator('[data-testid=assessment-item]').first().waitFor();
    await shot(page, '01-assessments');
    await page.goto(`${server.url}/assessments/${target.secretary.id}?period=${PERIOD}`);
    await page.getByTestId('assessment-name').waitFor();
    await page.locator('[data-testid=rubric-item]').first().waitFor();
    assert.equal(await page.locator('[data-testid=rubric-item]').count(), target.items.length);
    assert.equal(await page.getByTestId('read-only').count(), 0);

    // accept one proposal with one tap
    const isScored = (i) => i.scored;
    // another value than the proposal, inside the item's range
    const otherPoints = (i) => {
      const { minPoints: lo, maxPoints: hi } = i.item;
      if (lo == null || i.proposedPoints - 1 >= lo) return i.proposedPoints - 1;
      if (hi == null || i.proposedPoints + 1 <= hi) return i.proposedPoints + 1;
      return null;
    };
    const withProposal = target.items.filter((i) => i.proposedPoints != null && !(isScored(i) && i.points === i.proposedPoints));
    const first = withProposal[0];
    const second = withProposal.find((i) => i !== first && otherPoints(i) != null);
    assert.ok(first && second, 'two items with proposals to confirm and override');
    const c = (x) => Math.round(x * 100);
    const savedCenti = (i) => (isScored(i) ? c(i.points) : 0);
    const sumBefore = target.items.reduce((n, i) => n + savedCenti(i), 0);
    const item1 = page.locator(`[data-testid=rubric-item][data-key="${first.key}"]`);
    const item2 = page.locator(`[data-testid=rubric-item][data-key="${second.key}"]`);
    const targetBefore = await page.getByTestId('target-score').innerText();
    await item1.getByTestId('confirm-proposal').click();
    await page.locator(`[data-testid=rubric-item][data-key="${first.key}"][data-state=edited]`).waitFor();
    assert.equal(Number(await item1.getByTestId('item-points').innerText()), first.proposedPoints);

    // override another with other points: a note is required
    await item2.getByTestId('override').click();
    const pointsBox = item2.getByTestId('points');
    const newPoints = otherPoints(second);
    await pointsBox.fill(String(newPoints));
    await pointsBox.press('Tab');
    await item2.getByTestId('note').fill(''); // a saved score's note is prefilled
    await item2.getByText('与系统建议分（或按次数计算的分值）不同，须填写备注').waitFor();
    await item2.getByTestId('note').fill('现场核实，与备案不符');
    await item2.getByTestId('editor-done').click();
    await item2.getByTestId('overridden').waitFor();
    assert.equal(Number(await item2.getByTestId('item-points').innerText()), newPoints);
    // the target score follows live: max(0, the saved scores with these two replaced)
    const live = Math.max(0, sumBefore - savedCenti(first) - savedCenti(second) + c(first.proposedPoints) + c(newPoints)) / 100;
    assert.equal(Number(targetBefore), Math.max(0, sumBefore) / 100);
    assert.equal(Number(await page.getByTestId('target-score').innerText()), live);
    await shot(page, '02-sheet-edited');

    await page.getByTestId('save-assessment').click();
    await page.getByTestId('toast').filter({ hasText: '已保存 2 项' }).waitFor();
    await page.locator('[data-testid=save-assessment]').filter({ hasText: '没有修改' }).waitFor();
    const saved = (await api(Q_ASSESSMENT, { s: target.secretary.id, p: PERIOD }, tok)).assessment;
    const s1 = saved.items.find((i) => i.key === first.key);
    const s2 = saved.items.find((i) => i.key === second.key);
    assert.equal(s1.points, first.proposedPoints);
    assert.equal(s1.overridden, false);
    assert.equal(s2.points, newPoints);
    assert.equal(s2.overridden, true);
    assert.equal(s2.note, '现场核实，与备案不符');
    assert.equal(saved.version, target.version + 1);
    assert.equal(Number(await page.getByTestId('target-score').innerText()), saved.target);
    assert.equal(Number(await page.getByTestId('target-score').innerText()), live);

    // ---- someone else saves in between: the next save is STALE_VERSION → reload prompt
    const r = await api(
      M_SCORE,
      {
        input: {
          secretaryId: target.secretary.id,
          period: PERIOD,
          version: saved.version,
          items: [{ key: first.key, occurrences: s1.occurrences, points: s1.points, note: '复核' }],
        },
      },
      tok,
    );
    assert.deepEqual(r.scoreAssessment.errors, []);
    await item1.getByTestId('override').click();
    await item1.getByTestId('note').fill('再次调整');
    await item1.getByTestId('editor-done').click();
    await page.getByTestId('save-assessment').click();
    await page.getByTestId('stale').waitFor();
    await shot(page, '03-stale');
    await page.getByTestId('stale-reload').click();
    await page.locator('[data-testid=save-assessment]').filter({ hasText: '没有修改' }).waitFor();

    // ---- rankings: groups, grades or reasons; publish with confirmation; the snapshot
    await page.goto(`${server.url}/rankings?period=${PERIOD}`);
    await page.locator('[data-testid=rank-group]').first().waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('[data-testid=rank-row]').count()) > 0);
    await page.locator('[data-testid=grade], [data-testid=rank-reason]').first().waitFor();
    const reasons = await page.locator('[data-testid=rank-row][data-rankable="0"] [data-testid=rank-reason]').count();
    const grades = await page.locator('[data-testid=grade]').count();
    assert.ok(reasons + grades > 0, 'a grade or a not-rankable reason');
    await shot(page, '04-rankings');
    const published = (await api(Q_SNAPSHOTS, { p: PERIOD }, tok)).rankingSnapshots.length;
    await page.getByTestId('publish').click();
    await page.getByText('不能撤回或修改').waitFor(); // the confirmation says it is irreversible
    await page.getByTestId('confirm-yes').click();
    const hash = (await page.getByTestId('published').getByTestId('snapshot-hash').innerText()).trim();
    assert.match(hash, /^[0-9a-f]{64}$/);
    await page.locator('[data-testid=snapshot-item]').first().waitFor();
    await shot(page, '05-published');
    const snaps = (await api(Q_SNAPSHOTS, { p: PERIOD }, tok)).rankingSnapshots;
    assert.equal(snaps.length, published + 1);
    assert.equal(snaps[0].sha256, hash); // newest first

    // charts (lazy chunk) render as inline SVG
    await page.getByTestId('nav-charts').click();
    await page.locator('[data-testid=chart-compare], [data-testid=chart-dist]').first().waitFor();
    await shot(page, '06-charts');
    assert.deepEqual(page.consoleErrors, []);

    // ---- township: the ranking is closed to townships until the county decides (晾晒), with a basis
    const tw = await newPage();
    await login(tw, ACCOUNTS.township);
    await tw.getByTestId('nav-rankings').click();
    await tw.getByTestId('ranking-closed').waitFor({ timeout: 30_000 });
    await shot(tw, '07a-township-ranking-closed');
    const opened = (
      await api(
        `mutation($i: SetRankingVisibilityInput!) { setRankingVisibility(input: $i) { visibility { townshipsSee } errors { code } } }`,
        { i: { townshipsSee: true, reason: '县委组织部部务会 2026-12-01 决定向镇街通报' } },
        tok,
      )
    ).setRankingVisibility;
    assert.deepEqual(opened, { visibility: { townshipsSee: true }, errors: [] });

    // ---- township: its own secretaries with county-wide ranks, and the published ranking
    await tw.reload();
    await tw.locator('[data-testid=snapshot-item]').first().waitFor({ timeout: 30_000 });
    await tw.locator('[data-testid=rank-row]').first().waitFor();
    await tw.locator('[data-testid=snapshot-item]').first().click();
    await tw.getByTestId('snapshot-title').waitFor();
    assert.equal((await tw.getByTestId('snapshot-hash').innerText()).trim(), hash);
    assert.ok((await tw.locator('[data-testid=rank-row]').count()) > 0);
    await shot(tw, '07-township-snapshot');
    assert.deepEqual(tw.consoleErrors, []);

    // ---- the secretary: their own sheet (read-only, evidence without staff links) and published line
    const who = (
      await api(
        `query S($q: String) { secretaries(search: $q, first: 5) { edges { node { id phone hasAccount } } } }`,
        { q: target.secretary.name },
        tok,
      )
    ).secretaries.edges
      .map((e) => e.node)
      .find((n) => n.id === target.secretary.id);
    assert.ok(who?.hasAccount, 'the scored secretary has an account');
    const sec = await newPage();
    await login(sec, who.phone);
    await sec.getByTestId('my-assessment-link').click();
    await sec.getByTestId('assessment-name').waitFor();
    await sec.locator('[data-testid=rubric-item]').first().waitFor();
    assert.equal(await sec.locator('[data-testid=rubric-item]').count(), target.items.length);
    assert.equal(await sec.getByTestId('save-bar').count(), 0, 'read-only for the secretary');
    assert.equal(await sec.locator('a[data-testid=evidence-filing]').count(), 0, 'no links into the staff screens');
    assert.match(await sec.getByTestId('target-score').innerText(), /^\d+(\.\d+)?$/);
    await sec.getByTestId('my-rank').waitFor();
    assert.match(await sec.getByTestId('my-ranking').innerText(), /第 \d+ 名|不参与排名/);
    await shot(sec, '08-secretary-own');
    assert.deepEqual(sec.consoleErrors, []);
  });

  it('county admin: rubric version, organisation class, disqualification recorded and withdrawn', async () => {
    const page = await newPage();
    await login(page, ACCOUNTS.county);

    // rubric: edit an item and add one; a missing group label is refused on the phone first
    await page.goto(`${server.url}/rubric?period=${PERIOD}`);
    await page.locator('[data-testid=rubric-edit-item]').first().waitFor();
    const before = await page.locator('[data-testid=rubric-versions] li').count();
    const n = await page.locator('[data-testid=rubric-edit-item]').count();
    await page.locator('[data-testid=rubric-edit-item] summary').first().click();
    await page.locator('#rb-0-label').fill('组织学习干部作风纪律规定（修订）');
    await page.getByTestId('rubric-add').click();
    await page.locator(`#rb-${n}-label`).fill('引进致富带头人');
    await page.locator(`#rb-${n}-key`).fill(`team_building.leader_${RUN}`);
    await page.getByTestId('rubric-save').click();
    await page.locator(`#rb-${n}-groupLabel`).and(page.locator('[aria-invalid=true]')).waitFor();
    await page.locator(`#rb-${n}-groupLabel`).fill('班子建设');
    await page.getByTestId('rubric-save').click();
    await page.getByTestId('confirm-yes').click();
    await page.locator('[data-testid=rubric-versions] li').nth(before).waitFor();
    assert.equal(await page.locator('[data-testid=rubric-edit-item]').count(), n + 1);
    await shot(page, '08-rubric');

    // organisation class: one tap records it
    await page.goto(`${server.url}/org-classes?period=${PERIOD}`);
    const row = page.locator('[data-testid=org-class-row]').first();
    await row.waitFor();
    const next = (await row.getAttribute('data-class')) === 'A' ? 'B' : 'A';
    await row.getByRole('button', { name: next, exact: true }).click();
    await page
      .getByTestId('toast')
      .filter({ hasText: `已定为 ${next} 级` })
      .waitFor();

    // disqualification: record (confirmed), then withdraw with a reason (confirmed)
    await page.goto(`${server.url}/disqualifications?period=${PERIOD}`);
    await page.locator('#dq-q').waitFor();
    await page.locator('#dq-q').fill('杨');
    await page.locator('#dq-q').press('Enter');
    await page.locator('.a7-pick').first().click();
    await page.locator('#dq-kind').selectOption('PETITION');
    await page.locator('#dq-reason').fill('工作方法不当引发群体上访，经核实');
    await page.getByRole('button', { name: '登记否决事项' }).last().click();
    await page.getByText('本年度将定为不称职').waitFor();
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('toast').filter({ hasText: '已登记' }).waitFor();
    const mine = page.locator('[data-testid=disq-row][data-withdrawn="0"]').filter({ hasText: '群体上访，经核实' }).first();
    await mine.waitFor();
    await mine.getByRole('button', { name: '撤销' }).click();
    await mine.locator('textarea').fill('登记有误');
    await mine.getByRole('button', { name: '撤销' }).click();
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('toast').filter({ hasText: '已撤销' }).waitFor();
    await page.locator('[data-testid=disq-row][data-withdrawn="1"]').filter({ hasText: '登记有误' }).first().waitFor();
    await shot(page, '09-disqualifications');
    assert.deepEqual(page.consoleErrors, []);
  });
  it("leaders' screens: one group at a time, back restores it; charts one unit each; the import template", async (t) => {
    const page = await newPage();
    await login(page, ACCOUNTS.county);
    await page.goto(`${server.url}/rankings?period=${PERIOD}`);
    const group = page.locator('[data-testid=rank-group]');
    await group.locator('[data-testid=rank-row]').first().waitFor({ timeout: 30_000 });
    assert.equal(await group.count(), 1, 'one group at a time');
    const nodes = await page.evaluate(() => document.querySelectorAll('*').length);
    t.diagnostic(`rankings: ${nodes} DOM nodes`);
    assert.ok(nodes < 400, `${nodes} DOM nodes`);
    assert.deepEqual(await smallTargets(page, 'main'), []);
    await shot(page, '10-rankings-one-group');

    // the next group: its key in the address, one group still
    const first = await group.getAttribute('data-key');
    await page.getByTestId('group-next').click();
    await page.waitForFunction((k) => document.querySelector('[data-testid=rank-group]')?.dataset.key !== k, first);
    const second = await group.getAttribute('data-key');
    assert.equal(new URL(page.url()).searchParams.get('groupKey'), second);
    assert.equal(await group.count(), 1);
    await page.locator('#rk-group').selectOption(first);
    await page.waitForFunction((k) => document.querySelector('[data-testid=rank-group]')?.dataset.key === k, first);
    await page.getByTestId('group-next').click();
    await page.waitForFunction((k) => document.querySelector('[data-testid=rank-group]')?.dataset.key === k, second);

    // drill down from a row further down, then back: the same group, the same place
    const rows = group.locator('[data-testid=rank-name]');
    const row = rows.nth(Math.min(5, (await rows.count()) - 1));
    await row.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 40));
    const y = await page.evaluate(() => window.scrollY);
    const there = page.url();
    await row.click();
    await page.getByTestId('assessment-name').waitFor();
    await page.locator('a.back').first().click();
    await page.waitForFunction((k) => document.querySelector('[data-testid=rank-group]')?.dataset.key === k, second);
    assert.equal(page.url(), there);
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 60, y, { timeout: 5000 });

    // charts: the township comparison in three charts, one unit each; no label overlaps at 360 px
    await page.getByTestId('nav-charts').click();
    await page.getByTestId('chart-compare-days').waitFor();
    for (const w of [390, 360]) {
      await page.setViewportSize({ width: w, height: w === 360 ? 740 : 844 });
      for (const id of ['chart-dist', 'chart-compare-pct', 'chart-compare-points', 'chart-compare-days', 'chart-trend']) {
        if (await page.getByTestId(id).count()) assert.deepEqual(await overlappingLabels(page, id), [], `${id} at ${w} px`);
      }
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `sideways scroll at ${w} px`);
      await shot(page, `11-charts-${w}`);
    }
    // chart → a township's ranking → back: the charts, where the user was
    const tw = page.locator('a[href*="townshipId="]').last();
    await tw.scrollIntoViewIfNeeded();
    const cy = await page.evaluate(() => window.scrollY);
    await tw.click();
    await page.getByTestId('township-row').waitFor();
    await page.locator('a.back').first().click();
    await page.getByTestId('chart-compare-days').waitFor();
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 60, cy, { timeout: 5000 });
    await page.goto(`${server.url}/rankings?period=${PERIOD}`);
    await group.locator('[data-testid=rank-row]').first().waitFor();
    await shot(page, '12-rankings-360');
    await page.setViewportSize({ width: 390, height: 844 });

    // the import screen offers the blank template, a real workbook
    await page.goto(`${server.url}/admin/import`);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
    assert.equal(file.suggestedFilename(), '第一书记导入模板.xlsx');
    const bytes = await readFile(await file.path());
    assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04'); // a zip container…
    assert.ok(bytes.includes('xl/workbook.xml') && bytes.includes('xl/worksheets/sheet5.xml'), 'with the 说明 sheet and 4 data sheets');
    await page.getByTestId('toast').filter({ hasText: '第一书记导入模板.xlsx' }).waitFor();
    await shot(page, '13-import');
    assert.deepEqual(page.consoleErrors, []);
  });
});
