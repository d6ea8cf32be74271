// RFC 9474 client half (pwa/src/crypto/blindRsa.js): the Appendix A vectors shared with the
// Python tests, and a cross-implementation round trip with the server half
// (backend/crypto/blind_rsa.py via backend/crypto/_interop_sign.py).
// Run: node --test pwa/tests-unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import {
  BlindSignatureError,
  base64UrlToBytes,
  blind,
  bytesToBase64Url,
  bytesToHex,
  emsaPssEncode,
  finalize,
  formatFingerprint,
  hexToBytes,
  importPublicKey,
  modInverse,
  modPow,
  prepare,
  publicKeyFingerprint,
  verify,
} from '../src/crypto/blindRsa.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { vectors } = JSON.parse(readFileSync(path.join(ROOT, 'tests/crypto/rfc9474_vectors.json'), 'utf8'));
const PYTHON = process.env.PYTHON ?? path.join(ROOT, '.venv/bin/python');

const jwkFromVector = (v) => ({ kty: 'RSA', n: bytesToBase64Url(hexToBytes(v.n)), e: bytesToBase64Url(hexToBytes(v.e)) });

function flip(bytes, index = bytes.length - 1) {
  const out = bytes.slice();
  out[index] ^= 1;
  return out;
}

test('the vector file holds both variants', () => {
  assert.deepEqual(vectors.map((v) => v.name).sort(), ['RSABSSA-SHA384-PSS-Deterministic', 'RSABSSA-SHA384-PSS-Randomized']);
});

for (const v of vectors) {
  test(`RFC 9474 vector ${v.name}, step by step`, async () => {
    const key = await importPublicKey(jwkFromVector(v));
    const n = BigInt('0x' + v.n);
    const deterministic = v.name.endsWith('-Deterministic');

    const prepared = deterministic
      ? await prepare(hexToBytes(v.msg), { variant: 'deterministic' })
      : await prepare(hexToBytes(v.msg), { _randomizer: hexToBytes(v.msg_prefix) });
    assert.equal(bytesToHex(prepared), v.prepared_msg);

    const salt = hexToBytes(v.salt);
    const encoded = await emsaPssEncode(prepared, n.toString(2).length - 1, salt);
    assert.equal(bytesToHex(encoded), v.encoded_msg);

    const r = modInverse(BigInt('0x' + v.inv), n);
    const { blindedMsg, inv } = await blind(key, prepared, { _salt: salt, _r: r });
    assert.equal(bytesToHex(inv), v.inv);
    assert.equal(bytesToHex(blindedMsg), v.blinded_msg);

    // The server step is not the client's job; check the vector's blind signature is the RSA
    // signature of the blinded message with the public exponent instead of signing here.
    assert.equal(modPow(BigInt('0x' + v.blind_sig), BigInt('0x' + v.e), n), BigInt('0x' + v.blinded_msg));

    const sig = await finalize(key, prepared, hexToBytes(v.blind_sig), inv);
    assert.equal(bytesToHex(sig), v.sig);
    assert.equal(await verify(key, prepared, sig), true);
    assert.equal(await verify(key, prepared, flip(sig)), false);
    assert.equal(await verify(key, flip(prepared), sig), false);
    await assert.rejects(finalize(key, prepared, flip(hexToBytes(v.blind_sig)), inv), BlindSignatureError);
  });
}

test('prepare: randomized prefixes are fresh, deterministic is the identity', async () => {
  const msg = new TextEncoder().encode('m');
  const [a, b] = [await prepare(msg), await prepare(msg)];
  assert.equal(a.length, 33);
  assert.notEqual(bytesToHex(a), bytesToHex(b));
  assert.equal(bytesToHex(await prepare(msg, { variant: 'deterministic' })), '6d');
  await assert.rejects(prepare(msg, { _randomizer: new Uint8Array(31) }), BlindSignatureError);
});

test('test hooks and inputs are validated', async () => {
  const v = vectors[0];
  const key = await importPublicKey(jwkFromVector(v));
  const n = BigInt('0x' + v.n);
  for (const r of [0n, n, n + 1n, -1n, 5]) {
    await assert.rejects(blind(key, new Uint8Array(1), { _r: r }), BlindSignatureError);
  }
  await assert.rejects(blind(key, new Uint8Array(1), { _salt: new Uint8Array(47) }), BlindSignatureError);
  const inv = hexToBytes(v.inv);
  const blindSig = hexToBytes(v.blind_sig);
  await assert.rejects(finalize(key, new Uint8Array(1), blindSig.subarray(1), inv), /bytes/);
  await assert.rejects(finalize(key, new Uint8Array(1), new Uint8Array(blindSig.length).fill(0xff), inv), /out of range/);
  assert.equal(await verify(key, new Uint8Array(1), hexToBytes(v.sig).subarray(1)), false);
});

