// The one transport (pwa/src/transport.js): the bearer token on every request, one refresh and one
// retry when the server says the token is not good (HTTP 401 or UNAUTHENTICATED in the body, or
// shortly before expiry), anonymous requests without any credentials (ballots), and the one
// parser of error bodies (the one shape every route answers; a body without it by its status).
// The token store is an in-memory stand-in (module-resolution hook); fetch is a scripted server.
// Run: node --test pwa/tests-unit/
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';

globalThis.__tokens = { session: null };
const TOKENS = `
  const T = globalThis.__tokens;
  export async function loadTokens() { return T.session; }
  export function currentTokens() { return T.session; }
  export async function reloadTokens() { return T.session; }
  export async function saveTokens({ accessToken, refreshToken, expiresIn }) {
    T.session = { access: accessToken, refresh: refreshToken, expiresAt: Date.now() + expiresIn * 1000 };
  }
  export async function clearTokens() { T.session = null; }`;
const hook = `
  export async function resolve(specifier, context, next) {
    const r = await next(specifier, context);
    return r.url.endsWith('/src/tokens.js') ? { url: ${JSON.stringify('data:text/javascript,' + encodeURIComponent(TOKENS))}, shortCircuit: true } : r;
  }`;
register('data:text/javascript,' + encodeURIComponent(hook), import.meta.url);
globalThis.navigator = {}; // no Web Locks: the refresh is single-flight within the page only

const { request, parseError, sessionEnded, ApiError } = await import('../src/transport.js');

