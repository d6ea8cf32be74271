// The one door to the server: every request of the app (GraphQL POSTs, multipart uploads, the
// plain HTTP routes for media, polls, exports and cards, downloads) goes through `request`.
// It attaches the bearer token, refreshes the session once when the access token is about to
// expire or the server says UNAUTHENTICATED (401, or the code in the body) and retries once, and
// turns every failure into one error type, ApiError { code, message, field?, status }.
// `anonymous: true` sends no Authorization header, no cookies, no referrer and nothing cached —
// the voting routes need exactly that (the server refuses ballots with identifying headers).
import { loadTokens, currentTokens, saveTokens, clearTokens, reloadTokens } from './tokens.js';
import { createStore } from './store.js';

const EARLY_REFRESH_MS = 60 * 1000;

/** Fired when the session is gone (refresh failed); the app goes to the login screen. */
export const sessionEnded = createStore(0);
/** Why it ended, when the login screen should say so: 'idle' (no input for too long, here or as the
 * server measured it — SESSION_IDLE), else null. */
export const sessionEndReason = createStore(null);

/** Every failure of a request: `code` (the server's error code, or NETWORK / TIMEOUT / …),
 * `message` (the server's text, fit for the user, or the code), `field` (the input it is about),
 * `status` (HTTP status; 0 when no answer came). Callers may add more (path, payload, …). */
export class ApiError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.code = code;
    this.status = 0;
    Object.assign(this, extra);
  }
}

const CODE_OF_STATUS = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  413: 'MEDIA_TOO_LARGE',
  415: 'MEDIA_UNSUPPORTED',
  429: 'RATE_LIMITED',
  507: 'STORAGE_FULL',
};
const codeOfStatus = (status) => CODE_OF_STATUS[status] || (status >= 500 ? 'INTERNAL' : 'INVALID_INPUT');

/**
 * THE parser of error bodies: the error in a response body (`body` already parsed from JSON, or
 * null when it was not JSON), or null when it holds none and `status` is a success.
 * Every route of the server answers a refusal in one shape (docs/SECURITY.md, "Errors"):
 *   {"errors":[{"message":"…","extensions":{"code":"…","field":…}}]}
 * A failure without it (a proxy's HTML page, an empty body) is known by its status alone.
 */
export function parseError(status, body) {
  const e = Array.isArray(body?.errors) ? body.errors[0] : null;
  if (e) {
    return new ApiError(e.extensions?.code || codeOfStatus(status >= 400 ? status : 500), e.message, {
      status,
      field: e.extensions?.field ?? undefined,
      path: e.path,
    });
  }
  if (status >= 400) return new ApiError(codeOfStatus(status), `HTTP ${status}`, { status });
  return null;
}

const isJson = (res) => /\bjson\b/i.test(res.headers.get('Content-Type') || '');

/** The parsed JSON body, or null when there is none (the response is not consumed). */
export async function peekJson(res) {
  if (!isJson(res)) return null;
  try {
    return await res.clone().json();
  } catch {
    return null;
  }
}

const REFRESH = `mutation Refresh($t: String!) { refreshToken(refreshToken: $t) {
  accessToken refreshToken expiresIn errors { code message } } }`;

let inflight = null;

/** Rotate the refresh token once, shared by all concurrent callers (and tabs, via Web Locks).
 * Resolves true (new tokens stored), false (the session is over: tokens cleared), or rejects
 * with NETWORK / TIMEOUT when the server cannot be reached (the tokens are kept). */
export function refreshSession() {
  if (!inflight) {
    const used = currentTokens()?.refresh;
    const run = async () => {
      // another tab may already have rotated it: take theirs instead of reusing ours
      const now = await reloadTokens();
      if (now?.refresh && now.refresh !== used && now.expiresAt - Date.now() > EARLY_REFRESH_MS) return true;
      if (!now?.refresh) return false;
      let json;
      try {
        const res = await request('/graphql', { method: 'POST', json: { query: REFRESH, variables: { t: now.refresh } }, auth: false });
        json = await res.json();
      } catch (e) {
        if (e.code === 'NETWORK' || e.code === 'TIMEOUT') throw e; // offline: keep tokens, let the caller show an error
        return false;
      }
      const p = json?.data?.refreshToken;
      if (p?.errors?.[0]?.code === 'SESSION_IDLE') sessionEndReason.set('idle');
      if (!p || p.errors?.length || !p.accessToken) return false;
      await saveTokens(p);
      return true;
    };
    const locked = navigator.locks?.request ? navigator.locks.request('zct-refresh', run) : run();
    inflight = locked
      .then(async (ok) => {
        if (!ok) {
          await clearTokens();
          sessionEnded.set((n) => n + 1);
        }
        return ok;
      })
      .finally(() => {
        inflight = null;
      });
  }
  return inflight;
}

