// IndexedDB through idb, or — where a browser has none or refuses it (some in-app WebViews,
// private modes) — the same small part of idb's interface kept in memory, so that the app still
// works online: records queue and send as usual, but nothing outlives the page. `offlineSupport`
// says which, and the shell tells the user (offlineSupport.jsx).
import { openDB } from 'idb';
import { createStore } from './store.js';

/** sw, idb: null (not known yet) | true | false. */
export const offlineSupport = createStore({ sw: null, idb: null });
export const noteSupport = (patch) => offlineSupport.set((s) => ({ ...s, ...patch }));

/** openDB(name, version, { upgrade, blocking }) → idb's database, or the in-memory stand-in. */
export async function openLocal(name, version, callbacks) {
  try {
    if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('no IndexedDB');
    const d = await openDB(name, version, callbacks);
    noteSupport({ idb: true });
    return d;
  } catch {
    noteSupport({ idb: false });
    const mem = new MemoryDB();
    callbacks?.upgrade?.(mem);
    return mem;
  }
}

const copy = (v) => (v && typeof v === 'object' && !(v instanceof Blob) ? { ...v } : v);

class MemoryStore {
  constructor(keyPath) {
    this.keyPath = keyPath;
    this.rows = new Map();
    this.indexes = new Map();
  }
  createIndex(name, path) {
    this.indexes.set(name, path);
  }
  get(key) {
    return copy(this.rows.get(key));
  }
  put(value, key) {
    const k = this.keyPath ? value[this.keyPath] : key;
    this.rows.set(k, copy(value));
    return k;
  }
}

class MemoryDB {
  constructor() {
    this.stores = new Map();
    this.objectStoreNames = { contains: (n) => this.stores.has(n) };
  }
  createObjectStore(name, opts = {}) {
    const s = new MemoryStore(opts.keyPath);
    this.stores.set(name, s);
    return s;
  }
  async get(store, key) {
    return this.stores.get(store).get(key);
  }
  async put(store, value, key) {
    return this.stores.get(store).put(value, key);
  }
  async delete(store, key) {
    this.stores.get(store).rows.delete(key);
  }
  async clear(store) {
    this.stores.get(store).rows.clear();
  }
  async getAll(store) {
    return [...this.stores.get(store).rows.values()].map(copy);
  }
  async getAllFromIndex(store, index) {
    const s = this.stores.get(store);
    const path = s.indexes.get(index);
    return (await this.getAll(store)).sort((a, b) => (a[path] < b[path] ? -1 : a[path] > b[path] ? 1 : 0));
  }
  transaction(store) {
    const s = this.stores.get(store);
    return { store: { get: async (k) => s.get(k), put: async (v, k) => s.put(v, k) }, done: Promise.resolve() };
  }
  close() {}
}
