// What goes over the phone's link, measured where it is cheapest to be exact: an HTTP proxy in
// front of the test server that counts every request's and answer's bytes (request line, headers,
// body) and can cut the link — drop every open connection and refuse new ones — like a village
// losing its one bar of signal mid-upload. Shared by bench/slow_phone.mjs and e2e/backlog.test.mjs.
import { createServer, request as httpRequest } from 'node:http';
import { createHash } from 'node:crypto';

const headerBytes = (firstLine, rawHeaders) => {
  let n = Buffer.byteLength(firstLine) + 2 + 2;
  for (let i = 0; i < rawHeaders.length; i += 2) n += Buffer.byteLength(`${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`);
  return n;
};

/** One direction of the phone's link, shared by every connection: `reserve(bytes)` → the time
 * (ms since the epoch) at which those bytes have arrived at the other end — after the bytes queued
 * before them have gone through at `kbit`, plus half the round trip. No shaping without `kbit`. */
function direction(kbit, rttMs) {
  let freeAt = 0;
  return (bytes) => {
    if (!kbit) return Date.now();
    const start = Math.max(Date.now(), freeAt);
    freeAt = start + (bytes * 8) / kbit; // kbit/s = bits per ms
    return freeAt + rttMs / 2;
  };
}

/** `fn` at `time`, in the order given: one queue and one timer per stream, so that a write never
 * overtakes the one scheduled before it (two timers due at the same moment may fire either way). */
function stream() {
  const queue = [];
  let timer = null;
  const pump = () => {
    timer = null;
    while (queue.length && queue[0].time <= Date.now()) queue.shift().fn();
    if (queue.length) timer = setTimeout(pump, queue[0].time - Date.now());
  };
  return (time, fn) => {
    queue.push({ time: Math.max(time, queue.length ? queue[queue.length - 1].time : 0), fn });
    if (!timer) pump();
  };
}

/** A counting, cuttable proxy to `upstream` (http://host:port) → { url, exchanges, totals(), cut(),
 * restore(), close() }. With `kbit` and `rttMs` it is also the phone's link: every request and
 * answer goes through at that rate with that round trip (a new connection costs one round trip
 * first), the service worker's requests as much as the page's. */
