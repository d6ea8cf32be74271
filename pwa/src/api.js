// GraphQL client: POST /graphql with the bearer token, refresh-once-and-retry on
// UNAUTHENTICATED (or shortly before expiry), single-flight refresh, multipart upload.
import { loadTokens, currentTokens, saveTokens, clearTokens, reloadTokens, cacheGet, cachePut } from './tokens.js';
import { createStore } from './store.js';

const ENDPOINT = '/graphql';
const EARLY_REFRESH_MS = 60 * 1000;

/** Fired when the session is gone (refresh failed); the app goes to the login screen. */
export const sessionEnded = createStore(0);

export class ApiError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.code = code;
    Object.assign(this, extra);
  }
}

const REFRESH = `mutation Refresh($t: String!) { refreshToken(refreshToken: $t) {
  accessToken refreshToken expiresIn errors { code message } } }`;

let inflight = null;

/** Rotate the refresh token once, shared by all concurrent callers (and tabs, via Web Locks). */
export function refreshSession() {
  if (!inflight) {
    const used = currentTokens()?.refresh;
    const run = async () => {
      // another tab may already have rotated it: take theirs instead of reusing ours
      const now = await reloadTokens();
      if (now?.refresh && now.refresh !== used && now.expiresAt - Date.now() > EARLY_REFRESH_MS) return true;
      if (!now?.refresh) return false;
      let res;
      try {
        res = await post({ query: REFRESH, variables: { t: now.refresh } }, null);
      } catch (e) {
        if (e.code === 'NETWORK') throw e; // offline: keep tokens, let the caller show an error
        return false;
      }
      const p = res.data?.refreshToken;
      if (!p || p.errors?.length || !p.accessToken) return false;
      await saveTokens(p);
      return true;
    };
    const locked = navigator.locks?.request ? navigator.locks.request('zct-refresh', run) : run();
    inflight = locked
      .then(async (ok) => {
        if (!ok) { await clearTokens(); sessionEnded.set((n) => n + 1); }
        return ok;
      })
      .finally(() => { inflight = null; });
  }
  return inflight;
}

async function post(body, access) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (access) headers.Authorization = `Bearer ${access}`;
  let resp;
  try {
    resp = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiError('NETWORK', e.message);
  }
  return parse(resp.status, () => resp.json());
}

async function parse(status, readJson) {
  let json;
  try { json = await readJson(); } catch {
    throw new ApiError(status >= 500 ? 'INTERNAL' : 'NETWORK', `HTTP ${status}`);
  }
  return json;
}

function firstError(json) {
  const e = json.errors?.[0];
  if (!e) return null;
  return new ApiError(e.extensions?.code || 'INTERNAL', e.message, { path: e.path });
}

async function withAuth(send) {
  let tok = await loadTokens();
  if (tok?.refresh && tok.expiresAt && tok.expiresAt - Date.now() < EARLY_REFRESH_MS) {
    if (await refreshSession()) tok = currentTokens();
  }
  let json = await send(tok?.access);
  let err = firstError(json);
  if (err?.code === 'UNAUTHENTICATED' && tok?.refresh) {
    if (!(await refreshSession())) throw err;
    json = await send(currentTokens()?.access);
    err = firstError(json);
  }
  if (err && !json.data) throw err;
  if (err && json.data) {
    // partial data: surface the error for the field that failed
    const key = err.path?.[0];
    if (key && json.data[key] == null) throw err;
  }
  return json.data;
}

/** Run a query/mutation; resolves with `data`, rejects with ApiError(code).
 * Queries (not mutations) fall back to their last cached result when the network is down. */
export async function gql(query, variables = {}) {
  const isQuery = !/^\s*mutation\b/.test(query);
  const user = currentTokens()?.me?.id;
  const key = isQuery && user ? `${user}|${query}|${JSON.stringify(variables)}` : null;
  try {
    const data = await withAuth((access) => post({ query, variables }, access));
    if (key) cachePut(key, data);
    return data;
  } catch (e) {
    if (key && e.code === 'NETWORK') {
      const hit = await cacheGet(key);
      if (hit) return hit;
    }
    throw e;
  }
}

/** Multipart upload (GraphQL multipart request spec) with progress callback (0..1). */
export function gqlUpload(query, variables, fileVar, file, onProgress) {
  return withAuth((access) => new Promise((resolve, reject) => {
    const fd = new FormData();
    fd.append('operations', JSON.stringify({ query, variables: { ...variables, [fileVar]: null } }));
    fd.append('map', JSON.stringify({ 0: [`variables.${fileVar}`] }));
    fd.append('0', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', ENDPOINT);
    if (access) xhr.setRequestHeader('Authorization', `Bearer ${access}`);
    xhr.setRequestHeader('Apollo-Require-Preflight', 'true');
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable && onProgress) onProgress(ev.loaded / ev.total); };
    xhr.onload = () => parse(xhr.status, () => JSON.parse(xhr.responseText)).then(resolve, reject);
    xhr.onerror = () => reject(new ApiError('NETWORK', 'upload failed'));
    xhr.send(fd);
  }));
}
