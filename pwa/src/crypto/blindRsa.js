// RFC 9474 RSA blind signatures, client half: RSABSSA-SHA384-PSS-Randomized (and -Deterministic).
//
//   const key = await importPublicKey(jwkOrSpkiOrPem);        // RSA-PSS / SHA-384 CryptoKey
//   const prepared = await prepare(msg);                        // 32 random bytes || msg
//   const { blindedMsg, inv } = await blind(key, prepared);     // send blindedMsg, keep inv secret
//   const sig = await finalize(key, prepared, blindSig, inv);   // throws unless sig verifies
//   await verify(key, prepared, sig);                           // plain RSASSA-PSS verification
//
// The credential is (prepared, sig): an ordinary RSASSA-PSS signature (SHA-384, MGF1-SHA-384,
// salt length 48) over `prepared`, verified here with WebCrypto. WebCrypto cannot PSS-encode
// without signing, so EMSA-PSS-ENCODE and MGF1 are written out below (digests via
// crypto.subtle), and the modular arithmetic uses BigInt.
//
// Secrets: r and inv link the credential to this voter; keep inv only until finalize. BigInt
// arithmetic is not constant-time, which matters only to an attacker on this device.
// Test-vector hooks: prepare(msg, { _randomizer }) and blind(key, msg, { _salt, _r }) fix the
// random values as RFC 9474 Appendix A does. Production code never passes them.
// The server half is backend/crypto/blind_rsa.py; both check tests/crypto/rfc9474_vectors.json.

const HASH = 'SHA-384';
export const HASH_LEN = 48;
export const SALT_LEN = 48;
export const RANDOMIZER_LEN = 32;
export const MIN_MODULUS_BITS = 2048;
const ALGORITHM = { name: 'RSA-PSS', hash: HASH };

export class BlindSignatureError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BlindSignatureError';
  }
}

const subtle = () => crypto.subtle;

// --- keys --------------------------------------------------------------------------------

/**
 * Imports the poll's public key for RSA-PSS/SHA-384 verification.
 * @param {JsonWebKey | ArrayBuffer | Uint8Array | string} key JWK, DER SubjectPublicKeyInfo, or SPKI PEM
 * @returns {Promise<CryptoKey>}
 */
export async function importPublicKey(key) {
  let cryptoKey;
  if (typeof key === 'string') {
    cryptoKey = await subtle().importKey('spki', pemToDer(key), ALGORITHM, true, ['verify']);
  } else if (key instanceof ArrayBuffer || ArrayBuffer.isView(key)) {
    cryptoKey = await subtle().importKey('spki', toBytes(key), ALGORITHM, true, ['verify']);
  } else if (key && key.kty === 'RSA') {
    const { kty, n, e } = key;
    cryptoKey = await subtle().importKey('jwk', { kty, n, e, alg: 'PS384', ext: true }, ALGORITHM, true, ['verify']);
  } else {
    throw new BlindSignatureError('unsupported public key format');
  }
  await keyNumbers(cryptoKey); // checks the size
  return cryptoKey;
}

/** SHA-256 over the DER SubjectPublicKeyInfo, 64 lowercase hex characters (as the server computes it). */
export async function publicKeyFingerprint(publicKey) {
  const spki = new Uint8Array(await subtle().exportKey('spki', publicKey));
  return bytesToHex(new Uint8Array(await subtle().digest('SHA-256', spki)));
}

/** 'ab12 cd34 ...': the first `groups` groups of 4 hex characters, as printed on paper. */
export function formatFingerprint(fingerprint, groups = 8) {
  const out = [];
  for (let i = 0; i < groups; i++) out.push(fingerprint.slice(4 * i, 4 * i + 4));
  return out.join(' ');
}

const numbersCache = new WeakMap();

