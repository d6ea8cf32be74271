// The outbox sender (pwa/src/outbox/engine.js) when the server cannot take a record right now:
// a full media disk (POST /uploads → 507 STORAGE_FULL) and a database outage (POST /graphql → 503
// SERVICE_UNAVAILABLE). Either way the record stays in the outbox, waiting, with its photo, and is
// sent — once — when the server is back. The server half is tests/faults/ (Python).
// IndexedDB and the token store are replaced by in-memory stand-ins (outbox-stubs.mjs); fetch is a
// scripted server.
// Run: node --test pwa/tests-unit/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { state } from './outbox-stubs.mjs'; // in-memory IndexedDB and token store, the browser around the engine

/** The scripted server: `media` and `graphql` say how each endpoint answers now. */
const server = { media: 'ok', graphql: 'ok', calls: [] };
const json = (body, status) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
globalThis.location = { origin: 'http://phone.test' };
globalThis.fetch = async (url, init) => {
  const path = String(url).replace(/^https?:\/\/[^/]+/, '');
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
  server.calls.push(path === '/graphql' ? (body.query.match(/\{\s*(\w+)/) || [])[1] : `${init.method === 'HEAD' ? 'HEAD ' : ''}${path}`);
  if (init.method === 'HEAD') return new Response(null, { status: 404 }); // nothing of it kept after a refusal
  if (path === '/uploads') {
    if (server.media === 'full') {
      return json(
        {
          errors: [
            { message: '服务器存储空间已满，照片暂未上传；记录仍保存在手机上，稍后会自动重试', extensions: { code: 'STORAGE_FULL' } },
          ],
        },
        507,
      );
    }
    return new Response(null, { status: 201, headers: { Location: '/uploads/x', 'Upload-Offset': String(init.body.size) } });
  }
  if (server.graphql === 'down') {
    return json({ data: null, errors: [{ message: '服务暂时不可用，请稍后重试', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }, 503);
  }
  if (/submitFiling/.test(body.query)) {
    return json(
      {
        data: { submitFiling: { filing: { id: body.variables.input.id, status: 'SUBMITTED', version: 1 }, currentVersion: 1, errors: [] } },
      },
      200,
    );
  }
  return json({ data: { myFilings: { edges: [] } } }, 200);
};

let engine;
before(async () => {
  engine = await import('../src/outbox/engine.js');
  await import('../src/outbox/ops.js'); // the operations (submitFiling, …), as the app shell registers them
  engine.startOutbox(7);
});
after(() => engine.stopOutbox());

/** Until the sender is idle with nothing in flight. */
async function settled() {
  for (let n = 0; n < 200; n++) {
    await new Promise((r) => setTimeout(r, 5));
    const { busy, items } = engine.outbox.get();
    if (!busy && !items.some((i) => i.state === 'sending')) return items;
  }
  throw new Error('the outbox never settled');
}

async function queueFiling(ref, sha) {
  state.photos.set(sha, { sha, blob: new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), up: false });
  const vars = { input: { id: ref, kind: 'WORK_DIARY', title: '走访', photos: [sha] } };
  await engine.enqueue({ op: 'submitFiling', vars, photos: [sha], ref, kind: 'WORK_DIARY', title: '走访' });
  return settled();
}

test('a full media disk (507) keeps the record and its photo waiting; it is sent once when space is back', async () => {
  server.media = 'full';
  server.calls = [];
  const sha = '11'.repeat(32);
  const [item] = await queueFiling('f-disk-full', sha);

  assert.equal(item.state, 'waiting');
  assert.equal(item.note.code, 'STORAGE_FULL');
  assert.match(item.note.message, /存储空间已满/);
  assert.ok(state.photos.has(sha), 'the photo is still on the phone');
  assert.deepEqual(server.calls, ['/uploads'], 'the filing is not sent before its photo');
  assert.equal(engine.outbox.get().note.code, 'STORAGE_FULL');
  assert.ok(engine.outbox.get().nextAt > Date.now(), 'a retry is scheduled');

  server.media = 'ok';
  server.calls = [];
  await engine.syncNow();
  const [sent] = await settled();

  assert.equal(sent.state, 'sent');
  assert.deepEqual(
    server.calls.filter((c) => c !== 'myFilings'),
    [`HEAD /uploads/${sha}`, '/uploads', 'submitFiling'],
  );
  assert.ok(!state.photos.has(sha), 'the photo is dropped once its record is sent');
});

test('a database outage (503 SERVICE_UNAVAILABLE) keeps the record waiting; it is sent once afterwards', async () => {
  server.media = 'ok';
  server.graphql = 'down';
  server.calls = [];
  await queueFiling('f-db-down', '22'.repeat(32));
  const waiting = engine.outbox.get().items.find((i) => i.ref === 'f-db-down');

  assert.equal(waiting.state, 'waiting');
  assert.ok(engine.outbox.get().note, 'the outage is shown as a transient problem');
  assert.deepEqual(server.calls, ['/uploads', 'submitFiling']);

  server.graphql = 'ok';
  server.calls = [];
  await engine.syncNow();
  const sent = (await settled()).find((i) => i.ref === 'f-db-down');

  assert.equal(sent.state, 'sent');
  assert.deepEqual(
    server.calls.filter((c) => c !== 'myFilings'),
    ['submitFiling'],
    'the photo is not uploaded twice',
  );
});
