// Reports made without an account on a village's public page (扫码反映): kept on the phone first
// (the outbox's IndexedDB, items tagged user 'public', which no logged-in outbox ever lists), then
// sent — now if there is signal, else when it returns or the page is opened again. Sent with the
// anonymous transport: no login, no cookie, no referrer, so a report is never tied to an account.
// The photo goes first to POST /public/villages/{id}/photos, then the report names it by hash.
// Past the village's daily cap the server says RATE_LIMITED with retryAfter: the report waits.
import { listItems, putItem, getPhoto, putPhoto, deleteItem, dropPhotos } from '../../outbox/db.js';
import { uuid } from '../../outbox/engine.js';
import { graphqlRequest } from '../../api.js';
import { request } from '../../transport.js';
import { createStore } from '../../store.js';

export const OWNER = 'public';
const OP = 'reportPublicProblem';
const MUTATION = `mutation($input: PublicProblemInput!) { reportPublicProblem(input: $input) {
  reference retryAfter errors { code message field } } }`;
const TRANSIENT = new Set(['NETWORK', 'TIMEOUT', 'INTERNAL', 'SERVICE_UNAVAILABLE', 'STORAGE_FULL']);

/** { items: this phone's public reports (newest last), busy } */
export const reports = createStore({ items: [], busy: false });

async function refresh() {
  const items = (await listItems(OWNER)).filter((i) => i.op === OP);
  reports.set((s) => ({ ...s, items }));
  return items;
}

/** Keep a report on the phone and try to send it. Resolves with the stored item. */
export async function queueReport({ villageId, title, description, contactPhone, photo, website }) {
  const id = uuid();
  const input = { id, villageId, title, description, contactPhone: contactPhone || null, photos: photo ? [photo] : [], website };
  const item = {
    id,
    seq: Date.now(),
    user: OWNER,
    op: OP,
    vars: { input },
    photos: photo ? [photo] : [],
    uploaded: [],
    ref: id,
    villageId,
    title,
    state: 'waiting',
    error: null,
    createdAt: Date.now(),
  };
  await putItem(item);
  navigator.storage?.persist?.().catch(() => {});
  await refresh();
  await sendPending();
  return (await refresh()).find((i) => i.id === id);
}

const classify = (e) => (TRANSIENT.has(e?.code) || !e?.status || e.status >= 500 ? 'waiting' : 'failed');

async function uploadPhotos(it) {
  for (const sha of it.photos) {
    if (it.uploaded.includes(sha)) continue;
    const p = await getPhoto(sha);
    if (!p) continue;
    await request(`/public/villages/${encodeURIComponent(it.villageId)}/photos`, {
      method: 'POST',
      headers: { 'Content-Type': p.blob.type || 'image/jpeg' },
      body: p.blob,
      anonymous: true,
      timeoutMs: 90_000,
    });
    it.uploaded.push(sha);
    await putItem(it);
    await putPhoto({ ...p, up: true });
  }
}

async function sendOne(it) {
  if (it.retryAt && Date.now() < it.retryAt) return it;
  try {
    await uploadPhotos(it);
    const json = await graphqlRequest(MUTATION, it.vars, { anonymous: true, timeoutMs: 30_000 });
    const p = json.data?.[OP];
    if (!p) throw Object.assign(new Error(json.errors?.[0]?.message), { code: json.errors?.[0]?.extensions?.code || 'INTERNAL' });
    const e = p.errors?.[0];
    if (!e) Object.assign(it, { state: 'sent', reference: p.reference, error: null, retryAt: null, sentAt: Date.now() });
    else if (e.code === 'RATE_LIMITED') Object.assign(it, { state: 'waiting', error: e, retryAt: Date.now() + (p.retryAfter || 60) * 1000 });
    else if (e.code === 'MEDIA_MISSING') Object.assign(it, { state: 'waiting', error: e, uploaded: [] });
    else Object.assign(it, { state: 'failed', error: e });
  } catch (e) {
    const error = { code: e.code || 'NETWORK', message: e.message };
    if (e.code === 'RATE_LIMITED') Object.assign(it, { state: 'waiting', error, retryAt: Date.now() + 60_000 });
    else Object.assign(it, { state: classify(e), error, retryAt: Date.now() + 30_000 });
  }
  await putItem(it);
  if (it.state === 'sent') await dropPhotos(it.photos);
  return it;
}

let running = null,
  timer = null;
/** Send every waiting report of this phone, oldest first (one run at a time); while the page is
 * open, try again when the first waiting one may be sent. */
export function sendPending() {
  if (running) return running;
  running = (async () => {
    reports.set((s) => ({ ...s, busy: true }));
    try {
      for (const it of await refresh()) {
        if (navigator.onLine === false) break;
        if (it.state === 'waiting') await sendOne(it);
      }
    } finally {
      const items = await refresh();
      reports.set((s) => ({ ...s, busy: false }));
      running = null;
      const next = Math.min(...items.filter((i) => i.state === 'waiting').map((i) => i.retryAt || Date.now() + 60_000));
      clearTimeout(timer);
      if (Number.isFinite(next)) timer = setTimeout(sendPending, Math.min(Math.max(next - Date.now(), 1000), 3600_000));
    }
  })();
  return running;
}

/** A failed report back to waiting (after the user fixed nothing: e.g. a refusal that passed). */
export async function retryReport(id) {
  const it = (await listItems(OWNER)).find((i) => i.id === id);
  if (!it) return;
  await putItem({ ...it, state: 'waiting', error: null, retryAt: null });
  return sendPending();
}

export async function discardReport(id) {
  await deleteItem(id);
  await refresh();
}

let started = false;
/** Load the list and send when the signal returns (idempotent). */
export function startPublicQueue() {
  if (!started) {
    started = true;
    addEventListener('online', () => sendPending());
  }
  refresh().then(() => sendPending());
}
