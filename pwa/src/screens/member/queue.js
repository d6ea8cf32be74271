// The member's 反映问题 goes through the shared outbox (src/outbox/engine.js): queued in IndexedDB
// with a phone-made id, sent in order when online, safe to resend (server idempotency by id).
// This adapter is the only place that knows the engine's API.
import { enqueue, startOutbox, outbox, retry, remove, syncNow, uuid } from '../../outbox/engine.js';
import '../../outbox/ops.js'; // every kind of queued operation, registered before the outbox starts

export const OP = 'reportProblem';

export { outbox, retry, remove, syncNow };

/** Start sending for this member (idempotent). */
export function start(me) {
  if (me?.id) startOutbox(me.id);
}

/** Queue a report (with the SHA-256 of an optional photo already in the outbox photo store);
 * resolves once it is stored on the phone (sending happens by itself, the photo first). */
export function report({ title, description, photo = null }) {
  const id = uuid();
  const photos = photo ? [photo] : [];
  return enqueue({ op: OP, vars: { input: { id, title, description, photos } }, photos, ref: id, kind: 'PROBLEM', title });
}

/** This member's reports not yet accepted by the server (waiting / sending / failed). */
export const unsentReports = (s) => s.items.filter((i) => i.op === OP && i.state !== 'sent');
export const sentCount = (s) => s.items.filter((i) => i.op === OP && i.state === 'sent').length;
