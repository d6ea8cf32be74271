// The message store: Simplified Chinese first, English as a switch (persisted in localStorage,
// `<html lang>` follows). Messages come in modules, one per screen area (src/i18n/*.js), each
// registered with addMessages when its screen's chunk loads; only src/i18n/common.js is in the
// initial JS. Keys are readable and grouped by namespace: `poll.manage.openVoting`.
import { createStore, useStore } from '../store.js';

const KEY = 'zct.lang';
const dict = { zh: {}, en: {} };

/** `{ a: { b: 'x' } }` → `{ 'a.b': 'x' }` */
function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') flatten(v, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** Register a module's messages `{ zh: {namespace: {…}}, en: {…} }`; returns them. */
export function addMessages(messages) {
  for (const l of Object.keys(dict)) Object.assign(dict[l], flatten(messages[l] || {}, '', {}));
  return messages;
}

function initial() {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'en' || v === 'zh') return v;
  } catch {
    /* no storage */
  }
  return 'zh';
}

export const lang = createStore(initial());

function applyLang(l) {
  if (typeof document !== 'undefined') document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
}
applyLang(lang.get());
lang.subscribe((l) => {
  applyLang(l);
  try {
    localStorage.setItem(KEY, l);
  } catch {
    /* no storage */
  }
});

/** The text of `key` in the current language (Chinese when English lacks it, else the key
 * itself), with `{name}` placeholders filled from `vars`. */
export function t(key, vars) {
  const l = lang.get();
  let s = dict[l][key] ?? dict.zh[key] ?? key;
  if (vars) for (const k in vars) s = s.replace(`{${k}}`, vars[k]);
  return s;
}

/** Re-render on language change; returns t. */
export function useT() {
  useStore(lang);
  return t;
}

export function toggleLang() {
  lang.set(lang.get() === 'zh' ? 'en' : 'zh');
}

/** Chinese/English message for an error code, falling back to the server's text. */
export function errorText(code, serverMessage) {
  const key = `error.${code}`;
  if (dict.zh[key]) return t(key);
  return serverMessage || t('error.UNKNOWN');
}
