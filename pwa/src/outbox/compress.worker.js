// The compression worker (photos.js compressOffPage): decodes and re-encodes off the page's thread.
import { compress } from './compress.js';

self.onmessage = async (ev) => {
  const { id, file } = ev.data;
  try {
    self.postMessage({ id, ok: true, result: await compress(file) });
  } catch (e) {
    self.postMessage({ id, ok: false, error: String(e && e.message) });
  }
};