test('keys: JWK, SPKI DER and PEM import alike; wrong algorithms refused', async () => {
  const v = vectors[0];
  const fromJwk = await importPublicKey(jwkFromVector(v));
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', fromJwk));
  const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
  for (const key of [await importPublicKey(spki), await importPublicKey(pem)]) {
    assert.equal(await publicKeyFingerprint(key), await publicKeyFingerprint(fromJwk));
    assert.equal(await verify(key, hexToBytes(v.prepared_msg), hexToBytes(v.sig)), true);
  }
  const wrongHash = await crypto.subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']);
  await assert.rejects(blind(wrongHash, new Uint8Array(1)), BlindSignatureError);
  await assert.rejects(importPublicKey({ kty: 'EC' }), BlindSignatureError);
  const fp = await publicKeyFingerprint(fromJwk);
  assert.match(fp, /^[0-9a-f]{64}$/);
  assert.equal(formatFingerprint(fp), fp.slice(0, 32).match(/.{4}/g).join(' '));
});

// --- cross-implementation: Python signs what JavaScript blinded -------------------------------

function python(request) {
  const out = spawnSync(PYTHON, ['-m', 'backend.crypto._interop_sign'], {
    cwd: ROOT,
    input: JSON.stringify(request),
    encoding: 'utf8',
  });
  assert.equal(out.status, 0, `python helper failed: ${out.stderr}${out.stdout}`);
  return JSON.parse(out.stdout);
}

test('cross-implementation round trip with the Python server (3072-bit key)', { skip: !existsSync(PYTHON) && `no ${PYTHON}` }, async () => {
  const server = python({ op: 'generate', bits: 3072 });
  const key = await importPublicKey(server.public_jwk);
  const keyFromSpki = await importPublicKey(hexToBytes(server.public_spki_hex));
  assert.equal(await publicKeyFingerprint(key), server.fingerprint);
  assert.equal(await publicKeyFingerprint(keyFromSpki), server.fingerprint);
  assert.equal(formatFingerprint(server.fingerprint), server.fingerprint_short);

  const prepared = await prepare(new TextEncoder().encode('poll 42: 满意'));
  const { blindedMsg, inv } = await blind(key, prepared);
  const { blind_sig } = python({ op: 'blind_sign', private_pem: server.private_pem, blinded_msg: bytesToHex(blindedMsg) });
  const sig = await finalize(key, prepared, hexToBytes(blind_sig), inv);
  assert.equal(await verify(key, prepared, sig), true);

  // Python verifies what JavaScript finalized, and rejects a tampered copy.
  const check = (p, s) =>
    python({ op: 'verify', public_jwk: server.public_jwk, prepared_msg: bytesToHex(p), signature: bytesToHex(s) }).valid;
  assert.equal(check(prepared, sig), true);
  assert.equal(check(prepared, flip(sig)), false);
  assert.equal(check(flip(prepared), sig), false);

  // The other direction: Python blinds and finalizes, JavaScript verifies.
  const client = python({ op: 'client', public_jwk: server.public_jwk, msg: '00ff' });
  const signed = python({ op: 'blind_sign', private_pem: server.private_pem, blinded_msg: client.blinded_msg });
  const final = python({
    op: 'finalize',
    public_jwk: server.public_jwk,
    prepared_msg: client.prepared_msg,
    blind_sig: signed.blind_sig,
    inv: client.inv,
  });
  assert.equal(await verify(key, hexToBytes(client.prepared_msg), hexToBytes(final.signature)), true);

  // A blind signature from another key does not finalize. (The other key's blind_sign refuses
  // values at or above its own modulus, so blind until the value is below it.)
  const other = python({ op: 'generate', bits: 3072 });
  const otherN = BigInt('0x' + bytesToHex(base64UrlToBytes(other.public_jwk.n)));
  let blinded2;
  do blinded2 = await blind(key, prepared);
  while (BigInt('0x' + bytesToHex(blinded2.blindedMsg)) >= otherN);
  const wrong = python({ op: 'blind_sign', private_pem: other.private_pem, blinded_msg: bytesToHex(blinded2.blindedMsg) });
  await assert.rejects(finalize(key, prepared, hexToBytes(wrong.blind_sig), blinded2.inv), BlindSignatureError);
});
