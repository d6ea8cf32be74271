// 导出未发送记录: every unsent item of this user with its photos, as one JSON file the secretary
// can keep, and import on another phone or after the browser's data was cleared. Importing puts
// the items back as they were (same queue id, same phone-made record id), so the server answers a
// record it already has with that record and each is stored exactly once.
import { listItems, getItem, putItem, getPhoto, putPhoto } from './db.js';
import { sha256Hex } from './photos.js';
import { getOp } from './registry.js';

export const FORMAT = 'zhucuntong-outbox';
export const VERSION = 1;

export class BackupError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

const toBase64 = async (blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromBase64 = (text, type) => {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Blob([bytes], { type });
};

const unsentOf = (items) => items.filter((i) => i.state === 'waiting' || i.state === 'sending' || i.state === 'failed');

/** → { blob (application/json), count, photos } of `user`'s unsent items. */
export async function exportUnsent(user) {
  const items = unsentOf(await listItems(user)).map((i) => ({ ...i, state: i.state === 'sending' ? 'waiting' : i.state }));
  const shas = [...new Set(items.flatMap((i) => i.photos || []))];
  const photos = [];
  for (const sha of shas) {
    const p = await getPhoto(sha);
    if (p) photos.push({ sha, type: p.blob.type || 'image/jpeg', width: p.width, height: p.height, data: await toBase64(p.blob) });
  }
  const doc = { format: FORMAT, version: VERSION, user, exportedAt: new Date().toISOString(), items, photos };
  return { blob: new Blob([JSON.stringify(doc)], { type: 'application/json' }), count: items.length, photos: photos.length };
}

/** File → { added, already } for `user`; throws BackupError(code) for a file that is not ours. */
export async function importUnsent(file, user) {
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch {
    throw new BackupError('BACKUP_UNREADABLE');
  }
  if (doc?.format !== FORMAT || !Array.isArray(doc.items) || !Array.isArray(doc.photos)) throw new BackupError('BACKUP_UNREADABLE');
  if (doc.version !== VERSION) throw new BackupError('BACKUP_VERSION');
  if (doc.user !== user) throw new BackupError('BACKUP_OTHER_USER');
  if (doc.items.some((i) => !i?.id || !getOp(i.op))) throw new BackupError('BACKUP_UNREADABLE');
  const photos = new Map();
  for (const p of doc.photos) {
    const blob = fromBase64(p.data, p.type);
    if ((await sha256Hex(blob)) !== p.sha) throw new BackupError('BACKUP_DAMAGED'); // nothing stored yet
    photos.set(p.sha, { sha: p.sha, blob, width: p.width, height: p.height, size: blob.size, user, at: Date.now() });
  }
  let added = 0,
    already = 0;
  for (const item of doc.items) {
    if (await getItem(item.id)) {
      already++;
      continue;
    }
    for (const sha of item.photos || []) if (photos.has(sha) && !(await getPhoto(sha))) await putPhoto(photos.get(sha));
    // photos on the server already are asked about again (uploadPhotos), not trusted from the file
    await putItem({ ...item, uploaded: [], state: item.state === 'failed' ? 'failed' : 'waiting', note: null });
    added++;
  }
  return { added, already };
}
