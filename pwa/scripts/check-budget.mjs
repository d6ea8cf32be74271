// Initial-JS budget: the entry chunk of index.html plus all of its static imports (transitively),
// i.e. the app shell and the login page, must be ≤ 100 KB gzipped. The first secretary's home and the
// outbox are fetched while the login page waits (screens/preload.js), or from the service worker. Lazy screens (dynamic imports) are excluded — and they must exist, so a
// refactor that accidentally makes them static fails here too.
// Usage: npm run build && npm run check:budget   (BUDGET_KB to override the limit)
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifestPath = join(dist, '.vite', 'manifest.json');
const LIMIT_KB = Number(process.env.BUDGET_KB || 100);
const MUST_BE_LAZY = [
  'VillageHome',
  'MemberHome',
  'CountyHome',
  'TownshipHome',
  'TownshipVillages',
  'VillageDetail',
  'Admin',
  'Import',
  'ReviewQueue',
  'RollCalls',
  'AttendanceSummary',
  'TownshipProgress',
  'MyProblems',
  'PublicVillage',
  'PublicReport',
  'FilingForm',
  'Outbox',
  'PollsList',
  'PollManage',
  'MemberPoll',
  'Vote',
  'PollResult',
  'AssessmentList',
  'AssessmentSheet',
  'RubricEditor',
  'OrgClasses',
  'Disqualifications',
  'Rankings',
  'Snapshot',
  'Charts',
  'Roster',
  'ProblemLedger',
  'Behind',
];
const MUST_BE_INITIAL = ['src/screens/Login.jsx', 'src/app.jsx'];

if (!existsSync(manifestPath)) {
  console.error(`budget: ${manifestPath} not found — run "npm run build" first`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry && k.endsWith('index.html'));
if (!entryKey) {
  console.error('budget: no index.html entry in manifest');
  process.exit(1);
}

const seen = new Set();
const files = [];
(function walk(key) {
  if (seen.has(key)) return;
  seen.add(key);
  const chunk = manifest[key];
  if (!chunk) throw new Error(`manifest has no chunk ${key}`);
  files.push(chunk.file);
  for (const imp of chunk.imports || []) walk(imp);
})(entryKey);

let total = 0;
let failed = false;
for (const f of files) {
  const gz = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  total += gz;
  console.log(`  ${f}  ${(gz / 1024).toFixed(1)} KB gz`);
}
const kb = total / 1024;
console.log(`initial JS (app shell + login): ${kb.toFixed(1)} KB gzipped (limit ${LIMIT_KB} KB)`);
if (kb > LIMIT_KB) {
  console.error('budget: FAIL — initial JS over budget');
  failed = true;
}

// The lazy screens must not be statically reachable from the entry.
const initialSrc = new Set([...seen].map((k) => manifest[k].src || k));
for (const name of MUST_BE_LAZY) {
  const key = Object.keys(manifest).find((k) => k.endsWith(`/${name}.jsx`));
  if (!key) {
    console.error(`budget: FAIL — ${name} is not a separate (lazy) chunk`);
    failed = true;
  } else if (initialSrc.has(key)) {
    console.error(`budget: FAIL — ${name} is in the initial JS`);
    failed = true;
  }
}
// Sanity check that the walk really covers the initial screens (they are bundled into the entry).
const entrySrc = readFileSync(join(dist, manifest[entryKey].file), 'utf8');
for (const s of MUST_BE_INITIAL)
  if (manifest[s] && !initialSrc.has(s)) {
    console.error(`budget: FAIL — ${s} not initial`);
    failed = true;
  }
if (!entrySrc.includes('登录')) {
  console.error('budget: FAIL — the login page not in the initial JS');
  failed = true;
}
for (const path of ['src/outbox/engine.js', 'src/outbox/ops.js'])
  if (initialSrc.has(path)) {
    console.error(`budget: FAIL — ${path} is in the initial JS (it loads once a first secretary logs in)`);
    failed = true;
  }

process.exit(failed ? 1 : 0);
