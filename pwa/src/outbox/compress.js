// Photo compression, pure: long edge ≤ 1600 px, JPEG quality stepped down until ≤ 300 KB (then the
// size too, if needed). Re-encoding through a canvas also drops the EXIF block. Runs in the
// compression worker (compress.worker.js) where the browser has OffscreenCanvas, else on the page.
export const MAX_EDGE = 1600;
export const MAX_BYTES = 300 * 1024;
const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45, 0.35];

async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      /* fall back */
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function canvas(w, h) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}
const encode = (c, q) =>
  c.convertToBlob ? c.convertToBlob({ type: 'image/jpeg', quality: q }) : new Promise((res) => c.toBlob(res, 'image/jpeg', q));

/** File → { blob (JPEG ≤ 300 KB), width, height } */
export async function compress(file) {
  const src = await decode(file);
  const sw = src.width,
    sh = src.height;
  let scale = Math.min(1, MAX_EDGE / Math.max(sw, sh));
  for (;;) {
    const w = Math.max(1, Math.round(sw * scale)),
      h = Math.max(1, Math.round(sh * scale));
    const c = canvas(w, h);
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; // transparent PNGs become white, not black
    g.fillRect(0, 0, w, h);
    g.drawImage(src, 0, 0, w, h);
    for (const q of QUALITIES) {
      const blob = await encode(c, q);
      if (blob && blob.size <= MAX_BYTES) {
        src.close?.();
        return { blob, width: w, height: h };
      }
    }
    scale *= 0.75;
  }
}
