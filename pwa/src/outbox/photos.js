// Photos are compressed on the phone before they are queued: long edge ≤ 1600 px, JPEG quality
// stepped down until ≤ 300 KB (then the size too, if needed), named by the SHA-256 of the bytes.
// Re-encoding through a canvas also drops the EXIF block (the filing carries its own GPS and time).
import { putPhoto } from './db.js';
import { compress } from './compress.js';

export { MAX_EDGE, MAX_BYTES } from './compress.js';

let worker = null; // one compression worker per page, started on the first photo

/** Compress in a worker where the browser can (the page stays responsive while a 12-megapixel
 * photo is decoded and re-encoded), else on the page. → { blob, width, height } */
export function compressOffPage(file) {
  if (typeof Worker !== 'function' || typeof OffscreenCanvas !== 'function' || typeof createImageBitmap !== 'function')
    return compress(file);
  try {
    worker ||= new Worker(new URL('./compress.worker.js', import.meta.url));
  } catch {
    return compress(file);
  }
  return new Promise((resolve) => {
    const id = Math.random();
    const done = (ev) => {
      if (ev.data?.id !== id) return;
      worker.removeEventListener('message', done);
      if (ev.data.ok) resolve(ev.data.result);
      else resolve(compress(file)); // e.g. no convertToBlob in this engine: the page does it
    };
    worker.addEventListener('message', done);
    worker.postMessage({ id, file });
  });
}

export async function sha256Hex(blob) {
  const d = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compress, hash and keep a photo in the outbox photo store; returns its record (no blob URL). */
export async function addPhoto(file, user) {
  const { blob, width, height } = await compressOffPage(file);
  const sha = await sha256Hex(blob);
  const rec = { sha, blob, width, height, size: blob.size, user, at: Date.now() };
  await putPhoto(rec);
  return rec;
}
