// The UI strings (pwa/src/i18n/*.js, one module per screen area): Chinese and English have exactly
// the same keys in every namespace; a namespace lives in one module; every key the code names —
// in a t()/tr() call (the helper useT() returns, by either name), or as a literal kept for later
// (reasons, steps, tiers) or a prefix completed at run time (`review.kind.${k}`) — exists; and a
// file that names a key of a lazy module imports that module (else its screen could render the
// raw key). Run: node --test pwa/tests-unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const I18N = join(SRC, 'i18n');
const INITIAL_MODULE = 'common'; // imported by src/i18n.js: in the initial JS

function flat(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') flat(v, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

const modules = {}; // name → { zh, en } (nested)
for (const f of readdirSync(I18N).filter((f) => f.endsWith('.js') && f !== 'core.js')) {
  modules[f.replace(/\.js$/, '')] = (await import(join(I18N, f))).default;
}
const owner = {}; // namespace → module
for (const [m, msgs] of Object.entries(modules)) for (const ns of Object.keys(msgs.zh)) owner[ns] = m;
const keys = new Set(Object.values(modules).flatMap((m) => Object.keys(flat(m.zh))));

function walk(d) {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    if (statSync(p).isDirectory()) return p === I18N ? [] : walk(p);
    return /\.jsx?$/.test(f) ? [p] : [];
  });
}
const files = walk(SRC).map((p) => ({ p, rel: relative(SRC, p), s: readFileSync(p, 'utf8') }));

/** Every key-like literal of a file: 'ns.a.b', "ns.a", `ns.a.${x}` (→ a pattern), 'ns.prefix.' (→ a prefix). */
function keyUses(s) {
  const nsAlt = Object.keys(owner).join('|');
  const out = [];
  const re = new RegExp(`(['"\`])((?:${nsAlt})\\.[A-Za-z0-9_.]*(?:\\$\\{[^}]*\\}[A-Za-z0-9_.]*)*)\\1`, 'g');
  for (const m of s.matchAll(re)) out.push(m[2]);
  return out;
}
const exists = (use) => {
  if (use.includes('${')) {
    const rx = new RegExp(
      `^${use
        .split(/\$\{[^}]*\}/)
        .map((x) => x.replace(/\./g, '\\.'))
        .join('.+')}$`,
    );
    return [...keys].some((k) => rx.test(k));
  }
  if (use.endsWith('.')) return [...keys].some((k) => k.startsWith(use));
  return keys.has(use);
};

test('zh and en have exactly the same keys in every namespace, and no empty text', () => {
  for (const [m, { zh, en }] of Object.entries(modules)) {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort(), `${m}: namespaces`);
    for (const ns of Object.keys(zh)) {
      const z = flat(zh[ns]),
        e = flat(en[ns]);
      assert.deepEqual(Object.keys(e).sort(), Object.keys(z).sort(), `${m}.js: keys of namespace ${ns}`);
      for (const [k, v] of [...Object.entries(z), ...Object.entries(e)])
        assert.ok(typeof v === 'string' && v.trim(), `${ns}.${k} is empty`);
    }
  }
});

test('a namespace lives in one module', () => {
  const seen = {};
  for (const [m, { zh }] of Object.entries(modules)) {
    for (const ns of Object.keys(zh)) {
      assert.ok(!seen[ns], `namespace ${ns} in both ${seen[ns]}.js and ${m}.js`);
      seen[ns] = m;
    }
  }
});

test('placeholders agree between zh and en', () => {
  const vars = (s) =>
    [...s.matchAll(/\{(\w+)\}/g)]
      .map((m) => m[1])
      .sort()
      .join();
  for (const { zh, en } of Object.values(modules)) {
    const z = flat(zh),
      e = flat(en);
    for (const k of Object.keys(z)) assert.equal(vars(e[k]), vars(z[k]), `placeholders of ${k}`);
  }
});

test('every t()/tr() call names a key (or a key pattern) that exists', () => {
  const missing = [];
  let calls = 0;
  for (const { rel, s } of files) {
    for (const m of s.matchAll(/\b(?:t|tr)\(\s*(['"`])((?:(?!\1).)*)\1/g)) {
      calls++;
      const use = m[2];
      if (!exists(use)) missing.push(`${rel}: t(${m[1]}${use}${m[1]})`);
    }
  }
  assert.ok(calls > 500, `found the calls (${calls})`);
  assert.deepEqual(missing, []);
});

test('every key kept as a literal or completed at run time exists', () => {
  const missing = [];
  for (const { rel, s } of files) for (const use of keyUses(s)) if (!exists(use)) missing.push(`${rel}: ${use}`);
  assert.deepEqual(missing, []);
});

test('a file that names a key of a lazy module imports that module', () => {
  const missing = [];
  for (const { rel, s } of files) {
    const need = new Set(
      keyUses(s)
        .map((u) => owner[u.split('.')[0]])
        .filter((m) => m !== INITIAL_MODULE),
    );
    for (const m of need) if (!new RegExp(`import ['"][./]*i18n/${m}\\.js['"]`).test(s)) missing.push(`${rel} uses ${m}.js`);
  }
  assert.deepEqual(missing, []);
});

test('the initial JS registers only the initial module', () => {
  const entry = readFileSync(join(SRC, 'i18n.js'), 'utf8');
  assert.deepEqual(
    [...entry.matchAll(/import ['"]\.\/i18n\/(\w+)\.js['"]/g)].map((m) => m[1]),
    [INITIAL_MODULE],
  );
  for (const f of [
    'app.jsx',
    'ui.jsx',
    'forms.jsx',
    'households.jsx',
    'routes.jsx',
    'screens/Login.jsx',
    'screens/VillageHome.jsx',
    'screens/MemberHome.jsx',
  ]) {
    const s = readFileSync(join(SRC, f), 'utf8');
    assert.ok(!/import ['"][./]*i18n\/(?!common)\w+\.js['"]/.test(s), `${f} (initial) imports a lazy message module`);
  }
});
