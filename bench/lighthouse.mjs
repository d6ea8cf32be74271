// Lighthouse (mobile, default config) against the PWA login page.
//   node bench/lighthouse.mjs            # builds nothing; starts the backend like the e2e tests
//   node bench/lighthouse.mjs http://127.0.0.1:8000/   # or audit a server that is already running
// Needs: pwa/node_modules (npm ci in pwa/), pwa/dist (npm run build), Chromium at /usr/bin/chromium
// (or CHROME_PATH). Writes bench/results/lighthouse.json; exits 1 if a target is missed
// (performance ≥ 90, accessibility ≥ 95, best practices ≥ 95) unless LH_NO_FAIL=1.
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
  return import(pathToFileURL(join(dirname(pkgPath), pkg.main)).href);
};
const { default: lighthouse } = await load('lighthouse');
const chromeLauncher = await load('chrome-launcher');
const { startServer, CHROMIUM, CHROME_FLAGS } = await import(pathToFileURL(join(pwaDir, 'e2e', 'server.mjs')).href);

const TARGETS = { performance: 90, accessibility: 95, 'best-practices': 95 };
let url = process.argv[2];
let server = null;
if (!url) {
  server = await startServer();
  url = `${server.url}/`;
}

let chrome;
let exitCode = 0;
try {
  // warm-up request so the first (cold) server response isn't what gets measured
  await fetch(url).catch(() => {});
  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: CHROME_FLAGS,
    logLevel: 'silent',
  });
  const runnerResult = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
  });
  const lhr = runnerResult.lhr;
  const scores = Object.fromEntries(
    Object.entries(lhr.categories).map(([k, c]) => [k, c.score == null ? null : Math.round(c.score * 100)]),
  );
  const failing = {};
  for (const cat of Object.values(lhr.categories)) {
    const bad = cat.auditRefs
      .map((r) => lhr.audits[r.id])
      .filter((a) => a && a.score != null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
      .map((a) => ({ id: a.id, score: a.score, title: a.title, displayValue: a.displayValue }));
    if (bad.length) failing[cat.id] = bad;
  }
  const metrics = Object.fromEntries(
    ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']
      .map((id) => [id, lhr.audits[id]?.displayValue]),
  );
  const result = {
    url, fetchTime: lhr.fetchTime, lighthouseVersion: lhr.lighthouseVersion, formFactor: lhr.configSettings.formFactor,
    scores, metrics, failingAudits: failing, runWarnings: lhr.runWarnings,
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'lighthouse.json'), JSON.stringify(result, null, 2) + '\n');
  for (const [k, v] of Object.entries(scores)) console.log(`${k.padEnd(16)} ${v}`);
  for (const [k, v] of Object.entries(metrics)) console.log(`  ${k}: ${v}`);
  for (const [cat, list] of Object.entries(failing)) for (const a of list) console.log(`  [${cat}] ${a.id} ${a.score} ${a.displayValue || ''}`);
  console.log(`wrote ${join('bench', 'results', 'lighthouse.json')}`);
  for (const [k, min] of Object.entries(TARGETS)) {
    if (scores[k] == null || scores[k] < min) {
      console.error(`lighthouse: ${k} ${scores[k]} < ${min}`);
      if (!process.env.LH_NO_FAIL) exitCode = 1;
    }
  }
} finally {
  await chrome?.kill();
  await server?.stop();
}
process.exit(exitCode);