/** The scripted server: `answer(req)` → Response; every request is kept with its headers. */
const server = { calls: [], answer: null };
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
globalThis.fetch = async (url, init = {}) => {
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body;
  const req = { url, init, headers: init.headers || {}, body, isRefresh: /refreshToken\(/.test(body?.query || '') };
  server.calls.push(req);
  if (req.isRefresh) {
    return body.variables.t === 'refresh-1'
      ? json({ data: { refreshToken: { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900, errors: [] } } })
      : json({
          data: {
            refreshToken: {
              accessToken: null,
              refreshToken: null,
              expiresIn: null,
              errors: [{ code: 'TOKEN_INVALID', message: '登录已失效' }],
            },
          },
        });
  }
  return server.answer(req);
};
const session = (over = {}) => ({ access: 'access-1', refresh: 'refresh-1', expiresAt: Date.now() + 600e3, ...over });
const bearer = (req) => req.headers.Authorization;

beforeEach(() => {
  server.calls = [];
  globalThis.__tokens.session = session();
});

test('parseError reads the unified GraphQL shape first, with code, message, field and status', () => {
  const e = parseError(400, { errors: [{ message: '标题不能为空', extensions: { code: 'INVALID_INPUT', field: 'title' } }] });
  assert.ok(e instanceof ApiError);
  assert.deepEqual(
    { code: e.code, message: e.message, field: e.field, status: e.status },
    { code: 'INVALID_INPUT', message: '标题不能为空', field: 'title', status: 400 },
  );
  const inBand = parseError(200, { data: null, errors: [{ message: '请先登录', extensions: { code: 'UNAUTHENTICATED' } }] });
  assert.equal(inBand.code, 'UNAUTHENTICATED');
  assert.equal(parseError(200, { data: { me: null } }), null, 'a success without errors is no error');
  assert.equal(parseError(201, { sha256: 'ab' }), null);
});

test('parseError reads the one shape on every route, and a body without it by its status', () => {
  const media = parseError(507, { errors: [{ message: '服务器存储空间已满', extensions: { code: 'STORAGE_FULL' } }] });
  assert.deepEqual([media.code, media.message, media.status], ['STORAGE_FULL', '服务器存储空间已满', 507]);
  const limited = parseError(429, { errors: [{ message: '操作太频繁', extensions: { code: 'RATE_LIMITED', retryAfter: 60 } }] });
  assert.deepEqual([limited.code, limited.status], ['RATE_LIMITED', 429]);
  // the old shapes are no longer read: only their status counts
  const oldMedia = parseError(507, { error: { code: 'STORAGE_FULL', message: '服务器存储空间已满' } });
  assert.deepEqual([oldMedia.code, oldMedia.message], ['STORAGE_FULL', 'HTTP 507']);
  const oldFlat = parseError(409, { code: 'ALREADY_VOTED', message: '已投票' });
  assert.deepEqual([oldFlat.code, oldFlat.message, oldFlat.status], ['INVALID_INPUT', 'HTTP 409', 409]);
  assert.equal(parseError(404, null).code, 'NOT_FOUND');
  assert.equal(parseError(403, null).code, 'FORBIDDEN');
  assert.equal(parseError(502, null).code, 'INTERNAL');
  assert.equal(parseError(502, null).message, 'HTTP 502');
  assert.equal(parseError(413, null).code, 'MEDIA_TOO_LARGE');
});

test('every request carries the bearer token; a 2xx answer is handed back as it is', async () => {
  server.answer = () => json({ ok: 1 });
  const res = await request('/exports/attendance.xlsx?month=2026-11');
  assert.deepEqual(await res.json(), { ok: 1 });
  assert.equal(bearer(server.calls[0]), 'Bearer access-1');
});

test('HTTP 401: one refresh, one retry with the new token', async () => {
  server.answer = (req) =>
    bearer(req) === 'Bearer access-2'
      ? json({ sha256: 'ab' }, 201)
      : json({ errors: [{ message: '请先登录', extensions: { code: 'UNAUTHENTICATED' } }] }, 401);
  const res = await request('/media', { method: 'POST', body: new Blob(['x']) });
  assert.equal(res.status, 201);
  assert.deepEqual(
    server.calls.map((c) => (c.isRefresh ? 'refresh' : bearer(c))),
    ['Bearer access-1', 'refresh', 'Bearer access-2'],
  );
  assert.equal(globalThis.__tokens.session.refresh, 'refresh-2', 'the refresh token was rotated');
});

test('UNAUTHENTICATED inside a 200 GraphQL answer also refreshes once and retries', async () => {
  server.answer = (req) =>
    bearer(req) === 'Bearer access-2'
      ? json({ data: { me: { id: '1' } } })
      : json({ data: null, errors: [{ message: '请先登录', extensions: { code: 'UNAUTHENTICATED' } }] });
  const res = await request('/graphql', { method: 'POST', json: { query: '{ me { id } }' } });
  assert.deepEqual(await res.json(), { data: { me: { id: '1' } } });
  assert.equal(server.calls.filter((c) => c.isRefresh).length, 1);
});

test('a token about to expire is refreshed before the request', async () => {
  globalThis.__tokens.session = session({ expiresAt: Date.now() + 10e3 });
  server.answer = () => json({ ok: 1 });
  await request('/media/ab/thumb');
  assert.deepEqual(
    server.calls.map((c) => (c.isRefresh ? 'refresh' : bearer(c))),
    ['refresh', 'Bearer access-2'],
  );
});

test('when the refresh is refused the session ends and the first answer stands (no second retry)', async () => {
  globalThis.__tokens.session = session({ refresh: 'revoked' });
  let ended = 0;
  const off = sessionEnded.subscribe(() => ended++);
  server.answer = () => json({ errors: [{ message: '请先登录', extensions: { code: 'UNAUTHENTICATED' } }] }, 401);
  await assert.rejects(request('/cards/1.pdf'), (e) => e.code === 'UNAUTHENTICATED' && e.status === 401);
  off();
  assert.equal(ended, 1);
  assert.equal(globalThis.__tokens.session, null, 'tokens cleared');
  assert.equal(server.calls.filter((c) => !c.isRefresh).length, 1);
});

test('anonymous: no Authorization header, no cookies, no referrer, no cache — and never a refresh', async () => {
  globalThis.__tokens.session = session({ expiresAt: Date.now() + 10e3 }); // would refresh if it were sent with the login
  server.answer = () => json({ receipt: 'r' });
  await request('/polls/3/ballots', { method: 'POST', json: { code: 'X', choice: 'satisfied' }, anonymous: true });
  assert.equal(server.calls.length, 1, 'no refresh request');
  const [{ init, headers }] = server.calls;
  assert.ok(!Object.keys(headers).some((h) => /^(authorization|cookie)$/i.test(h)), JSON.stringify(headers));
  assert.equal(init.credentials, 'omit');
  assert.equal(init.referrerPolicy, 'no-referrer');
  assert.equal(init.cache, 'no-store');
});

test('an anonymous refusal is an ApiError too', async () => {
  server.answer = () => json({ errors: [{ message: '该凭证已投票', extensions: { code: 'ALREADY_VOTED' } }] }, 409);
  await assert.rejects(
    request('/polls/3/ballots', { method: 'POST', json: {}, anonymous: true }),
    (e) => e instanceof ApiError && e.code === 'ALREADY_VOTED' && e.message === '该凭证已投票' && e.status === 409,
  );
});

test('no answer: NETWORK (status 0); too slow: TIMEOUT', async () => {
  server.answer = () => {
    throw new TypeError('Failed to fetch');
  };
  await assert.rejects(request('/media/ab'), (e) => e.code === 'NETWORK' && e.status === 0);
  server.answer = (req) =>
    new Promise((_, reject) =>
      req.init.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
    );
  await assert.rejects(request('/media', { method: 'POST', body: new Blob(['x']), timeoutMs: 20 }), (e) => e.code === 'TIMEOUT');
});
