// Every screen of every role on a small phone (real backend + built PWA, demo county): each role
// logs in and opens every route the routes table (src/routes.jsx) gives it — parameterised routes
// with real ids from the API, every filing kind's form — and anyone opens the public pages without
// an account. At 390 × 844 and 360 × 740 each screen must have: no sideways scroll, no message key
// shown instead of its text and no English left in the Chinese UI, no developer words on public
// pages, tap targets ≥ 44 px (≥ 48 px for party members and voting), layout shift (CLS, from the
// first paint) ≤ 0.1, and no console errors. A route the test has no ids for fails, by name.
// All problems of a role are reported in one assertion. Screenshots: test-results/screenshots/walk-*.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS, PWA_DIR } from './server.mjs';
import { newLayoutPage, loginAs, screenshotter, cls, smallTargets, sideways } from './helpers.mjs';

const ACCOUNTS = { COUNTY: '13800000001', TOWNSHIP: '13800000011', VILLAGE: '13810000001', MEMBER: '13820000001' };
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
];
const shot = screenshotter('walk-');
const API_DELAY_MS = 150;

let server, browser;
const { api, apiLogin } = graphqlClient(() => server.url);

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The routes table read from src/routes.jsx: [{ paths, roles }] in its order (every entry with a
 * `path:` must be understood, or the test fails). */
function routeTable() {
  const src = readFileSync(join(PWA_DIR, 'src', 'routes.jsx'), 'utf8');
  const lists = { PUBLIC: ['PUBLIC'], LOGGED_IN: ['LOGGED_IN'] };
  for (const m of src.matchAll(/^const (\w+) = \[([^\]]*)\];/gm)) lists[m[1]] = [...m[2].matchAll(/'([^']*)'/g)].map((x) => x[1]);
  const table = src.slice(src.indexOf('export const ROUTES')).replace(/\/\/[^\n]*/g, ''); // without comments
  const entries = [...table.matchAll(/path:\s*('[^']*'|\w+|\[[^\]]*\]),\s*roles:\s*(\w+)/g)].map(([, p, r]) => {
    const paths = p.startsWith("'") ? [p.slice(1, -1)] : p.startsWith('[') ? [...p.matchAll(/'([^']*)'/g)].map((x) => x[1]) : lists[p];
    assert.ok(paths && lists[r], `routes.jsx: cannot read the entry { path: ${p}, roles: ${r} }`);
    return { paths, roles: lists[r] };
  });
  assert.equal(entries.length, [...table.matchAll(/\bpath:/g)].length, 'routes.jsx: an entry the walk cannot read');
  return entries;
}

/** The route patterns `role` opens (anonymous: the login screen and the PUBLIC ones), first path
 * of each entry (the others are aliases), without those an earlier entry takes for that role. */
function patternsOf(role) {
  const seen = new Set();
  const out = role ? [] : ['/']; // without an account, the home is the login screen (app.jsx)
  for (const { paths, roles } of routeTable()) {
    const mine = role ? roles.includes(role) || roles.includes('LOGGED_IN') : roles.includes('PUBLIC');
    if (mine && !seen.has(paths[0])) out.push(paths[0]);
    // an entry for this role (or PUBLIC, which anyone gets) hides later entries of the same path
    if (mine || roles.includes('PUBLIC')) paths.forEach((p) => seen.add(p));
  }
  return out;
}

/** Real ids from the demo county, for the parameterised routes. */
async function demoIds() {
  const tw = await apiLogin(ACCOUNTS.TOWNSHIP);
  const county = await apiLogin(ACCOUNTS.COUNTY);
  const sec = await apiLogin(ACCOUNTS.VILLAGE);
  const mem = await apiLogin(ACCOUNTS.MEMBER);
  const { me } = await api(`{ me { orgUnit { id } } }`, {}, tw);
  const townshipId = me.orgUnit.id;
  const s = await api(`{ me { orgUnit { id } } mySecretaryProfile { id } myInbox(first: 1) { edges { node { id } } } }`, {}, sec);
  const f = await api(
    `query($s: ID!) { filings(secretaryId: $s, first: 1) { edges { node { id } } } }`,
    { s: s.mySecretaryProfile.id },
    tw,
  );
  const polls = async (status, token) =>
    (await api(`query($s: PollStatus) { polls(status: $s, first: 1) { edges { node { id } } } }`, { s: status }, token)).polls.edges[0]
      ?.node.id;
  const year = new Date().getFullYear();
  const scored = await api(
    `query($p: String!) { assessments(period: $p, first: 20) { edges { node { canScore secretary { id } } } } }`,
    { p: String(year) },
    tw,
  );
  const assessed = scored.assessments.edges.map((e) => e.node).find((n) => n.canScore)?.secretary.id;
  const kinds = (await api(`{ __type(name: "FilingKind") { enumValues { name } } }`)).__type.enumValues.map((v) => v.name);
  // a published ranking (the demo county has none yet)
  const snap = await api(
    `mutation { publishRanking(input: { period: "${year}" }) { snapshot { id } errors { code message } } }`,
    {},
    county,
  );
  assert.deepEqual(snap.publishRanking.errors, []);
  return {
    townshipId,
    villageId: s.me.orgUnit.id,
    secretaryId: s.mySecretaryProfile.id,
    assessedId: assessed, // one the township scores (and so may open)
    filingId: f.filings.edges[0]?.node.id,
    inboxId: s.myInbox.edges[0]?.node.id,
    votingPoll: await polls('VOTING', tw),
    closedPoll: await polls('CLOSED', tw),
    memberPoll: await polls(null, mem),
    snapshotId: snap.publishRanking.snapshot.id,
    kinds,
  };
}

