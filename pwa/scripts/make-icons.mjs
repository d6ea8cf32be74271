// Generates the app icons as PNG files (no fonts, no image libraries):
// a party-red tile with a white house (roof + body + door) and a small flag.
// Run: npm run icons   (writes into public/; the PNGs are committed)
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const RED = [183, 28, 28];
const WHITE = [255, 255, 255];
const GOLD = [255, 214, 0];
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
mkdirSync(outDir, { recursive: true });

const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in unit coordinates (0..1) of the glyph box.
function inTri(x, y, ax, ay, bx, by, cx, cy) {
  const d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by);
  const d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy);
  const d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay);
  const neg = d1 < 0 || d2 < 0 || d3 < 0,
    pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
}
function glyph(x, y) {
  // flag pole + flag (gold) above the roof
  if (x >= 0.66 && x <= 0.69 && y >= 0.02 && y <= 0.34) return WHITE;
  if (inTri(x, y, 0.69, 0.03, 0.69, 0.19, 0.88, 0.11)) return GOLD;
  // roof
  if (inTri(x, y, 0.5, 0.18, 0.02, 0.55, 0.98, 0.55)) return WHITE;
  // body with door cut out
  if (x >= 0.14 && x <= 0.86 && y >= 0.5 && y <= 0.98) {
    if (x >= 0.42 && x <= 0.58 && y >= 0.68) return null;
    return WHITE;
  }
  return null;
}
function render(size, { glyphScale, radius }) {
  const buf = Buffer.alloc(size * size * 4);
  const SS = 4; // supersampling
  const g0 = (1 - glyphScale) / 2;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const u = (px + (sx + 0.5) / SS) / size,
            v = (py + (sy + 0.5) / SS) / size;
          // rounded-square background
          const cx = Math.max(radius - u, 0, u - (1 - radius)),
            cy = Math.max(radius - v, 0, v - (1 - radius));
          if (radius > 0 && cx * cx + cy * cy > radius * radius) continue;
          const col = glyph((u - g0) / glyphScale, (v - g0 - 0.02) / glyphScale) || RED;
          r += col[0];
          g += col[1];
          b += col[2];
          a += 255;
        }
      const n = SS * SS,
        i = (py * size + px) * 4;
      const cov = a / 255;
      buf[i] = cov ? Math.round(r / cov) : 0;
      buf[i + 1] = cov ? Math.round(g / cov) : 0;
      buf[i + 2] = cov ? Math.round(b / cov) : 0;
      buf[i + 3] = Math.round(a / n);
    }
  }
  return png(size, buf);
}

const files = [
  ['icon-192.png', 192, { glyphScale: 0.62, radius: 0.18 }],
  ['icon-512.png', 512, { glyphScale: 0.62, radius: 0.18 }],
  ['maskable-512.png', 512, { glyphScale: 0.5, radius: 0 }],
  ['maskable-192.png', 192, { glyphScale: 0.5, radius: 0 }],
  ['apple-touch-icon.png', 180, { glyphScale: 0.58, radius: 0 }],
  ['favicon-32.png', 32, { glyphScale: 0.7, radius: 0.15 }],
];
for (const [name, size, opts] of files) {
  writeFileSync(join(outDir, name), render(size, opts));
  console.log('wrote', join('public/icons', name));
}
