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
  if (url.origin !== location.origin || /^\/(graphql|media|cards|public|healthz|readyz|metrics|auth\/)/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

/** Match "/v/:id" style patterns; returns params or null. */
export function match(pattern, path) {
  const [p] = path.split('?');
  const a = pattern.split('/'),
    b = p.split('/');
  if (a.length !== b.length) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

/** Who may open a route table entry (routes.jsx): anyone, any logged-in user, or these roles. */
export const PUBLIC = 'PUBLIC';
export const LOGGED_IN = 'LOGGED_IN';

function allowed(roles, me) {
  if (roles === PUBLIC) return true;
  if (!me) return false;
  return roles === LOGGED_IN || roles.includes(me.role);
}

/** The screen for `path` as seen by `me` (null when logged out: only PUBLIC entries) →
 * { component, props, key, public }, or null when there is none ("页面不存在"). */
export function resolveRoute(routes, path, me) {
  for (const r of routes) {
    if (!allowed(r.roles, me)) continue;
    for (const pattern of [].concat(r.path)) {
      const params = match(pattern, path);
      if (!params) continue;
      const query = new URLSearchParams(path.split('?')[1] || '');
      const props = r.props ? r.props({ me, params, query }) : { me };
      return { component: r.component, props, key: r.keyed ? path : undefined, public: r.roles === PUBLIC };
    }
  }
  return null;
}

export function useRoute() {
  return useStore(route);
}