export async function startWire(upstream, { kbit = 0, rttMs = 0 } = {}) {
  const upLink = direction(kbit, rttMs);
  const downLink = direction(kbit, rttMs);
  const target = new URL(upstream);
  // { method, path, status, up, down, body, sha (of the body), photo (the sha of the photo a photo
  //   upload carries part or all of), offset (where in the photo its body starts), done }
  const exchanges = [];
  const events = []; // { at, what: 'cut' | 'lost-answer', path }
  const sockets = new Set();
  let cut = false;
  let cutAtPhotoBytes = Infinity; // cumulative photo-upload body bytes at which the link drops
  let photoBytes = 0;
  let settling = Promise.resolve(); // the server has seen the last cut (and saved what reached it)
  let loseAnswerOfPost = 0; // the n-th photo upload from now has its answer lost (the server stored it)
  // A photo upload (backend/media/resumable.py): its creation with the bytes, or the rest after a cut.
  const isPhotoUpload = (ex) =>
    (ex.method === 'POST' && ex.path === '/uploads') || (ex.method === 'PATCH' && ex.path.startsWith('/uploads/'));
  const photoOf = (req) => {
    if (req.method !== 'POST') return req.url.split('/')[2] || null;
    const pair = (req.headers['upload-metadata'] || '').split(',').find((p) => p.trim().startsWith('sha256 '));
    return pair ? Buffer.from(pair.trim().slice(7), 'base64').toString() : null;
  };
  function dropLink(what, ex) {
    events.push({ at: Date.now(), what, path: ex.path });
    cut = true;
    for (const s of sockets) s.destroy();
  }
  const server = createServer((req, res) => {
    const ex = {
      method: req.method,
      path: req.url,
      status: 0,
      up: headerBytes(`${req.method} ${req.url} HTTP/1.1`, req.rawHeaders),
      down: 0,
      body: 0,
      sha: null,
      photo: req.url.startsWith('/uploads') ? photoOf(req) : null,
      offset: Number(req.headers['upload-offset'] || 0),
      done: false,
      start: Date.now(),
      end: 0,
    };
    exchanges.push(ex);
    const hash = createHash('sha256');
    const losing = isPhotoUpload(ex) && loseAnswerOfPost > 0 && --loseAnswerOfPost === 0;
    const toServer = stream();
    const toPhone = stream();
    const handshake = req.socket.__fresh ? rttMs : 0; // TCP's round trip before the first request
    req.socket.__fresh = false;
    toServer(upLink(ex.up) + handshake, () => {});
    const upstreamReq = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        ex.status = up.statusCode;
        if (losing) {
          up.resume();
          up.on('end', () => dropLink('lost-answer', ex)); // stored upstream; the phone never hears it
          return;
        }
        const head = headerBytes(`HTTP/1.1 ${up.statusCode} ${up.statusMessage}`, up.rawHeaders);
        ex.down += head;
        toPhone(downLink(head), () => !res.destroyed && res.writeHead(up.statusCode, up.statusMessage, up.rawHeaders));
        up.on('data', (chunk) => {
          ex.down += chunk.length;
          toPhone(downLink(chunk.length), () => !res.destroyed && res.write(chunk));
        });
        up.on('end', () => {
          ex.done = true;
          toPhone(downLink(0), () => {
            ex.end = Date.now();
            if (!res.destroyed) res.end();
          });
        });
        up.on('error', () => res.destroy());
      },
    );
    upstreamReq.on('error', () => res.destroy());
    req.on('data', (chunk) => {
      if (cut) return;
      if (isPhotoUpload(ex) && photoBytes + chunk.length >= cutAtPhotoBytes) {
        // The signal goes at this byte: what crossed the link before it reaches the server, the
        // rest never does, and the server learns the connection is gone — once it has read what
        // arrived (uvicorn drops body bytes not yet handed to the app when the connection closes;
        // on a real slow link the app reads them as they trickle in).
        const kept = chunk.subarray(0, cutAtPhotoBytes - photoBytes);
        photoBytes = cutAtPhotoBytes;
        cutAtPhotoBytes = Infinity;
        ex.up += kept.length;
        ex.body += kept.length;
        ex.cutting = true;
        settling = new Promise((done) => upstreamReq.on('close', () => setTimeout(done, 200)));
        toServer(upLink(kept.length), () => upstreamReq.write(kept, () => setTimeout(() => upstreamReq.destroy(), 500)));
        dropLink('cut', ex);
        return;
      }
      ex.up += chunk.length;
      ex.body += chunk.length;
      hash.update(chunk);
      if (isPhotoUpload(ex)) photoBytes += chunk.length;
      toServer(upLink(chunk.length), () => !upstreamReq.destroyed && upstreamReq.write(chunk));
    });
    req.on('end', () => {
      ex.sha = hash.digest('hex');
      toServer(upLink(0), () => !upstreamReq.destroyed && upstreamReq.end());
    });
    req.on('error', () => !ex.cutting && upstreamReq.destroy());
    res.on('close', () => {
      if (!ex.done && !ex.cutting) upstreamReq.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (cut) return socket.destroy();
    socket.__fresh = true;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    exchanges,
    events,
    /** Drop the link once `bytes` more photo-upload bytes have gone up (mid-body, like a lost signal). */
    cutAfterPhotoBytes(bytes) {
      cutAtPhotoBytes = photoBytes + bytes;
    },
    /** Resolves once the server has seen the last mid-upload cut — then a phone that asks how far
     * its upload got hears about every byte that reached the server. */
    settled: () => settling,
    /** The `n`-th photo upload from now reaches the server, then the link drops before its answer. */
    loseAnswerOfPhotoPost(n) {
      loseAnswerOfPost = n;
    },
    /** { requests, up, down, body } over the exchanges matching `filter`. */
    totals(filter = () => true) {
      const picked = exchanges.filter(filter);
      return {
        requests: picked.length,
        up: picked.reduce((s, e) => s + e.up, 0),
        down: picked.reduce((s, e) => s + e.down, 0),
        body: picked.reduce((s, e) => s + e.body, 0),
      };
    },
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(r);
      }),
  };
}

