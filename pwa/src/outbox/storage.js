// Whether the browser may clear the outbox, and how much room is left. Asked for once, when the
// first item enters the outbox (a browser grants persistence more readily to a page the user has
// just used, and asking on every visit would pester); read again whenever the outbox screen opens.
import { createStore } from '../store.js';

/** { persisted: true | false | null (unknown: no StorageManager), usage, quota, low } */
export const storageState = createStore({ persisted: null, usage: null, quota: null, low: false });

// Below this much free room, or past 90 % of the quota, the secretary is warned to send or export.
export const LOW_FREE_BYTES = 50 * 1024 * 1024;

const sm = () => (typeof navigator !== 'undefined' ? navigator.storage : undefined);

/** Ask the browser to keep the outbox through storage pressure; remembers the answer. */
export async function askPersistence() {
  const s = sm();
  if (!s?.persist) return storageState.get().persisted;
  let granted = false;
  try {
    granted = (await s.persisted?.()) || (await s.persist());
  } catch {
    granted = false;
  }
  storageState.set((v) => ({ ...v, persisted: !!granted }));
  return granted;
}

/** Read persistence and the quota estimate without asking for anything. */
export async function readStorage() {
  const s = sm();
  const next = {};
  try {
    if (s?.persisted) next.persisted = await s.persisted();
    if (s?.estimate) {
      const { usage = 0, quota = 0 } = await s.estimate();
      next.usage = usage;
      next.quota = quota;
      next.low = quota > 0 && (quota - usage < LOW_FREE_BYTES || usage / quota > 0.9);
    }
  } catch {
    /* an old engine: nothing known, nothing shown */
  }
  storageState.set((v) => ({ ...v, ...next }));
  return storageState.get();
}
