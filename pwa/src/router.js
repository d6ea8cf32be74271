// History-API router: the backend serves index.html for unknown non-API paths.
import { createStore, useStore } from './store.js';

export const route = createStore(location.pathname + location.search);

export function navigate(to, { replace = false } = {}) {
  if (to === route.get()) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  route.set(to);
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => route.set(location.pathname + location.search));

/** Intercept same-origin <a href="/..."> clicks so links stay real links (crawlable, middle-click). */
addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest?.('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(graphql|media|cards|healthz|readyz|metrics)/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

/** Match "/v/:id" style patterns; returns params or null. */
export function match(pattern, path) {
  const [p] = path.split('?');
  const a = pattern.split('/'), b = p.split('/');
  if (a.length !== b.length) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

export function useRoute() { return useStore(route); }