/** Photos a phone would send: distinct, camera-like JPEGs made in the page at 1600×1200 (what the
 * PWA keeps after compression) → [{ sha, size }], stored in the outbox's photo store for `user`. */
export async function storePhotos(page, user, count, seed = 1) {
  return page.evaluate(
    async ({ user, count, seed }) => {
      const open = () =>
        new Promise((res, rej) => {
          const r = indexedDB.open('zct-outbox');
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      const db = await open();
      const out = [];
      let x = seed * 7919;
      const rnd = () => (x = (x * 16807) % 2147483647) / 2147483647;
      for (let i = 0; i < count; i++) {
        const c = document.createElement('canvas');
        c.width = 1600;
        c.height = 1200;
        const g = c.getContext('2d');
        g.fillStyle = `hsl(${rnd() * 360}, 50%, 55%)`;
        g.fillRect(0, 0, 1600, 1200);
        for (let k = 0; k < 1500; k++) {
          g.fillStyle = `hsla(${rnd() * 360}, 60%, ${30 + rnd() * 50}%, .8)`;
          g.fillRect(rnd() * 1600, rnd() * 1200, 3 + rnd() * 40, 3 + rnd() * 40);
        }
        const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.7));
        const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
        const sha = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        await new Promise((res, rej) => {
          const tx = db.transaction('photos', 'readwrite');
          tx.objectStore('photos').put({ sha, blob, width: 1600, height: 1200, size: blob.size, user, at: Date.now() });
          tx.oncomplete = res;
          tx.onerror = () => rej(tx.error);
        });
        out.push({ sha, size: blob.size });
      }
      db.close();
      return out;
    },
    { user, count, seed },
  );
}

/** Queue `filings` work diaries, each naming `photosPerFiling` photos, straight into the outbox's
 * IndexedDB, shaped like the one the form queued (`template`, an item read back from the store).
 * → [{ ref, photos: [sha] }]. The app picks them up when it next starts (a reload). */
export async function queueDiaries(page, template, { filings, photosPerFiling, seed = 1 }) {
  const photos = await storePhotos(page, template.user, filings * photosPerFiling, seed);
  return page.evaluate(
    async ({ template, filings, photosPerFiling, photos }) => {
      const db = await new Promise((res, rej) => {
        const r = indexedDB.open('zct-outbox');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const queued = [];
      let seq = Date.now();
      for (let i = 0; i < filings; i++) {
        const ref = crypto.randomUUID();
        const shas = photos.slice(i * photosPerFiling, (i + 1) * photosPerFiling).map((p) => p.sha);
        const input = {
          ...template.vars.input,
          id: ref,
          photos: shas,
          body: { ...template.vars.input.body, content: `积压的第 ${i + 1} 篇工作日志` },
        };
        const item = {
          ...template,
          id: crypto.randomUUID(),
          seq: ++seq,
          ref,
          vars: { ...template.vars, input },
          photos: shas,
          uploaded: [],
          state: 'waiting',
          createdAt: Date.now(),
        };
        await new Promise((res, rej) => {
          const tx = db.transaction('items', 'readwrite');
          tx.objectStore('items').put(item);
          tx.oncomplete = res;
          tx.onerror = () => rej(tx.error);
        });
        queued.push({ ref, photos: shas });
      }
      db.close();
      return queued;
    },
    { template, filings, photosPerFiling, photos },
  );
}

/** Every item in the outbox store (read in the page). */
export function outboxItems(page) {
  return page.evaluate(
    () =>
      new Promise((res, rej) => {
        const r = indexedDB.open('zct-outbox');
        r.onerror = () => rej(r.error);
        r.onsuccess = () => {
          const q = r.result.transaction('items').objectStore('items').getAll();
          q.onsuccess = () => {
            r.result.close();
            res(q.result);
          };
        };
      }),
  );
}
