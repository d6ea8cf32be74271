// Token store. Both tokens live in IndexedDB (via idb), so they survive reloads and are shared
// between tabs; a copy is held in memory for fast synchronous reads. Also caches the last `me`
// so the app shell can show who is logged in while offline, and the last result of each query
// (store `cache`) so screens still show something without a connection. Logout wipes both.
import { openLocal, offlineSupport } from './localdb.js';

const DB = 'zhucuntong';
const STORE = 'auth';
const CACHE = 'cache';
let dbp;
function db() {
  if (!dbp) {
    dbp = openLocal(DB, 2, {
      upgrade(d) {
        if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE);
        if (!d.objectStoreNames.contains(CACHE)) d.createObjectStore(CACHE);
      },
    });
  }
  return dbp;
}

/** Last successful result of a query for the logged-in user (offline fallback). */
export async function cacheGet(key) {
  try {
    return await (await db()).get(CACHE, key);
  } catch {
    return undefined;
  }
}
export async function cachePut(key, data) {
  try {
    await (await db()).put(CACHE, data, key);
  } catch {
    /* quota etc.: cache is best effort */
  }
}

let mem = null; // { access, refresh, expiresAt, me }

// Without IndexedDB (localdb.js keeps it in memory) the session is kept for this tab in
// sessionStorage, so that a reload does not log the user out.
const TAB_KEY = 'zct-session';
const noIdb = () => offlineSupport.get().idb === false;
async function store(value) {
  await (await db()).put(STORE, value, 'session');
  if (!noIdb()) return;
  try {
    if (value) sessionStorage.setItem(TAB_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(TAB_KEY);
  } catch {
    /* no sessionStorage either: this page only */
  }
}

export async function loadTokens() {
  if (mem) return mem;
  try {
    mem = (await (await db()).get(STORE, 'session')) || null;
    if (!mem && noIdb()) mem = JSON.parse(sessionStorage.getItem(TAB_KEY) || 'null');
  } catch {
    mem = null;
  }
  return mem;
}

export function currentTokens() {
  return mem;
}

export async function saveTokens({ accessToken, refreshToken, expiresIn, user, idleTimeoutSeconds }) {
  mem = {
    // county and township: log out after this long without input (idle.js); kept across refreshes
    idle: idleTimeoutSeconds ?? mem?.idle ?? null,
    access: accessToken,
    refresh: refreshToken,
    // expiresIn in seconds; fall back to the JWT's exp claim
    expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : jwtExp(accessToken),
    me: user || mem?.me || null,
  };
  await store(mem);
  return mem;
}

/** Keep the latest `me` with the session — only while the stored session is still this one: a
 * rotation since (another tab, or this one) must not be overwritten with older tokens. */
export async function saveMe(me) {
  if (!mem) return;
  mem = { ...mem, me };
  let stored;
  try {
    stored = await (await db()).get(STORE, 'session');
  } catch {
    stored = undefined;
  }
  if (stored && stored.refresh !== mem.refresh) return;
  await store(mem);
}

export async function clearTokens() {
  mem = null;
  try {
    const d = await db();
    await d.delete(STORE, 'session');
    await d.clear(CACHE);
    if (noIdb()) sessionStorage.removeItem(TAB_KEY);
  } catch {
    /* IndexedDB unavailable: nothing stored to clear */
  }
}

/** Re-read from IndexedDB (another tab may have rotated the refresh token). */
export async function reloadTokens() {
  mem = null;
  return loadTokens();
}

function jwtExp(token) {
  try {
    const p = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return p.exp ? p.exp * 1000 : Date.now() + 15 * 60 * 1000;
  } catch {
    return Date.now() + 15 * 60 * 1000;
  }
}