async function keyNumbers(publicKey) {
  let numbers = numbersCache.get(publicKey);
  if (numbers) return numbers;
  const { name, hash } = publicKey.algorithm;
  if (publicKey.type !== 'public' || name !== 'RSA-PSS' || hash?.name !== HASH) {
    throw new BlindSignatureError('an RSA-PSS / SHA-384 public key is required');
  }
  const jwk = await subtle().exportKey('jwk', publicKey);
  const n = bytesToBigInt(base64UrlToBytes(jwk.n));
  const e = bytesToBigInt(base64UrlToBytes(jwk.e));
  const modBits = n.toString(2).length;
  if (modBits < MIN_MODULUS_BITS) throw new BlindSignatureError(`modulus must be at least ${MIN_MODULUS_BITS} bits`);
  numbers = { n, e, modBits, k: Math.ceil(modBits / 8) };
  numbersCache.set(publicKey, numbers);
  return numbers;
}

// --- protocol (RFC 9474 section 4) -----------------------------------------------------------

/**
 * Section 4.1. Randomized: 32 fresh random bytes || msg. Deterministic: msg unchanged.
 * @param {Uint8Array} msg
 * @param {{variant?: 'randomized' | 'deterministic', _randomizer?: Uint8Array}} [options]
 */
export async function prepare(msg, { variant = 'randomized', _randomizer } = {}) {
  msg = toBytes(msg);
  if (variant === 'deterministic') {
    if (_randomizer !== undefined) throw new BlindSignatureError('the Deterministic variant takes no randomizer');
    return msg.slice();
  }
  if (variant !== 'randomized') throw new BlindSignatureError(`unknown variant ${variant}`);
  const prefix = _randomizer === undefined ? randomBytes(RANDOMIZER_LEN) : toBytes(_randomizer);
  if (prefix.length !== RANDOMIZER_LEN) throw new BlindSignatureError(`randomizer must be ${RANDOMIZER_LEN} bytes`);
  return concat(prefix, msg);
}

/**
 * Section 4.2. Returns modulus-length byte strings; send blindedMsg, keep inv secret.
 * @param {CryptoKey} publicKey
 * @param {Uint8Array} preparedMsg
 * @param {{_salt?: Uint8Array, _r?: bigint}} [options] test hooks only
 * @returns {Promise<{blindedMsg: Uint8Array, inv: Uint8Array}>}
 */
export async function blind(publicKey, preparedMsg, { _salt, _r } = {}) {
  const { n, e, modBits, k } = await keyNumbers(publicKey);
  const encoded = await emsaPssEncode(toBytes(preparedMsg), modBits - 1, _salt);
  const m = bytesToBigInt(encoded);
  if (gcd(m, n) !== 1n) throw new BlindSignatureError('invalid input: encoded message is not coprime with the modulus');
  let r;
  if (_r === undefined) r = randomBelow(n);
  else if (typeof _r === 'bigint' && _r >= 1n && _r < n) r = _r;
  else throw new BlindSignatureError('r out of range');
  const inv = modInverse(r, n); // throws if r shares a factor with n (astronomically unlikely)
  const z = (m * modPow(r, e, n)) % n;
  return { blindedMsg: bigIntToBytes(z, k), inv: bigIntToBytes(inv, k) };
}

/**
 * Section 4.4. Unblinds the server's blind signature and verifies it; throws BlindSignatureError otherwise.
 * @returns {Promise<Uint8Array>} the signature over preparedMsg
 */
export async function finalize(publicKey, preparedMsg, blindSig, inv) {
  const { n, k } = await keyNumbers(publicKey);
  blindSig = toBytes(blindSig);
  inv = toBytes(inv);
  if (blindSig.length !== k || inv.length !== k) {
    throw new BlindSignatureError(`blind signature and inverse must be ${k} bytes`);
  }
  const z = bytesToBigInt(blindSig);
  const rInv = bytesToBigInt(inv);
  if (z >= n || rInv < 1n || rInv >= n) throw new BlindSignatureError('blind signature or inverse out of range');
  const sig = bigIntToBytes((z * rInv) % n, k);
  if (!(await verify(publicKey, preparedMsg, sig))) {
    throw new BlindSignatureError('blind signature does not verify under this public key');
  }
  return sig;
}