/** The concrete paths of a pattern for `role` (null when the walk knows no ids for it). */
function pathsFor(pattern, role, ids) {
  const one = (v) => (v ? [v] : null);
  const P = {
    '/t/:id': () => one(ids.townshipId),
    '/v/:id': () => one(ids.villageId),
    '/v/:id/report': () => one(ids.villageId),
    '/v/:id/complaint': () => one(ids.villageId),
    '/filings/:id': () => one(ids.filingId),
    '/progress/t/:id': () => one(ids.townshipId),
    '/progress/s/:id': () => one(ids.secretaryId),
    '/assessments/:id': () => one(ids.assessedId),
    '/rankings/snapshots/:id': () => one(ids.snapshotId),
    '/vote/:id': () => one(ids.votingPoll),
    '/polls/:id/result': () => one(ids.closedPoll),
    '/polls/:id': () => one(role === 'MEMBER' ? ids.memberPoll : ids.votingPoll),
    '/duties/new/:kind': () => ids.kinds,
    '/inbox/:id': () => one(ids.inboxId),
  };
  if (!pattern.includes(':')) return [pattern];
  const paths = P[pattern]?.();
  return paths && paths.map((v) => pattern.replace(/:\w+/, v));
}

// English that belongs in a Chinese screen: file formats, units, names of things
const ALLOWED_EN = new Set(['PDF', 'PNG', 'JPG', 'JPEG', 'Excel', 'xlsx', 'QR', 'GPS', 'KB', 'MB', 'km', 'cm', 'kg', 'ID', 'App', 'Wi-Fi']);
// words of the code, not of the villagers (public pages)
const DEV_WORDS =
  /\b(hash(es)?|prev|opened|paper_codes?|python|cli|json|null|undefined|NaN|token|sha-?256|graphql|api|uuid|backend|stack|Error)\b/i;

/** What is wrong with the screen: message keys, English words, developer words (texts) */
function textProblems(page, isPublic) {
  return page.evaluate(
    ({ allowed, dev, isPublic }) => {
      const out = [];
      const devRe = new RegExp(dev, 'i');
      // hidden text, and text marked as another language (the switch to English says so in English)
      const hidden = (el) =>
        !el.checkVisibility() || el.closest('details:not([open]) > :not(summary)') || !/^zh/.test(el.closest('[lang]')?.lang || 'zh');
      const texts = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.data.trim() || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || hidden(el)) continue;
        texts.push(n.data.trim());
      }
      for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title], img[alt]'))
        if (!hidden(el))
          for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (el.getAttribute(a)) texts.push(el.getAttribute(a).trim());
      texts.push(document.title);
      const keys = new Set();
      const english = new Set();
      const devWords = new Set();
      for (let s of texts) {
        s = s.replace(/\b[0-9a-f]{4}(?:\s+[0-9a-f]{1,4}\b){3,}/g, ''); // a hash in groups of four, to read aloud
        for (const m of s.matchAll(/(?:^|[^\w./:@-])([a-z][a-zA-Z]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?![\w/])/g))
          if (!/\.(pdf|png|jpe?g|xlsx|csv|json|txt|html|cn|com|org|net|gov)$/i.test(m[1])) keys.add(m[1]);
        // words of letters only (a hash or a code with digits in it is not a word); a code's mask (XXXX-XXXX) is not either
        for (const m of s.matchAll(/[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*/g))
          if (/^[A-Za-z-]{2,}$/.test(m[0]) && !/^X+(-X+)*$/.test(m[0]) && !allowed.includes(m[0])) english.add(m[0]);
        if (isPublic) {
          const d = s.match(devRe);
          if (d) devWords.add(d[0]);
        }
      }
      if (keys.size) out.push(`message keys shown: ${[...keys].join(', ')}`);
      if (english.size) out.push(`English in zh-CN: ${[...english].slice(0, 12).join(', ')}`);
      if (devWords.size) out.push(`developer words on a public page: ${[...devWords].join(', ')}`);
      return out;
    },
    { allowed: [...ALLOWED_EN], dev: DEV_WORDS.source, isPublic },
  );
}

