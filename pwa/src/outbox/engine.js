// The outbox sender. Starts on app load for a logged-in first secretary and sends by itself: on
// start, on `online`, when the tab becomes visible, on a backoff timer, and on demand (syncNow).
// Only one tab sends at a time (Web Lock `zct-outbox`; each item is also claimed with an atomic
// waiting→sending transition in IndexedDB, so even without Web Locks no item is sent twice at once).
// Items go strictly in creation order: photos first (POST /media, raw bytes, named by SHA-256), then
// the mutation carrying the phone-made id — a re-send after a lost answer is safe (server idempotency).
import { listItems, getItem, putItem, transition, getPhoto, putPhoto, deleteItem, dropPhotos, gcPhotos } from './db.js';
import { loadTokens, currentTokens } from '../tokens.js';
import { refreshSession } from '../api.js';
import { createStore } from '../store.js';

const PAYLOAD = 'errors { code message field }';
const FILING = `filing { id status version } currentVersion ${PAYLOAD}`;
/** op → mutation. The payload is `data[op]`; `pick` finds the server's record in it. */
export const OPS = {
  submitFiling: `mutation($input: FilingInput!) { submitFiling(input: $input) { ${FILING} } }`,
  editFiling: `mutation($input: FilingInput!, $baseVersion: Int!) { editFiling(input: $input, baseVersion: $baseVersion) { ${FILING} } }`,
  checkIn: `mutation($input: CheckInInput!) { checkIn(input: $input) { checkIn { id distanceM insideGeofence flag }
    rollCalls { rollCallId answered reason } notice ${PAYLOAD} } }`,
  fileProblem: `mutation($input: FileProblemInput!) { fileProblem(input: $input) { problem { id status version } ${PAYLOAD} } }`,
  updateProblemStatus: `mutation($input: UpdateProblemStatusInput!) { updateProblemStatus(input: $input) { problem { id status version } ${PAYLOAD} } }`,
  reportProblem: `mutation($input: ReportProblemInput!) { reportProblem(input: $input) { problem { id status } ${PAYLOAD} } }`,
};
const TRANSIENT = new Set(['NETWORK', 'INTERNAL', 'STORAGE_FULL', 'TIMEOUT', 'NO_SESSION', 'UNAUTHENTICATED']);
const BACKOFF = [5, 15, 30, 60, 120, 300];

/** { items: this user's items in order, busy, note: last transient problem {code,message}, nextAt } */
export const outbox = createStore({ items: [], busy: false, note: null, nextAt: null });

let user = null, timer = null, tick = null, fails = 0, queued = false, again = false;
const chan = typeof BroadcastChannel === 'function' ? new BroadcastChannel('zct-outbox') : null;
if (chan) chan.onmessage = () => refresh();

async function refresh() {
  const items = user == null ? [] : await listItems(user);
  outbox.set((s) => ({ ...s, items }));
  return items;
}
function changed() { chan?.postMessage(1); return refresh(); }
const patch = (p) => outbox.set((s) => ({ ...s, ...p }));

const uuid = () => crypto.randomUUID?.() ||
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
export { uuid };
let lastSeq = 0;

/** Queue an operation. `vars` are the mutation variables, `photos` the SHA-256s to upload first,
 * `ref` the record's own (phone-made) id, `kind`/`title` for the list. Returns the item. */
export async function enqueue({ op, vars, photos = [], ref, kind, title }) {
  const seq = Math.max(Date.now(), lastSeq + 1);
  lastSeq = seq;
  const item = { id: uuid(), seq, user, op, vars, photos, uploaded: [], ref, kind, title, state: 'waiting',
    error: null, note: null, tries: 0, createdAt: Date.now() };
  await putItem(item);
  navigator.storage?.persist?.().catch(() => {});
  await changed();
  syncNow();
  return item;
}

