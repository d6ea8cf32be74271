// Shared by the outbox unit tests: in-memory stand-ins for the outbox's IndexedDB (src/outbox/db.js)
// and the token store (src/tokens.js), put in place of the real modules for every importer by a
// module-resolution hook, and the browser around the engine. Import it before any module of src/.
import { register } from 'node:module';

export const state = { items: new Map(), photos: new Map() };
globalThis.__outboxTest = state;

const stubs = {
  '/src/outbox/db.js': `
    const S = globalThis.__outboxTest;
    const copy = (i) => i && structuredClone(i);
    const unsentNames = (sha) => [...S.items.values()].some((i) => i.state !== 'sent' && (i.photos || []).includes(sha));
    export async function listItems(user) {
      return [...S.items.values()].filter((i) => user == null || i.user === user).sort((a, b) => a.seq - b.seq).map(copy);
    }
    export async function getItem(id) { return copy(S.items.get(id)); }
    export async function putItem(item) { item.updatedAt = Date.now(); S.items.set(item.id, copy(item)); return item; }
    export async function transition(id, from, patch) {
      const it = S.items.get(id);
      if (!it || it.state !== from) return null;
      Object.assign(it, patch, { updatedAt: Date.now() });
      return copy(it);
    }
    export async function deleteItem(id) { S.items.delete(id); }
    export async function putPhoto(p) { S.photos.set(p.sha, p); }
    export async function getPhoto(sha) { return S.photos.get(sha); }
    export async function dropPhotos(shas) { for (const s of shas) if (!unsentNames(s)) S.photos.delete(s); }
    export async function gcPhotos() {}`,
  // a session that stays valid for the whole run: the transport (src/transport.js) never refreshes
  '/src/tokens.js': `
    const tokens = { access: 'access-token', refresh: 'refresh-token', expiresAt: Date.now() + 3600e3 };
    export async function loadTokens() { return tokens; }
    export function currentTokens() { return tokens; }
    export async function reloadTokens() { return tokens; }
    export async function saveTokens() { throw new Error('no refresh expected'); }
    export async function clearTokens() {}
    export async function cacheGet() { return undefined; }
    export async function cachePut() {}`,
};
// Every import of these modules (by the engine, its operations and the transport) gets the stand-in.
const hook = `
  const STUBS = ${JSON.stringify(Object.fromEntries(Object.entries(stubs).map(([k, v]) => [k, 'data:text/javascript,' + encodeURIComponent(v)])))};
  export async function resolve(specifier, context, next) {
    const r = await next(specifier, context);
    const hit = Object.keys(STUBS).find((k) => r.url.endsWith(k));
    return hit ? { url: STUBS[hit], shortCircuit: true } : r;
  }`;
register('data:text/javascript,' + encodeURIComponent(hook), import.meta.url);

// The browser around the engine: online, visible, no Web Locks (the engine falls back to its
// per-item compare-and-set), no other tabs.
globalThis.navigator = { onLine: true };
globalThis.document = { visibilityState: 'visible', addEventListener() {}, removeEventListener() {} };
globalThis.addEventListener = () => {};
globalThis.removeEventListener = () => {};
globalThis.BroadcastChannel = undefined;
