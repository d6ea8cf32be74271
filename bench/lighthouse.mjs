// Lighthouse (mobile, default config) against the pages a county's first week opens most:
// login, the secretary's home, the 八个一 page, a filing form, the county overview, the rankings,
// the member's village page and the vote page — each as the role that sees it (demo county).
//   node bench/lighthouse.mjs            # starts the backend like the e2e tests (E2E_TEMPLATE_DB helps)
//   node bench/lighthouse.mjs http://127.0.0.1:8000   # or audit a running server with the demo county
//   LH_PAGES=home,vote node bench/lighthouse.mjs   # only the pages whose name has one of the words
// Needs: pwa/node_modules, pwa/dist (npm run build), Chromium at /usr/bin/chromium (or CHROME_PATH).
// A logged-in page is audited in a browser whose profile holds that role's session (logged in
// through the login screen first; Lighthouse keeps the storage). Writes bench/results/lighthouse.json;
// exits 1 if a page misses a target (performance ≥ 90, accessibility 100) unless LH_NO_FAIL=1.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pwaDir = resolve(here, '..', 'pwa');
const req = createRequire(join(pwaDir, 'package.json'));
const load = async (name) => {
  const pkgPath = req.resolve(`${name}/package.json`);
  const pkg = req(pkgPath);
  return import(pathToFileURL(join(dirname(pkgPath), pkg.main || 'index.js')).href);
};
const { default: lighthouse } = await load('lighthouse');
const chromeLauncher = await load('chrome-launcher');
const playwright = await load('playwright-core');
const { chromium } = playwright.default ?? playwright;
const e2e = (f) => import(pathToFileURL(join(pwaDir, 'e2e', f)).href);
const { startServer, graphqlClient, CHROMIUM, CHROME_FLAGS } = await e2e('server.mjs');
const { loginAs } = await e2e('helpers.mjs');

const TARGETS = { performance: 90, accessibility: 100 };
const ACCOUNTS = { county: '13800000001', village: '13810000001', member: '13820000001' };

let server = null;
let base = process.argv[2]?.replace(/\/$/, '');
if (!base) {
  server = await startServer();
  base = server.url;
}
const { api, apiLogin } = graphqlClient(() => base);

/** The ids the pages need, read from the demo county. */
async function demoIds() {
  const secretary = (await api(`{ mySecretaryProfile { village { id } } }`, {}, await apiLogin(ACCOUNTS.village))).mySecretaryProfile;
  const county = await apiLogin(ACCOUNTS.county);
  const voting = (await api(`{ polls(status: VOTING, first: 1) { edges { node { id } } } }`, {}, county)).polls.edges;
  if (!voting.length) throw new Error('the demo county has no poll in voting');
  return { villageId: secretary.village.id, votePollId: voting[0].node.id };
}
const ids = await demoIds();

// [name, role (null: not logged in), path]
const PAGES = [
  ['login', null, '/'],
  ['secretary home', 'village', '/'],
  ['八个一 page', 'village', '/duties'],
  ['filing form (work diary)', 'village', '/duties/new/WORK_DIARY'],
  ['county overview', 'county', '/'],
  ['rankings', 'county', '/rankings'],
  ["member's village page", 'member', `/v/${ids.villageId}`],
  ['vote page', null, `/vote/${ids.votePollId}`],
];

/** One Lighthouse run; the browser at `port` already holds the session it needs. */
async function audit(port, url) {
  const { lhr } = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    disableStorageReset: true,
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  });
  const scores = Object.fromEntries(
    Object.entries(lhr.categories).map(([k, c]) => [k, c.score == null ? null : Math.round(c.score * 100)]),
  );
  const failing = [];
  for (const cat of Object.values(lhr.categories)) {
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (a && a.score != null && a.score < 0.9 && !['informative', 'manual', 'notApplicable'].includes(a.scoreDisplayMode))
        failing.push({ category: cat.id, id: a.id, score: a.score, displayValue: a.displayValue });
    }
  }
  const metrics = Object.fromEntries(
    ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift'].map((id) => [
      id,
      lhr.audits[id]?.displayValue,
    ]),
  );
  // what moved, when a page shifts: the elements Lighthouse names
  const shifts = (lhr.audits['layout-shifts']?.details?.items ?? []).map((i) => ({
    score: i.score,
    node: i.node?.snippet ?? i.node?.selector,
  }));
  return { url, scores, metrics, failing, shifts, lighthouseVersion: lhr.lighthouseVersion, formFactor: lhr.configSettings.formFactor };
}

// LH_PAGES=home,rank audits only the pages whose name contains one of the words
const only = process.env.LH_PAGES?.split(',').filter(Boolean);
const selected = only ? PAGES.filter(([name]) => only.some((w) => name.includes(w))) : PAGES;

const results = [];
let exitCode = 0;
try {
  await fetch(base + '/').catch(() => {}); // warm-up: the first (cold) response is not measured
  const roles = [...new Set(selected.map(([, role]) => role))];
  for (const role of roles) {
    // a fresh profile per role, logged in through the login screen
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
    try {
      if (role) {
        const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
        const page = await browser.contexts()[0].newPage();
        await loginAs(page, base, ACCOUNTS[role]);
        await page.close();
        await browser.close(); // disconnects; the browser and its storage stay
      }
      for (const [name, r, path] of selected.filter(([, r]) => r === role)) {
        const res = { name, role: r ?? 'anonymous', ...(await audit(chrome.port, base + path)) };
        results.push(res);
        const s = res.scores;
        console.log(
          `${name.padEnd(26)} perf ${s.performance}  a11y ${s.accessibility}  bp ${s['best-practices']}  ` +
            `LCP ${res.metrics['largest-contentful-paint']}  TBT ${res.metrics['total-blocking-time']}  CLS ${res.metrics['cumulative-layout-shift']}`,
        );
        for (const f of res.failing) console.log(`    [${f.category}] ${f.id} ${f.score} ${f.displayValue || ''}`);
        for (const x of res.shifts) console.log(`    shift ${x.score?.toFixed?.(3)} ${x.node}`);
        for (const [k, min] of Object.entries(TARGETS)) {
          if (s[k] == null || s[k] < min) {
            console.error(`lighthouse: ${name}: ${k} ${s[k]} < ${min}`);
            if (!process.env.LH_NO_FAIL) exitCode = 1;
          }
        }
      }
    } finally {
      await chrome.kill();
    }
  }
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'lighthouse.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${join('bench', 'results', 'lighthouse.json')}`);
} finally {
  await server?.stop();
}
process.exit(exitCode);
