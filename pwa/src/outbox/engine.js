// The outbox sender. Starts on app load for a logged-in first secretary and sends by itself: on
// start, on `online`, when the tab becomes visible, on a backoff timer, and on demand (syncNow).
// Only one tab sends at a time (Web Lock `zct-outbox`; each item is also claimed with an atomic
// waiting→sending transition in IndexedDB, so even without Web Locks no item is sent twice at once).
// Items go strictly in creation order. How an item is sent — photos first, then the mutation
// carrying the phone-made id, so a re-send after a lost answer is safe — belongs to its operation
// (registry.js, ops.js); this module only iterates, orders, retries and records state.
import { listItems, getItem, putItem, transition, getPhoto, putPhoto, deleteItem, dropPhotos, gcPhotos } from './db.js';
import { getOp } from './registry.js';
import { loadTokens } from '../tokens.js';
import { createStore } from '../store.js';
import { askPersistence } from './storage.js';

const BACKOFF = [5, 15, 30, 60, 120, 300];

/** { items: this user's items in order, busy, note: last transient problem {code,message}, nextAt } */
export const outbox = createStore({ items: [], busy: false, note: null, nextAt: null });

let user = null,
  timer = null,
  tick = null,
  fails = 0,
  queued = false,
  again = false;
const chan = typeof BroadcastChannel === 'function' ? new BroadcastChannel('zct-outbox') : null;
if (chan) chan.onmessage = () => refresh();

async function refresh() {
  const items = user == null ? [] : await listItems(user);
  outbox.set((s) => ({ ...s, items }));
  return items;
}
function changed() {
  chan?.postMessage(1);
  return refresh();
}
const patch = (p) => outbox.set((s) => ({ ...s, ...p }));

const uuid = () =>
  crypto.randomUUID?.() ||
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
  );
export { uuid };
let lastSeq = 0;

/** Queue an operation. `vars` are the mutation variables, `photos` the SHA-256s to upload first,
 * `ref` the record's own (phone-made) id, `kind`/`title`/`meta` for the list (`meta.household`: the
 * household's name, which the variables hold only as an id). Returns the item. */
export async function enqueue({ op, vars, photos = [], ref, kind, title, meta = null }) {
  if (!getOp(op)) throw new Error(`outbox: no operation ${op} is registered`);
  const seq = Math.max(Date.now(), lastSeq + 1);
  lastSeq = seq;
  const item = {
    id: uuid(),
    seq,
    user,
    op,
    vars,
    photos,
    uploaded: [],
    ref,
    kind,
    title,
    meta,
    state: 'waiting',
    error: null,
    note: null,
    tries: 0,
    createdAt: Date.now(),
  };
  await putItem(item);
  askPersistence().catch(() => {});
  await changed();
  syncNow();
  return item;
}

/** Failed → waiting again (photos re-uploaded when the server said one was missing). */
export async function retry(id) {
  const it = await getItem(id);
  const again = it?.error?.code === 'MEDIA_MISSING' ? { uploaded: [] } : {};
  if (again.uploaded)
    for (const sha of it.photos) {
      const p = await getPhoto(sha);
      if (p) await putPhoto({ ...p, up: false });
    }
  await transition(id, 'failed', { state: 'waiting', error: null, ...again });
  await changed();
  fails = 0;
  syncNow();
}
export async function remove(id) {
  await deleteItem(id);
  await changed();
}
/** What is left to send: { items, bytes } — the photos not yet on the server and each mutation's
 * variables, as they will go on the wire (roughly: JSON framing and headers are not counted). */
export async function leftToSend(items = outbox.get().items) {
  const left = items.filter((i) => i.state === 'waiting' || i.state === 'sending');
  const shas = new Set();
  let bytes = 0;
  for (const it of left) {
    bytes += new TextEncoder().encode(JSON.stringify(it.vars || {})).length;
    for (const sha of it.photos || []) if (!(it.uploaded || []).includes(sha)) shas.add(sha);
  }
  for (const sha of shas) {
    const p = await getPhoto(sha);
    if (p && !p.up) bytes += p.size || p.blob?.size || 0;
  }
  return { items: left.length, bytes };
}

export function unsent() {
  return outbox.get().items.filter((i) => i.state !== 'sent').length;
}

const saveItem = (it) => putItem(it);

/** → { ok: { result, reviewStatus? } } | { wait: {code,message} } (retry later) | { fail: {code,message,…} } */
async function sendOne(it) {
  if (!(await loadTokens())?.refresh) return { wait: { code: 'NO_SESSION' } };
  const op = getOp(it.op);
  if (!op) return { fail: { code: 'UNKNOWN', message: `unknown operation ${it.op}` } };
  return op.send(it, { saveItem });
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
  let sentAny = false,
    wait = null;
  try {
    while (navigator.onLine !== false && user != null) {
      const next = (await listItems(user)).find((i) => i.state === 'waiting');
      if (!next) break;
      const it = await transition(next.id, 'waiting', { state: 'sending', tries: (next.tries || 0) + 1 });
      if (!it) continue; // claimed by another tab
      await changed();
      let r;
      try {
        r = await sendOne(it);
      } catch (e) {
        r = { wait: { code: e.code || 'NETWORK', message: e.message } };
      }
      if (r.ok) {
        const { result, reviewStatus } = r.ok;
        Object.assign(it, { state: 'sent', error: null, note: null, sentAt: Date.now(), result });
        if (reviewStatus) it.reviewStatus = reviewStatus;
        sentAny = true;
        await putItem(it);
        if (reviewStatus) {
          // earlier items of the same record (e.g. the returned original) follow its state
          for (const o of await listItems(user))
            if (o.ref === it.ref && o.id !== it.id && o.state === 'sent') await putItem({ ...o, reviewStatus });
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
  if (queued) {
    again = true;
    return Promise.resolve();
  }
  queued = true;
  clearTimeout(timer);
  patch({ nextAt: null });
  const go = navigator.locks?.request ? navigator.locks.request('zct-outbox', run) : run();
  return go
    .catch(() => {})
    .finally(() => {
      queued = false;
      if (again) {
        again = false;
        syncNow();
      }
    });
}

/** Let each operation that follows its sent records (registry `track`, e.g. a filing's review
 * state) update them: one call per tracker with all of its items. */
export async function refreshReview() {
  if (navigator.onLine === false) return;
  const byTracker = new Map();
  for (const it of outbox.get().items) {
    const track = it.state === 'sent' && getOp(it.op)?.track;
    if (track) byTracker.set(track, [...(byTracker.get(track) || []), it]);
  }
  let n = 0;
  for (const [track, items] of byTracker) {
    for (const { id, patch } of await track(items)) {
      const it = items.find((i) => i.id === id);
      if (it) {
        await putItem(Object.assign(it, patch));
        n++;
      }
    }
  }
  if (n) await changed();
}

const onVisible = () => {
  if (document.visibilityState === 'visible') syncNow();
};
/** Start for the logged-in user (idempotent); stop() on logout. */
/** The user whose outbox is open (null when logged out). */
export function outboxUser() {
  return user;
}

export function startOutbox(userId) {
  if (user === userId) return;
  stopOutbox();
  user = userId;
  addEventListener('online', syncNow);
  document.addEventListener('visibilitychange', onVisible);
  tick = setInterval(() => {
    if (document.visibilityState === 'visible') syncNow();
  }, 5 * 60_000);
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
