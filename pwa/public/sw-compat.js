// Loaded by the service worker before Workbox (vite.config.js, workbox.importScripts): Workbox
// waits for a strategy's work with Promise.allSettled, which Chromium 69–75 lack.
if (!Promise.allSettled) {
  Promise.allSettled = (promises) =>
    Promise.all(
      Array.from(promises, (p) =>
        Promise.resolve(p).then(
          (value) => ({ status: 'fulfilled', value }),
          (reason) => ({ status: 'rejected', reason }),
        ),
      ),
    );
}