/** Open `path` from scratch and wait until it has settled: no request for a while, no spinner or
 * skeleton left. */
async function open(page, path) {
  page.consoleErrors.length = 0;
  await page.goto(server.url + path, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => !document.querySelector('.spinner, .skel, [aria-busy=true]'), null, { timeout: 8000 }).catch(() => {});
  await page.waitForTimeout(150);
}

/** Every problem of one screen, as text. */
async function problemsOf(page, { min, isPublic }) {
  const out = [];
  const { scroll, client, wide } = await sideways(page);
  if (scroll > client) out.push(`sideways scroll ${scroll} > ${client} (${wide.join(', ')})`);
  const shift = await cls(page);
  if (shift > 0.1) out.push(`CLS ${shift.toFixed(3)}`);
  const small = await smallTargets(page, min);
  if (small.length)
    out.push(`tap targets < ${min} px: ${small.slice(0, 8).join('; ')}${small.length > 8 ? ` (+${small.length - 8})` : ''}`);
  out.push(...(await textProblems(page, isPublic)));
  if (await page.locator('.state.error').count())
    out.push(`shows an error: ${(await page.locator('.state.error').first().innerText()).trim()}`);
  if (await page.getByText('页面不存在').count()) out.push('页面不存在');
  if (page.consoleErrors.length) out.push(`console errors: ${page.consoleErrors.slice(0, 3).join(' | ')}`);
  return out;
}

const slug = (path) => path.replace(/^\//, '').replace(/[^\w-]+/g, '_') || 'home';

/** A phone of `viewport` whose answers from the server take API_DELAY_MS (as on a village's mobile
 * network: content arriving after the first paint is what shifts a layout), logged in as `role`. */
async function phone(role, viewport) {
  // no service worker: it would answer before page.route could hold the request back
  const page = await newLayoutPage(browser, { viewport, serviceWorkers: 'block' });
  if (role) await loginAs(page, server.url, ACCOUNTS[role]);
  await page.route('**/graphql', (r) => setTimeout(() => r.continue().catch(() => {}), API_DELAY_MS));
  return page;
}

/** Walk every route of `role` (null: anonymous, the public pages) at both sizes (side by side);
 * fails once with every problem found. */
async function walk(role, ids, t) {
  const problems = [];
  const paths = [];
  for (const pattern of patternsOf(role)) {
    const p = pathsFor(pattern, role, ids);
    if (!p) problems.push(`${pattern}: the walk has no id for this route (add it to pathsFor in e2e/walk.test.mjs)`);
    else paths.push(...p);
  }
  const isPublic = !role;
  const found = await Promise.all(
    VIEWPORTS.map(async (viewport) => {
      const out = [];
      const page = await phone(role, viewport);
      for (const path of paths) {
        const min = role === 'MEMBER' || (isPublic && /^\/(vote|polls)\//.test(path)) ? 48 : 44;
        await open(page, path);
        for (const f of await problemsOf(page, { min, isPublic })) out.push(`${viewport.width}px ${path}: ${f}`);
        if (viewport.width === 360) await shot(page, `${(role || 'public').toLowerCase()}-${slug(path)}-360`);
      }
      await page.context().close();
      return out;
    }),
  );
  problems.push(...found.flat());
  t.diagnostic(`${role || 'anonymous'}: ${paths.length} routes × ${VIEWPORTS.length} sizes`);
  assert.ok(problems.length === 0, `${role || 'anonymous'}: ${problems.length} problems\n  ${problems.join('\n  ')}`);
}

describe('every screen of every role fits a small phone', () => {
  let ids;
  before(async () => {
    ids = await demoIds();
  });
  for (const role of ['VILLAGE', 'MEMBER', 'TOWNSHIP', 'COUNTY', null])
    it(`${role ? role.toLowerCase() : 'anonymous (public pages)'}: every route at 390 and 360 px`, (t) => walk(role, ids, t));
});
