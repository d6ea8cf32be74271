// The outbox's registry of operations. Each kind of queued operation (a filing, an edit, a
// check-in, a problem, …) registers how to send itself and how to read the answer; the engine
// (engine.js) knows none of them — it only iterates, orders, retries and records state.
//
// An operation: { send(item, ctx) → Outcome, track?(items) → patches, describe?(item) → Description }
//   Outcome: { ok: { result, reviewStatus? } }  sent; `result` is kept on the item
//            { wait: { code, message } }         could not be sent now: retried later, in order
//            { fail: { code, message, … } }      refused for good: the user fixes or deletes it
//   ctx: { saveItem(item) } — persist progress inside one send (e.g. photos already uploaded)
//   track: learns later what became of sent items (e.g. a filing's review state); the same
//          function may serve several kinds: the engine calls it once with all their items and
//          stores the returned [{ id, patch }].
//   describe: what the outbox list shows beside the kind, so two items of a kind can be told
//          apart → { subject (household, topic or title), excerpt (first words), date }.
// Exactly once: the item carries the phone-made id of its record (`ref`, in the variables), so
// sending it again after a lost answer is safe (the server answers the same for the same content).
import { graphqlRequest } from '../api.js';
import { getPhoto, putPhoto } from './db.js';
import { uploadResumable } from './resumable.js';

const ops = new Map();

/** What the outbox shows of an item beside its kind (see `describe` above). */
export function describeItem(item) {
  const d = getOp(item.op)?.describe?.(item) || {};
  return { subject: d.subject || item.title || '', excerpt: d.excerpt || '', date: d.date || '' };
}

/** Register operation `kind` (see above). Registering a kind twice is a programming error. */
export function registerOp(kind, op) {
  if (ops.has(kind)) throw new Error(`outbox: operation ${kind} registered twice`);
  if (typeof op?.send !== 'function') throw new Error(`outbox: operation ${kind} has no send()`);
  ops.set(kind, op);
}
export function getOp(kind) {
  return ops.get(kind);
}
export function opKinds() {
  return [...ops.keys()];
}

/** Codes that mean "not now" rather than "not this": the item waits and is sent again. */
export const TRANSIENT = new Set([
  'NETWORK',
  'TIMEOUT',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  'STORAGE_FULL',
  'NO_SESSION',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'UPLOAD_OFFSET_MISMATCH', // another request moved the upload on: ask again how far it got
]);

/** A transport failure (ApiError { code, message, status }) → wait or fail. */
export function classify(e) {
  const err = { code: e?.code || 'NETWORK', message: e?.message };
  const s = e?.status || 0;
  const retryable = TRANSIENT.has(err.code) || s === 0 || s >= 500 || s === 408 || s === 429 || s === 401;
  return retryable ? { wait: err } : { fail: err };
}

/** Upload the item's photos that are not on the server yet (resumable, named by SHA-256:
 * outbox/resumable.js) → null when all are there, else the Outcome that stops the item. */
export async function uploadPhotos(item, ctx) {
  for (const sha of item.photos || []) {
    if (item.uploaded.includes(sha)) continue;
    const p = await getPhoto(sha);
    // not on this phone: already on the server (edit of a returned filing); or sent for another item
    if (!p || p.up) continue;
    // An earlier try may have reached the server, whole or in part, its answer lost (a cut at
    // 90 %): the upload then asks how far it got and sends only the rest. The first try asks nothing.
    if (!p.tried) await putPhoto({ ...p, tried: true });
    try {
      await uploadResumable(p.blob, sha, { resume: !!p.tried });
    } catch (e) {
      return classify(e);
    }
    item.uploaded.push(sha);
    await ctx.saveItem(item);
    await putPhoto({ ...p, up: true });
  }
  return null;
}

/**
 * An operation that is one GraphQL mutation whose payload is `data[field]` with `errors
 * { code message field }` — photos named by the item are uploaded first.
 * `result(payload)` → { result, reviewStatus? } kept on the item once sent.
 */
export function mutationOp({ mutation, field, result, track, describe }) {
  return {
    track,
    describe,
    async send(item, ctx) {
      const stop = await uploadPhotos(item, ctx);
      if (stop) return stop;
      let json;
      try {
        json = await graphqlRequest(mutation, item.vars, { timeoutMs: 30_000 });
      } catch (e) {
        return classify(e);
      }
      const payload = json.data?.[field];
      if (!payload) {
        const top = json.errors?.[0];
        const code = top?.extensions?.code || 'INTERNAL';
        return classify({ code, message: top?.message, status: 200 });
      }
      const e = payload.errors?.[0];
      if (!e) return { ok: result(payload) };
      if (e.code === 'STORAGE_FULL') return { wait: e };
      return { fail: { code: e.code, message: e.message, field: e.field, currentVersion: payload.currentVersion } };
    },
  };
}
