// The voter's phone side of a poll (lazy chunk). Secrecy rules:
// - requestCredential: sent WITH the login, but carries only the blinded message. The prepared
//   token, the blinding inverse and (after unblinding) the signature stay in IndexedDB on this
//   phone (database `zct-polls`, its own: logout does not wipe it) and are never sent with a login.
// - cast: a plain fetch with no Authorization header, no cookies, no referrer, no cache, after a
//   random delay (the voter sees a countdown). The choice is never stored or logged.
import { openLocal } from '../../localdb.js';
import { gql } from '../../api.js';
import { request, ApiError } from '../../transport.js';
import {
  importPublicKey,
  publicKeyFingerprint,
  prepare,
  blind,
  finalize,
  verify,
  bytesToBase64Url,
  base64UrlToBytes,
  bytesToHex,
} from '../../crypto/blindRsa.js';

let dbp;
function db() {
  if (!dbp)
    dbp = openLocal('zct-polls', 1, {
      upgrade(d) {
        d.createObjectStore('creds');
      },
    });
  return dbp;
}
const key = (userId, pollId) => `${userId}:${pollId}`;

/** The stored credential of this user for this poll: { state, token, signature, receipt, castAt } or undefined. */
export async function loadCred(userId, pollId) {
  try {
    return await (await db()).get('creds', key(userId, pollId));
  } catch {
    return undefined;
  }
}
async function saveCred(userId, pollId, value) {
  await (await db()).put('creds', value, key(userId, pollId));
}

/** Import the poll's published key and check that it is the one whose fingerprint is shown. */
export async function pollKey(poll) {
  const der = Uint8Array.from(atob(poll.publicKeySpki), (c) => c.charCodeAt(0));
  const k = await importPublicKey(der);
  const fp = await publicKeyFingerprint(k);
  if (fp !== String(poll.keyFingerprint).toLowerCase()) throw new ApiError('KEY_MISMATCH');
  return k;
}

const REQUEST = `mutation Cred($p: ID!, $b: String!) { requestPollCredential(pollId: $p, blindedMessage: $b) {
  blindSignature errors { code message field } } }`;

/** The blinded request of this credential: the one kept from an unanswered earlier try (the
 * server signs the same blinded message again: still one credential), else a new one. */
async function blindedRequest(userId, poll, pk) {
  const kept = await loadCred(userId, poll.id);
  if (kept?.state === 'requested' && kept.blinded) {
    return { prepared: base64UrlToBytes(kept.token), inv: base64UrlToBytes(kept.inv), blindedMsg: base64UrlToBytes(kept.blinded) };
  }
  const nonce = crypto.getRandomValues(new Uint8Array(32));
  const prefix = new TextEncoder().encode(poll.tokenPrefix);
  const msg = new Uint8Array(prefix.length + nonce.length);
  msg.set(prefix);
  msg.set(nonce, prefix.length);
  const prepared = await prepare(msg); // 32 random bytes || prefix || nonce
  const { blindedMsg, inv } = await blind(pk, prepared);
  // kept before the request: if the answer is lost, the same request is sent again
  await saveCred(userId, poll.id, {
    state: 'requested',
    token: bytesToBase64Url(prepared),
    inv: bytesToBase64Url(inv),
    blinded: bytesToBase64Url(blindedMsg),
  });
  return { prepared, inv, blindedMsg };
}

/** Blind, get the blind signature (logged in), unblind and verify against the published key. */
export async function requestCredential(userId, poll) {
  const pk = await pollKey(poll);
  const { prepared, inv, blindedMsg } = await blindedRequest(userId, poll, pk);
  const data = await gql(REQUEST, { p: poll.id, b: bytesToBase64Url(blindedMsg) });
  const p = data.requestPollCredential;
  if (p.errors?.length) {
    const e = p.errors[0];
    // refused for good: the kept request is of no use (a rate limit is only "later": keep it)
    if (e.code !== 'RATE_LIMITED') await (await db()).delete('creds', key(userId, poll.id));
    throw new ApiError(e.code, e.message);
  }
  let sig;
  try {
    sig = await finalize(pk, prepared, base64UrlToBytes(p.blindSignature), inv);
  } catch {
    throw new ApiError('BAD_SIGNATURE');
  }
  const receipt = bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', prepared)));
  const cred = { state: 'ready', token: bytesToBase64Url(prepared), signature: bytesToBase64Url(sig), receipt };
  await saveCred(userId, poll.id, cred); // the inverse is dropped here
  return cred;
}

/** Re-check a stored credential against the published key (before casting). */
export async function checkCred(poll, cred) {
  const pk = await pollKey(poll);
  return verify(pk, base64UrlToBytes(cred.token), base64UrlToBytes(cred.signature));
}

/** POST the ballot anonymously: no Authorization header, no cookies, no referrer, no cache
 * (transport.js `anonymous`); the server refuses a ballot that carries identifying headers. */
async function postBallot(pollId, body) {
  const r = await request(`/polls/${encodeURIComponent(pollId)}/ballots`, { method: 'POST', json: body, anonymous: true });
  let j = null;
  try {
    j = await r.json();
  } catch {
    /* not JSON */
  }
  if (!j?.receipt) throw new ApiError('UNKNOWN', undefined, { status: r.status });
  return j.receipt;
}

/** Cast with the stored credential (anonymous request). Resolves with the receipt. */
export async function castWithCred(userId, pollId, cred, choice) {
  try {
    const receipt = await postBallot(pollId, { token: cred.token, signature: cred.signature, choice: choice.toLowerCase() });
    await saveCred(userId, pollId, { ...cred, state: 'cast', receipt });
    return receipt;
  } catch (e) {
    // a cast whose answer was lost comes back as ALREADY_VOTED: the receipt is the token's hash
    if (e.code === 'ALREADY_VOTED') await saveCred(userId, pollId, { ...cred, state: 'cast' });
    throw e;
  }
}

/** Cast with a paper slip's code (anonymous request). Resolves with the receipt. */
export function castWithCode(pollId, code, choice) {
  return postBallot(pollId, { code, choice: choice.toLowerCase() });
}

/** Seconds to wait before sending: random 5–60 s; `?delay=N` only on localhost (tests). */
export function castDelay(search = location.search) {
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
  const q = new URLSearchParams(search).get('delay');
  if (local && q != null && /^\d+$/.test(q)) return Math.min(Number(q), 600);
  const r = crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
  return 5 + Math.floor(r * 56);
}

/** Paper code typed or from the QR fragment: 28 Crockford base32 characters, forgiving. */
export function normalizeCode(text) {
  const c = String(text || '')
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{28}$/.test(c) ? c : null;
}
export const formatCode = (c) => c.match(/.{1,4}/g).join('-');
