// Session: login / logout / who am I. `session` holds { status, me }.
import { gql } from './api.js';
import { ApiError, sessionEnded, sessionEndReason } from './transport.js';
import { loadTokens, saveTokens, clearTokens, saveMe, currentTokens } from './tokens.js';
import { createStore } from './store.js';

const USER_FIELDS = `id name phone role active orgUnit { id kind name parent { id name } }`;

export const session = createStore({ status: 'loading', me: null });

sessionEnded.subscribe(() => session.set({ status: 'anon', me: null }));

/** On start-up: restore the session from IndexedDB and confirm it with `me`. */
export async function restore() {
  const tok = await loadTokens();
  if (!tok?.refresh) {
    session.set({ status: 'anon', me: null });
    return;
  }
  try {
    const data = await gql(`{ me { ${USER_FIELDS} } }`);
    if (!data.me) {
      await clearTokens();
      session.set({ status: 'anon', me: null });
      return;
    }
    await saveMe(data.me);
    session.set({ status: 'in', me: data.me });
  } catch (e) {
    if (e.code === 'NETWORK' && tok.me) {
      session.set({ status: 'in', me: tok.me, offline: true }); // offline start with cached identity
    } else if (e.code === 'NETWORK' || e.code === 'INTERNAL') {
      session.set({ status: 'error', me: null, error: e });
    } else {
      await clearTokens();
      session.set({ status: 'anon', me: null });
    }
  }
}

/** What a signed-in answer (login, verifySecondFactor, confirmTotpEnrolment's `auth`) carries. */
export const AUTH_FIELDS = `accessToken refreshToken expiresIn idleTimeoutSeconds user { ${USER_FIELDS} }`;

/** Store the session of an AuthPayload and enter the app. */
export async function acceptSession(p) {
  if (!p?.accessToken) throw new ApiError('UNKNOWN');
  sessionEndReason.set(null);
  await saveTokens(p);
  session.set({ status: 'in', me: p.user });
}

/** Returns null on success; { step: 'verify' | 'enrol', challenge } when the password was right and a
 * second step is needed; or an ApiError-like { code, message } to show. */
export async function login(phone, password) {
  const data = await gql(
    `mutation Login($phone: String!, $password: String!) { login(phone: $phone, password: $password) {
      ${AUTH_FIELDS} secondFactorRequired totpEnrolmentRequired challenge errors { code message field } } }`,
    { phone, password },
  );
  const p = data.login;
  if (p.errors?.length) return p.errors[0];
  if (p.secondFactorRequired) return { step: 'verify', challenge: p.challenge };
  if (p.totpEnrolmentRequired) return { step: 'enrol', challenge: p.challenge };
  if (!p.accessToken) return new ApiError('UNKNOWN');
  await acceptSession(p);
  return null;
}

/** The login's second step: a 6-digit code or a recovery code. Null on success, else the error. */
export async function verifySecondFactor(challenge, code) {
  const data = await gql(
    `mutation Verify($c: String!, $k: String!) { verifySecondFactor(challenge: $c, code: $k) {
      ${AUTH_FIELDS} errors { code message field } } }`,
    { c: challenge, k: code },
  );
  const p = data.verifySecondFactor;
  if (p.errors?.length) return p.errors[0];
  await acceptSession(p);
  return null;
}

export async function logout() {
  // Forget the session locally first (so a reload right away is logged out), then revoke it.
  const refresh = currentTokens()?.refresh;
  await clearTokens();
  session.set({ status: 'anon', me: null });
  if (refresh) {
    try {
      await gql(`mutation Logout($t: String!) { logout(refreshToken: $t) { ok errors { code } } }`, { t: refresh });
    } catch {
      /* offline or already invalid: the refresh token expires on its own */
    }
  }
}
