// The outbox's registry of operations (pwa/src/outbox/registry.js, ops.js): an operation says how
// it is sent and what its answer means (sent / wait and retry / failed for good); the engine only
// iterates in order, retries and records state — shown here with operations made for the test.
// Run: node --test pwa/tests-unit/
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { state } from './outbox-stubs.mjs';

// The scripted server. Photos go up by the tus protocol (backend/media/resumable.py): `media(init)`
// answers the creation with the bytes (POST /uploads); `held` names photos the server has whole,
// `partial` those it has part of (sha → bytes received): HEAD /uploads/<sha> says how far, PATCH
// sends the rest.
const server = { calls: [], graphql: null, media: null, held: null, partial: new Map() };
globalThis.location = { origin: 'http://phone.test' };
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const tus = (status, headers) => new Response(null, { status, headers: { 'Tus-Resumable': '1.0.0', ...headers } });
const created = (init) => tus(201, { Location: '/uploads/x', 'Upload-Offset': String(init.body.size) });
globalThis.fetch = async (url, init) => {
  const path = String(url).replace(/^https?:\/\/[^/]+/, '');
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
  const verb = init.method === 'POST' || !init.method ? '' : `${init.method} `;
  server.calls.push(path === '/graphql' ? (body.query.match(/\{\s*(\w+)/) || [])[1] : `${verb}${path}`);
  const sha = path.slice('/uploads/'.length);
  if (init.method === 'HEAD') {
    if (server.held?.has(sha)) return tus(200, { 'Upload-Offset': '3', 'Upload-Length': '3' });
    if (server.partial.has(sha)) return tus(200, { 'Upload-Offset': String(server.partial.get(sha)), 'Upload-Length': '3' });
    return tus(404, {});
  }
  if (init.method === 'PATCH') {
    const offset = Number(init.headers['Upload-Offset']) + init.body.size;
    server.partial.delete(sha);
    return tus(204, { 'Upload-Offset': String(offset) });
  }
  return path === '/uploads' ? server.media(init) : server.graphql(body);
};

let registry, engine;
before(async () => {
  registry = await import('../src/outbox/registry.js');
  engine = await import('../src/outbox/engine.js');
  await import('../src/outbox/ops.js');
});
after(() => engine.stopOutbox());
beforeEach(() => {
  server.calls = [];
  server.media = created;
});

const item = (over = {}) => ({ id: 'q1', op: 'test', vars: { input: { id: 'rec-1' } }, photos: [], uploaded: [], ref: 'rec-1', ...over });
const ctx = { saveItem: async () => {} };
const M = 'mutation($input: X!) { doThing(input: $input) { thing { id status } currentVersion errors { code message field } } }';
const op = () => registry.mutationOp({ mutation: M, field: 'doThing', result: (p) => ({ result: p.thing, reviewStatus: p.thing.status }) });

test('the app registers every kind it queues', () => {
  for (const k of ['submitFiling', 'editFiling', 'checkIn', 'fileProblem', 'updateProblemStatus', 'reportProblem']) {
    assert.equal(typeof registry.getOp(k)?.send, 'function', k);
  }
  assert.equal(registry.getOp('submitFiling').track, registry.getOp('editFiling').track, 'one tracker follows both filing kinds');
});

test('a kind is registered once, and must say how to send itself', () => {
  assert.throws(() => registry.registerOp('submitFiling', op()), /registered twice/);
  assert.throws(() => registry.registerOp('noSend', {}), /no send/);
});

test('classify: no answer, timeouts, 5xx, 408, 429, 401 and transient codes wait; anything else fails', () => {
  for (const e of [
    { code: 'NETWORK', status: 0 },
    { code: 'TIMEOUT' },
    { code: 'INTERNAL', status: 502 },
    { code: 'SERVICE_UNAVAILABLE', status: 503 },
    { code: 'STORAGE_FULL', status: 507 },
    { code: 'RATE_LIMITED', status: 429 },
    { code: 'UNAUTHENTICATED', status: 401 },
    { code: 'X', status: 408 },
    { code: 'UPLOAD_OFFSET_MISMATCH', status: 409 },
  ]) {
    assert.ok(registry.classify(e).wait, JSON.stringify(e));
  }
  for (const e of [
    { code: 'MEDIA_TOO_LARGE', status: 413 },
    { code: 'INVALID_INPUT', status: 400 },
    { code: 'FORBIDDEN', status: 200 },
  ]) {
    assert.deepEqual(registry.classify({ ...e, message: 'm' }), { fail: { code: e.code, message: 'm' } });
  }
});

test('mutationOp: the payload record is the result; payload errors fail (STORAGE_FULL waits) with the current version', async () => {
  server.graphql = () => json({ data: { doThing: { thing: { id: 'rec-1', status: 'SUBMITTED' }, currentVersion: 1, errors: [] } } });
  assert.deepEqual(await op().send(item(), ctx), { ok: { result: { id: 'rec-1', status: 'SUBMITTED' }, reviewStatus: 'SUBMITTED' } });

  server.graphql = () =>
    json({
      data: { doThing: { thing: null, currentVersion: 3, errors: [{ code: 'STALE_VERSION', message: '已被更新', field: 'baseVersion' }] } },
    });
  assert.deepEqual(await op().send(item(), ctx), {
    fail: { code: 'STALE_VERSION', message: '已被更新', field: 'baseVersion', currentVersion: 3 },
  });

  server.graphql = () =>
    json({ data: { doThing: { thing: null, currentVersion: null, errors: [{ code: 'STORAGE_FULL', message: '满', field: null }] } } });
  assert.equal((await op().send(item(), ctx)).wait.code, 'STORAGE_FULL');
});

test('mutationOp: top-level errors wait when transient, fail otherwise', async () => {
  server.graphql = () => json({ data: null, errors: [{ message: '服务暂时不可用', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }, 503);
  assert.equal((await op().send(item(), ctx)).wait.code, 'SERVICE_UNAVAILABLE');
  server.graphql = () => json({ data: null, errors: [{ message: 'Unknown type X', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
  assert.equal((await op().send(item(), ctx)).fail.code, 'GRAPHQL_VALIDATION_FAILED');
});

test('mutationOp: photos go first, each once; an upload the server refuses fails the item before the mutation', async () => {
  const blob = new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' });
  state.photos.set('p1', { sha: 'p1', blob, up: false });
  state.photos.set('p2', { sha: 'p2', blob, up: false });
  server.graphql = () => json({ data: { doThing: { thing: { id: 'rec-1', status: 'SUBMITTED' }, currentVersion: 1, errors: [] } } });
  const saved = [];
  const it = item({ photos: ['p1', 'p2', 'gone'] });
  server.media = (init) =>
    server.calls.length === 1 ? created(init) : json({ errors: [{ message: '照片过大', extensions: { code: 'MEDIA_TOO_LARGE' } }] }, 413);
  assert.deepEqual(await op().send(it, { saveItem: async (x) => saved.push([...x.uploaded]) }), {
    fail: { code: 'MEDIA_TOO_LARGE', message: '照片过大' },
  });
  assert.deepEqual(server.calls, ['/uploads', '/uploads'], 'no mutation after a refused photo');
  assert.deepEqual(saved, [['p1']], 'the uploaded photo is recorded on the item at once');
  assert.equal(state.photos.get('p1').up, true);

  server.calls = [];
  server.media = created;
  assert.ok((await op().send(it, ctx)).ok);
  assert.deepEqual(server.calls, ['HEAD /uploads/p2', '/uploads', 'doThing'], 'p1 is not sent twice; a photo not on the phone is skipped');
});

test('a photo whose answer was lost is asked about by its hash before its bytes are sent again', async () => {
  const blob = new Blob([new Uint8Array([0xff, 0xd8, 1])], { type: 'image/jpeg' });
  state.photos.set('p3', { sha: 'p3', blob, up: false });
  state.photos.set('p4', { sha: 'p4', blob, up: false });
  server.graphql = () => json({ data: { doThing: { thing: { id: 'rec-2', status: 'SUBMITTED' }, currentVersion: 1, errors: [] } } });
  const it = item({ photos: ['p3', 'p4'], ref: 'rec-2' });
  server.media = () => {
    throw new TypeError('connection reset'); // the bytes may have arrived; the answer did not
  };
  assert.equal((await op().send(it, ctx)).wait.code, 'NETWORK');
  assert.deepEqual(server.calls, ['/uploads'], 'the first try asks nothing first');

  server.calls = [];
  server.held = new Set(['p3']); // the server stored p3 before the cut
  server.media = created;
  assert.ok((await op().send(it, ctx)).ok);
  assert.deepEqual(server.calls, ['HEAD /uploads/p3', '/uploads', 'doThing'], 'p3 is not sent again');
  assert.deepEqual(it.uploaded, ['p3', 'p4']);
  server.held = null;
});

test('a photo cut mid-upload goes on from where the server got to', async () => {
  const blob = new Blob([new Uint8Array([0xff, 0xd8, 2])], { type: 'image/jpeg' });
  state.photos.set('p5', { sha: 'p5', blob, up: false, tried: true }); // an earlier try was cut
  server.partial.set('p5', 2); // two of its three bytes reached the server
  server.graphql = () => json({ data: { doThing: { thing: { id: 'rec-3', status: 'SUBMITTED' }, currentVersion: 1, errors: [] } } });
  const sentBodies = [];
  const real = globalThis.fetch;
  globalThis.fetch = (url, init) => (
    init.method === 'PATCH' && sentBodies.push([init.headers['Upload-Offset'], init.body.size]),
    real(url, init)
  );
  try {
    assert.ok((await op().send(item({ photos: ['p5'], ref: 'rec-3' }), ctx)).ok);
  } finally {
    globalThis.fetch = real;
  }
  assert.deepEqual(server.calls, ['HEAD /uploads/p5', 'PATCH /uploads/p5', 'doThing']);
  assert.deepEqual(sentBodies, [['2', 1]], 'only the last byte went up, from offset 2');
});

/** Until the sender is idle with nothing in flight. */
async function settled() {
  for (let n = 0; n < 200; n++) {
    await new Promise((r) => setTimeout(r, 5));
    const { busy, items } = engine.outbox.get();
    if (!busy && !items.some((i) => i.state === 'sending')) return items;
  }
  throw new Error('the outbox never settled');
}

test('the engine sends any registered kind in order: a waiting item holds back the later ones; state is recorded', async () => {
  let offline = true; // the first item cannot be sent until this turns false
  const sent = [];
  const tracked = [];
  const track = async (items) => {
    tracked.push(
      items
        .map((i) => i.ref)
        .sort()
        .join(),
    );
    return items.map((i) => ({ id: i.id, patch: { reviewStatus: 'APPROVED' } }));
  };
  registry.registerOp('testStep', {
    track,
    async send(it) {
      sent.push(it.ref);
      if (it.ref === 'second') return { fail: { code: 'CONFLICT', message: '编号已用' } };
      return offline ? { wait: { code: 'NETWORK' } } : { ok: { result: { id: it.ref }, reviewStatus: 'SUBMITTED' } };
    },
  });
  registry.registerOp('testOther', {
    track,
    send: async (it) => {
      sent.push(it.ref);
      return { ok: { result: { id: it.ref } } };
    },
  });
  await assert.rejects(engine.enqueue({ op: 'notRegistered', vars: {}, ref: 'x' }), /no operation notRegistered/);

  engine.startOutbox(9);
  await engine.enqueue({ op: 'testStep', vars: {}, ref: 'first', title: '1' });
  await engine.enqueue({ op: 'testStep', vars: {}, ref: 'second', title: '2' });
  let items = await settled();
  assert.ok(sent.length >= 1 && sent.every((r) => r === 'first'), `the second item does not overtake the waiting first one: ${sent}`);
  assert.deepEqual(
    items.map((i) => i.state),
    ['waiting', 'waiting'],
  );
  assert.equal(items[0].note.code, 'NETWORK');

  offline = false;
  sent.length = 0;
  await engine.enqueue({ op: 'testOther', vars: {}, ref: 'third', title: '3' });
  items = await settled();
  assert.deepEqual(sent, ['first', 'second', 'third']);
  assert.deepEqual(
    items.map((i) => [i.ref, i.state]),
    [
      ['first', 'sent'],
      ['second', 'failed'],
      ['third', 'sent'],
    ],
  );
  assert.deepEqual(items[0].result, { id: 'first' });
  assert.equal(items[1].error.code, 'CONFLICT');

  await engine.refreshReview(); // also run by the engine after sending
  assert.ok(tracked.length >= 1);
  assert.ok(
    tracked.every((refs) => refs === 'first,third'),
    `one call per tracker, with all the kinds it follows: ${tracked}`,
  );
  assert.deepEqual(
    engine.outbox
      .get()
      .items.filter((i) => i.state === 'sent')
      .map((i) => i.reviewStatus),
    ['APPROVED', 'APPROVED'],
  );
});

test('describe: the outbox tells two items of a kind apart — household or topic or title, first words', () => {
  const diary = (content, occurredOn = '2026-11-20') =>
    registry.describeItem({
      op: 'submitFiling',
      kind: 'WORK_DIARY',
      title: `工作日志 · ${occurredOn}`,
      vars: { input: { kind: 'WORK_DIARY', occurredOn, body: { content } } },
    });
  const a = diary('今天上午走访三组五户，了解到  自来水\n管道老化的问题，下午联系了镇水利站，约定周五来人查看。');
  const b = diary('参加镇里的工作例会');
  assert.deepEqual(a, {
    subject: '工作日志 · 2026-11-20',
    excerpt: '今天上午走访三组五户，了解到 自来水 管道老化的问题，下午联系了镇水利站，约定周…',
    date: '2026-11-20',
  });
  assert.equal(a.excerpt.length, 41, 'the first 40 characters and an ellipsis, on one line');
  assert.notDeepEqual(a, b);
  assert.equal(b.excerpt, '参加镇里的工作例会');
  const visit = registry.describeItem({
    op: 'submitFiling',
    kind: 'HOUSEHOLD_VISIT',
    title: '走访',
    meta: { household: '王秀兰' },
    vars: { input: { occurredOn: '2026-11-21', householdId: '7', body: { notes: '老人独居，血压高' } } },
  });
  assert.deepEqual(visit, { subject: '王秀兰', excerpt: '老人独居，血压高', date: '2026-11-21' });
  const lecture = registry.describeItem({ op: 'editFiling', vars: { input: { body: { topic: '学习二十届四中全会精神' } } } });
  assert.equal(lecture.subject, '学习二十届四中全会精神');
  const problem = registry.describeItem({
    op: 'fileProblem',
    title: '村口路灯不亮',
    vars: { input: { title: '村口路灯不亮', description: '晚上出行不便' } },
  });
  assert.deepEqual(problem, { subject: '村口路灯不亮', excerpt: '晚上出行不便', date: '' });
  const move = registry.describeItem({ op: 'updateProblemStatus', title: '村口路灯不亮 → 已解决', vars: { input: { note: '已换新灯' } } });
  assert.deepEqual(move, { subject: '村口路灯不亮 → 已解决', excerpt: '已换新灯', date: '' });
  assert.deepEqual(registry.describeItem({ op: 'checkIn', vars: {} }), { subject: '', excerpt: '', date: '' });
  for (const k of ['submitFiling', 'editFiling', 'checkIn', 'fileProblem', 'updateProblemStatus', 'reportProblem']) {
    assert.equal(typeof registry.getOp(k).describe, 'function', k);
  }
});
