// Starts the real backend (`python -m backend.cli up`) on a free port with a fresh SQLite DB and
// the built PWA, waits for /readyz. Shared by the e2e tests and bench/lighthouse.mjs.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, existsSync, createWriteStream, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PWA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(PWA_DIR, '..');
export const DIST = join(PWA_DIR, 'dist');
export const PASSWORD = 'Demo@2026'; // every demo account's
export const SHOTS = join(PWA_DIR, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** GraphQL against the test server: `api` returns `data` (throws on errors), `apiLogin` an access token. */
export function graphqlClient(baseUrl) {
  async function api(query, variables = {}, token) {
    const r = await fetch(`${baseUrl()}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const j = await r.json();
    if (j.errors) throw new Error(JSON.stringify(j.errors));
    return j.data;
  }
  async function apiLogin(phone) {
    const d = await api(`mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { accessToken errors { code } } }`, {
      p: phone,
      w: PASSWORD,
    });
    if (d.login.errors.length) throw new Error(`api login ${phone}: ${JSON.stringify(d.login.errors)}`);
    return d.login.accessToken;
  }
  return { api, apiLogin };
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export async function startServer({ timeoutMs = 90_000, log = process.env.E2E_SERVER_LOG, env: extraEnv = {} } = {}) {
  // E2E_BASE_URL=http://127.0.0.1:8000 runs against a server that is already up (with the demo county).
  if (process.env.E2E_BASE_URL) {
    const url = process.env.E2E_BASE_URL.replace(/\/$/, '');
    return { url, port: Number(new URL(url).port), stop: async () => {}, output: () => '' };
  }
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`no build in ${DIST} — run "npm run build" first`);
  const python = join(REPO, '.venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} not found`);
  const port = await freePort();
  const tmp = mkdtempSync(join(tmpdir(), 'zct-e2e-'));
  // E2E_TEMPLATE_DB: a migrated database with the demo county, copied so that each test file
  // starts from the same data without paying for the demo load (.ci/test makes it once).
  if (process.env.E2E_TEMPLATE_DB) copyFileSync(process.env.E2E_TEMPLATE_DB, join(tmp, 'e2e.db'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite+aiosqlite:///${join(tmp, 'e2e.db')}`,
    PWA_DIST: DIST,
    // the browser tests log in dozens of times from one address; tests/ratelimit covers the limits
    RATE_LIMIT_LOGIN_PER_PHONE: '0',
    RATE_LIMIT_LOGIN_PER_ADDRESS: '0',
    RATE_LIMIT_CREDENTIALS_PER_USER: '0',
    RATE_LIMIT_CASTS_PER_ADDRESS: '0',
    ...extraEnv, // a test's own settings (the identity test's OIDC_*)
  };
  const child = spawn(python, ['-m', 'backend.cli', 'up', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  const sink = log ? createWriteStream(log) : null;
  for (const s of [child.stdout, child.stderr])
    s.on('data', (b) => {
      output = (output + b).slice(-20_000);
      sink?.write(b);
    });
  let exited = null;
  child.on('exit', (code, sig) => {
    exited = { code, sig };
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`backend exited early (${JSON.stringify(exited)}):\n${output}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`backend not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const t0 = Date.now();
      while (!exited && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100));
      if (!exited) child.kill('SIGKILL');
    }
    sink?.end();
    rmSync(tmp, { recursive: true, force: true });
  }
  return { url, port, stop, output: () => output };
}

export const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';
export const CHROME_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
