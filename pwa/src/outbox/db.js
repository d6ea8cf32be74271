// The outbox in IndexedDB (database `zct-outbox`, separate from the session DB so that logout,
// login and app updates never touch it). Two stores:
//   items  — one per queued operation (a filing, an edit, a check-in, a problem…), key `id`
//            (queue item id), ordered by `seq` (creation order), tagged with the user's id;
//   photos — compressed photo blobs by their SHA-256 (hex), kept until every item naming them is sent.
import { openLocal } from '../localdb.js';

let dbp;
export function odb() {
  if (!dbp) {
    dbp = openLocal('zct-outbox', 1, {
      upgrade(d) {
        const s = d.createObjectStore('items', { keyPath: 'id' });
        s.createIndex('seq', 'seq');
        d.createObjectStore('photos', { keyPath: 'sha' });
      },
      // another tab opened a newer version (app update): let it upgrade, reopen on next use
      blocking() {
        dbp?.then((d) => d.close());
        dbp = null;
      },
    });
  }
  return dbp;
}

/** Every item of `user`, in creation order. */
export async function listItems(user) {
  const all = await (await odb()).getAllFromIndex('items', 'seq');
  return user == null ? all : all.filter((i) => i.user === user);
}

export async function getItem(id) {
  return (await odb()).get('items', id);
}
export async function putItem(item) {
  item.updatedAt = Date.now();
  await (await odb()).put('items', item);
  return item;
}

/** Atomically move an item from one state to another (a compare-and-set across tabs). */
export async function transition(id, from, patch) {
  const tx = (await odb()).transaction('items', 'readwrite');
  const it = await tx.store.get(id);
  if (!it || it.state !== from) {
    await tx.done;
    return null;
  }
  Object.assign(it, patch, { updatedAt: Date.now() });
  await tx.store.put(it);
  await tx.done;
  return it;
}

export async function deleteItem(id) {
  const d = await odb();
  const it = await d.get('items', id);
  await d.delete('items', id);
  if (it) await dropPhotos(it.photos || []);
}

export async function putPhoto(p) {
  await (await odb()).put('photos', p);
}
export async function getPhoto(sha) {
  return (await odb()).get('photos', sha);
}

/** Delete the blobs of `shas` unless an unsent item still names them. */
export async function dropPhotos(shas) {
  if (!shas.length) return;
  const d = await odb();
  const keep = new Set();
  for (const i of await d.getAll('items')) if (i.state !== 'sent') (i.photos || []).forEach((s) => keep.add(s));
  for (const s of shas) if (!keep.has(s)) await d.delete('photos', s);
}

/** Forget photo blobs no unsent item names (e.g. taken for a form that was abandoned) after a day. */
export async function gcPhotos(maxAgeMs = 24 * 3600 * 1000) {
  const d = await odb();
  const keep = new Set();
  for (const i of await d.getAll('items')) if (i.state !== 'sent') (i.photos || []).forEach((s) => keep.add(s));
  for (const p of await d.getAll('photos')) if (!keep.has(p.sha) && Date.now() - (p.at || 0) > maxAgeMs) await d.delete('photos', p.sha);
}