/** RSASSA-PSS verification (SHA-384, MGF1-SHA-384, salt length 48) by WebCrypto. */
export async function verify(publicKey, preparedMsg, signature) {
  const { k } = await keyNumbers(publicKey);
  signature = toBytes(signature);
  if (signature.length !== k) return false;
  return subtle().verify({ name: 'RSA-PSS', saltLength: SALT_LEN }, publicKey, signature, toBytes(preparedMsg));
}

// --- EMSA-PSS-ENCODE (RFC 8017 section 9.1.1), SHA-384 / MGF1-SHA-384 --------------------------

/** The encoded message EM, ceil(emBits / 8) bytes. `salt` is a test hook (48 bytes). */
export async function emsaPssEncode(msg, emBits, salt) {
  const emLen = Math.ceil(emBits / 8);
  salt = salt === undefined ? randomBytes(SALT_LEN) : toBytes(salt);
  if (salt.length !== SALT_LEN) throw new BlindSignatureError(`salt must be ${SALT_LEN} bytes`);
  if (emLen < HASH_LEN + SALT_LEN + 2) throw new BlindSignatureError('encoding error: modulus too small');
  const mHash = await sha384(msg);
  const h = await sha384(concat(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLen - HASH_LEN - 1);
  db[db.length - SALT_LEN - 1] = 0x01;
  db.set(salt, db.length - SALT_LEN);
  const mask = await mgf1(h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return concat(db, h, Uint8Array.of(0xbc));
}

async function mgf1(seed, length) {
  const out = new Uint8Array(Math.ceil(length / HASH_LEN) * HASH_LEN);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  for (let counter = 0; counter * HASH_LEN < length; counter++) {
    new DataView(block.buffer).setUint32(seed.length, counter);
    out.set(await sha384(block), counter * HASH_LEN);
  }
  return out.subarray(0, length);
}

async function sha384(data) {
  return new Uint8Array(await subtle().digest(HASH, data));
}

// --- BigInt arithmetic -------------------------------------------------------------------

/** base^exp mod m (square-and-multiply; not constant-time). */
export function modPow(base, exp, m) {
  let result = 1n;
  base %= m;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % m;
    base = (base * base) % m;
    exp >>= 1n;
  }
  return result;
}

/** a^-1 mod m by the extended Euclidean algorithm; throws when gcd(a, m) != 1. */
export function modInverse(a, m) {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new BlindSignatureError('blinding error: value is not invertible');
  return ((oldS % m) + m) % m;
}

function gcd(a, b) {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function randomBelow(n) {
  // Uniform in [1, n) by rejection sampling on n's bit length (under two tries on average).
  const bits = n.toString(2).length;
  const len = Math.ceil(bits / 8);
  for (;;) {
    const bytes = randomBytes(len);
    bytes[0] &= 0xff >> (8 * len - bits);
    const x = bytesToBigInt(bytes);
    if (x >= 1n && x < n) return x;
  }
}

// --- bytes -------------------------------------------------------------------------------

function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function bytesToBigInt(bytes) {
  const hex = bytesToHex(bytes);
  return hex ? BigInt('0x' + hex) : 0n;
}

export function bigIntToBytes(x, length) {
  const hex = x.toString(16);
  if (x < 0n || hex.length > 2 * length) throw new BlindSignatureError('integer too large');
  return hexToBytes(hex.padStart(2 * length, '0'));
}

export function bytesToHex(bytes) {
  return Array.from(toBytes(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function hexToBytes(hex) {
  if (hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new BlindSignatureError('invalid hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToBase64Url(bytes) {
  let bin = '';
  for (const b of toBytes(bytes)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlToBytes(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function pemToDer(pem) {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  return base64UrlToBytes(body.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
}

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new BlindSignatureError('bytes expected (Uint8Array or ArrayBuffer)');
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
