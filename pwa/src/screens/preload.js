// Screens fetched before they are opened: the first secretary's home while the login page waits
// (the user types for seconds; on a slow link the home's code is then already here).
export const loadVillageHome = () => import('./VillageHome.jsx');

/** Fetch the first secretary's home when the browser is idle (once). */
export function preloadVillageHome() {
  const idle = self.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  idle(() => loadVillageHome().catch(() => {})); // offline and not cached: it loads when opened
}
