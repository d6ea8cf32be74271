import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const API = process.env.API_ORIGIN || 'http://127.0.0.1:8000';
const apiPaths = ['/graphql', '/healthz', '/readyz', '/metrics', '/media', '/uploads', '/cards', '/public', '/exports'];
// The resumable-upload client (tus-js-client and its dependencies) in a chunk of its own, under
// assets/guarded/: it names `globalThis` and `Uint8Array.fromBase64` only behind `typeof` checks
// (rollup's CommonJS helper, js-base64), which `npm run check:syntax` allows there and nowhere else.
const GUARDED =
  /node_modules\/(tus-js-client|js-base64|url-parse|querystringify|requires-port|lodash\.throttle|combine-errors|buffer-from|is-stream)\//;

export default defineConfig({
  // BUILD_ID (optional) names a build on the phone (<html data-build>): support can ask which one runs
  define: { __BUILD_ID__: JSON.stringify(process.env.BUILD_ID || '') },
  // JSX via esbuild, no extra preset: h/Fragment from preact.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    manifest: true, // dist/.vite/manifest.json, read by scripts/check-budget.mjs
    // Android 8 WebViews and the Chinese browsers that embed an old engine (Chromium 69): no ?. or ??
    // (checked on the output by `npm run check:syntax`).
    target: ['chrome69', 'safari12'],
    cssTarget: ['chrome69', 'safari12'],
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        manualChunks: (id) => (GUARDED.test(id) ? 'resumable-upload' : undefined),
        chunkFileNames: (chunk) => (chunk.name === 'resumable-upload' ? 'assets/guarded/[name]-[hash].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, API])) },
  preview: { proxy: Object.fromEntries(apiPaths.map((p) => [p, API])) },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // registered in src/sw-register.js
      strategies: 'generateSW',
      includeManifestIcons: false, // the icons are already matched by globPatterns
      manifest: {
        id: '/',
        name: '驻村通',
        short_name: '驻村通',
        description: '驻村第一书记履职管理 — 县委组织部、镇街党委、第一书记与村民共用',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#b71c1c',
        background_color: '#ffffff',
        categories: ['government', 'productivity'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        importScripts: ['/sw-compat.js'],
        globPatterns: ['**/*.{js,css,html,png,svg,txt}'],
        globIgnores: ['**/.vite/**'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [
          /^\/graphql/,
          /^\/healthz/,
          /^\/readyz/,
          /^\/metrics/,
          /^\/media/,
          /^\/cards/,
          /^\/public\//,
          /^\/exports/,
          /^\/polls\/\d+\/(board\.json|ballots)/,
          /^\/auth\//, // the identity platform's login: the server's redirects (backend/identity/routes.py)
        ],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
});
