// Back from a drill-down lands where the user left: a screen remembers its scroll position per
// address when a link or button is tapped (before the router scrolls the new screen to the top),
// and scrolls back there once its content is in, when it was reached by the browser's back or
// forward (popstate) — a fresh visit starts at the top.
import { useEffect } from 'preact/hooks';
import { route } from '../../router.js';

const saved = new Map(); // address → scrollY, for this tab's life
let popped = false;
route.subscribe(() => {
  popped = false; // every change of address…
});
addEventListener('popstate', () => {
  popped = true; // …but the router's own popstate handler ran first: this one marks it as back/forward
});

/** `key`: the screen's address; `ready`: its content has rendered. */
export function useScrollMemory(key, ready) {
  useEffect(() => {
    const remember = () => saved.set(key, scrollY);
    document.addEventListener('click', remember, true);
    return () => document.removeEventListener('click', remember, true);
  }, [key]);
  useEffect(() => {
    if (!ready || !popped) return;
    popped = false;
    const y = saved.get(key);
    if (y) requestAnimationFrame(() => scrollTo(0, y));
  }, [key, ready]);
}