/** Failed → waiting again (photos re-uploaded when the server said one was missing). */
export async function retry(id) {
  const it = await getItem(id);
  const again = it?.error?.code === 'MEDIA_MISSING' ? { uploaded: [] } : {};
  if (again.uploaded) for (const sha of it.photos) { const p = await getPhoto(sha); if (p) await putPhoto({ ...p, up: false }); }
  await transition(id, 'failed', { state: 'waiting', error: null, ...again });
  await changed();
  fails = 0;
  syncNow();
}
export async function remove(id) { await deleteItem(id); await changed(); }
export function unsent() { return outbox.get().items.filter((i) => i.state !== 'sent').length; }

function err(code, message) { const e = new Error(message || code); e.code = code; return e; }

/** fetch with the bearer token, a timeout and one refresh-and-retry on 401 / UNAUTHENTICATED. */
async function authed(url, init, ms) {
  for (let n = 0; ; n++) {
    let tok = await loadTokens();
    if (!tok?.refresh) throw err('NO_SESSION');
    if (tok.expiresAt - Date.now() < 60_000) {
      if (!(await refreshSession())) throw err('NO_SESSION');
      tok = currentTokens();
    }
    const ctl = new AbortController();
    const to = setTimeout(() => ctl.abort(), ms);
    let status, json = null;
    try {
      const r = await fetch(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${tok.access}` }, signal: ctl.signal });
      status = r.status;
      try { json = await r.json(); } catch { /* not JSON */ }
    } catch (e) {
      throw err(e.name === 'AbortError' ? 'TIMEOUT' : 'NETWORK');
    } finally { clearTimeout(to); }
    if ((status === 401 || json?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') && n === 0) {
      if (await refreshSession()) continue;
      throw err('NO_SESSION');
    }
    return { status, json };
  }
}

export async function graphql(query, variables) {
  const { status, json } = await authed('/graphql', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  }, 30_000);
  if (!json || status >= 500) throw err('INTERNAL', `HTTP ${status}`);
  return json;
}

/** → { ok: payload } | { wait: {code,message} } (retry later) | { fail: {code,message,currentVersion} } */
async function sendOne(it) {
  for (const sha of it.photos || []) {
    if (it.uploaded.includes(sha)) continue;
    const p = await getPhoto(sha);
    // not on this phone: already on the server (edit of a returned filing); or sent for another item
    if (!p || p.up) continue;
    const { status, json } = await authed('/media', { method: 'POST', headers: { 'Content-Type': p.blob.type || 'image/jpeg' }, body: p.blob }, 90_000);
    if (status === 200 || status === 201) { it.uploaded.push(sha); await putItem(it); await putPhoto({ ...p, up: true }); continue; }
    const e = { code: json?.error?.code || (status === 507 ? 'STORAGE_FULL' : status === 413 ? 'MEDIA_TOO_LARGE' : status === 415 ? 'MEDIA_UNSUPPORTED' : 'INTERNAL'), message: json?.error?.message };
    return status >= 500 || status === 429 || status === 408 || status === 401 ? { wait: e } : { fail: e };
  }
  const json = await graphql(OPS[it.op], it.vars);
  const payload = json.data?.[it.op];
  const top = json.errors?.[0];
  if (!payload) {
    const code = top?.extensions?.code || 'INTERNAL';
    return TRANSIENT.has(code) ? { wait: { code, message: top?.message } } : { fail: { code, message: top?.message } };
  }
  const e = payload.errors?.[0];
  if (!e) return { ok: payload };
  if (e.code === 'STORAGE_FULL') return { wait: e };
  return { fail: { code: e.code, message: e.message, field: e.field, currentVersion: payload.currentVersion } };
}

/** Send every waiting item of this user, in order. Runs while holding the lock. */
async function run() {
  if (user == null) return;
  patch({ busy: true });
  // Holding the lock, nobody else is sending: a `sending` item was left by a tab that died.
  const lockless = !navigator.locks?.request;
  for (const i of await listItems(user)) {
    if (i.state === 'sending' && (!lockless || Date.now() - i.updatedAt > 120_000)) await transition(i.id, 'sending', { state: 'waiting' });
  }
  let sentAny = false, wait = null;
  try {
    while (navigator.onLine !== false && user != null) {
      const next = (await listItems(user)).find((i) => i.state === 'waiting');
      if (!next) break;
      const it = await transition(next.id, 'waiting', { state: 'sending', tries: (next.tries || 0) + 1 });
      if (!it) continue; // claimed by another tab
      await changed();
      let r;
      try { r = await sendOne(it); } catch (e) { r = { wait: { code: e.code || 'NETWORK', message: e.message } }; }
      if (r.ok) {
        const rec = r.ok.filing || r.ok.problem || r.ok.checkIn || {};
        Object.assign(it, { state: 'sent', error: null, note: null, sentAt: Date.now(), result: { ...rec, rollCalls: r.ok.rollCalls, notice: r.ok.notice } });
        if (rec.status) it.reviewStatus = rec.status;
        sentAny = true;
        await putItem(it);
        if (rec.status) { // earlier items of the same record (e.g. the returned original) follow its state
          for (const o of await listItems(user)) if (o.ref === it.ref && o.id !== it.id && o.state === 'sent') await putItem({ ...o, reviewStatus: rec.status });
        }
        await dropPhotos(it.photos);
      } else if (r.fail) {
        Object.assign(it, { state: 'failed', error: r.fail, note: null });
        await putItem(it);
      } else {
        Object.assign(it, { state: 'waiting', note: r.wait });
        await putItem(it);
        wait = r.wait;
        break; // keep the order: nothing after it goes first
      }
      await changed();
    }
  } finally {
    await changed();
    patch({ busy: false, note: wait });
  }
  if (wait) schedule(BACKOFF[Math.min(fails++, BACKOFF.length - 1)]);
  else fails = 0;
  if (sentAny || !wait) refreshReview().catch(() => {});
}

function schedule(sec) {
  clearTimeout(timer);
  const ms = sec * 1000 * (0.8 + Math.random() * 0.4);
  patch({ nextAt: Date.now() + ms });
  timer = setTimeout(syncNow, ms);
}

/** Send now (or as soon as the other tab holding the lock is done). */
export function syncNow() {
  if (user == null) return Promise.resolve();
  if (queued) { again = true; return Promise.resolve(); }
  queued = true;
  clearTimeout(timer);
  patch({ nextAt: null });
  const go = navigator.locks?.request ? navigator.locks.request('zct-outbox', run) : run();
  return go.catch(() => {}).finally(() => {
    queued = false;
    if (again) { again = false; syncNow(); }
  });
}

/** Update sent filings with their review state (returned / approved) from myFilings. */
export async function refreshReview() {
  const items = outbox.get().items.filter((i) => i.state === 'sent' && /Filing$/.test(i.op) && i.reviewStatus !== 'APPROVED');
  if (!items.length || navigator.onLine === false) return;
  const j = await graphql('{ myFilings(first: 100) { edges { node { id status version reviewComment } } } }');
  const by = new Map((j.data?.myFilings?.edges || []).map((e) => [e.node.id, e.node]));
  let n = 0;
  for (const it of items) {
    const f = by.get(it.ref);
    if (f && (f.status !== it.reviewStatus || f.version !== it.result?.version)) {
      Object.assign(it, { reviewStatus: f.status, reviewComment: f.reviewComment, result: { ...it.result, version: f.version } });
      await putItem(it); n++;
    }
  }
  if (n) await changed();
}

const onVisible = () => { if (document.visibilityState === 'visible') syncNow(); };
/** Start for the logged-in user (idempotent); stop() on logout. */
export function startOutbox(userId) {
  if (user === userId) return;
  stopOutbox();
  user = userId;
  addEventListener('online', syncNow);
  document.addEventListener('visibilitychange', onVisible);
  tick = setInterval(() => { if (document.visibilityState === 'visible') syncNow(); }, 5 * 60_000);
  refresh().then(syncNow);
  gcPhotos().catch(() => {});
}
export function stopOutbox() {
  user = null;
  clearTimeout(timer);
  clearInterval(tick);
  removeEventListener('online', syncNow);
  document.removeEventListener('visibilitychange', onVisible);
  outbox.set({ items: [], busy: false, note: null, nextAt: null });
}