/** One try on the wire → Response (of any status); rejects with ApiError NETWORK / TIMEOUT. */
async function send(url, opts, access) {
  const headers = { ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers.Accept ??= 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (access) headers.Authorization = `Bearer ${access}`;
  const init = { method: opts.method || 'GET', headers, body };
  if (opts.anonymous) Object.assign(init, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store', mode: 'same-origin' });
  if (opts.onProgress) return sendWithProgress(url, init, opts.onProgress);
  const ctl = opts.timeoutMs || opts.signal ? new AbortController() : null;
  const timer = opts.timeoutMs && setTimeout(() => ctl.abort(), opts.timeoutMs);
  opts.signal?.addEventListener('abort', () => ctl.abort());
  try {
    return await fetch(url, ctl ? { ...init, signal: ctl.signal } : init);
  } catch (e) {
    throw e?.name === 'AbortError' ? new ApiError('TIMEOUT', 'timeout') : new ApiError('NETWORK', e?.message);
  } finally {
    clearTimeout(timer);
  }
}

/** XMLHttpRequest for uploads whose progress is shown (fetch cannot report it) → Response. */
function sendWithProgress(url, init, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method, url);
    xhr.responseType = 'blob';
    for (const [k, v] of Object.entries(init.headers)) xhr.setRequestHeader(k, v);
    if (init.credentials === 'omit') xhr.withCredentials = false;
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded / ev.total);
    };
    xhr.onload = () => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const empty = xhr.status === 204 || xhr.status === 304;
      resolve(new Response(empty ? null : xhr.response, { status: xhr.status, headers }));
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', 'upload failed'));
    xhr.ontimeout = () => reject(new ApiError('TIMEOUT', 'timeout'));
    xhr.send(init.body);
  });
}

/** Does this answer say the access token is not (or no longer) good? */
async function unauthenticated(res) {
  if (res.status === 401) return true;
  return parseError(res.status, await peekJson(res))?.code === 'UNAUTHENTICATED';
}

/**
 * Send a request; resolves with the Response when its status is 2xx (the caller reads the body:
 * `.json()`, `.blob()`, headers), else rejects with the ApiError of the body (parseError).
 * A 2xx body may still carry errors (GraphQL): see api.js.
 * opts: method, headers, body (string | Blob | FormData), json (an object sent as JSON),
 *       anonymous (no credentials of any kind), auth (default: !anonymous), timeoutMs,
 *       onProgress(0..1) (upload progress; sent with XMLHttpRequest), signal (an AbortSignal).
 */
export async function request(url, opts = {}) {
  const res = await exchange(url, opts);
  if (res.ok) return res;
  throw parseError(res.status, await peekJson(res));
}

/** `request` for a caller that reads every status itself (a protocol client: outbox/resumable.js)
 * → the Response, whatever its status; rejects only with NETWORK / TIMEOUT. */
export async function exchange(url, opts = {}) {
  const auth = opts.auth ?? !opts.anonymous;
  if (!auth || opts.anonymous) return send(url, opts, null);
  let tok = await loadTokens();
  if (tok?.refresh && tok.expiresAt && tok.expiresAt - Date.now() < EARLY_REFRESH_MS) {
    if (await refreshSession()) tok = currentTokens();
  }
  const res = await send(url, opts, tok?.access);
  if (!tok?.refresh || !(await unauthenticated(res))) return res;
  // another request refreshed while this one travelled: retry with its token, do not rotate again
  const fresh = currentTokens()?.access;
  if (fresh && fresh !== tok.access) return send(url, opts, fresh);
  // refresh once and retry once; when the session is over, the first answer stands
  if (!(await refreshSession())) return res;
  return send(url, opts, currentTokens()?.access);
}
