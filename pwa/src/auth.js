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
  // Who was logged in on this phone opens at once (a slow link or none must not hold the home
  // back); the server's answer below confirms it, updates it, or ends the session.
  if (tok.me) session.set({ status: 'in', me: tok.me });
  try {
    const data = await gql(`{ me { ${USER_FIELDS} } }`);
    if (!data.me) {
      await clearTokens();
      session.set({ status: 'anon', me: null });
      return;
    }
    await saveMe(data.me);
    if (JSON.stringify(data.me) !== JSON.stringify(tok.me)) session.set({ status: 'in', me: data.me });
  } catch (e) {
    if (e.code === 'NETWORK' && tok.me) return; // offline start with the identity kept on this phone
    if (e.code === 'NETWORK' || e.code === 'INTERNAL') {
      if (!tok.me) session.set({ status: 'error', me: null, error: e });
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

const VIA_PLATFORM = 'zct.viaIdentityPlatform'; // this session came from the identity platform

/** The one-time ticket of a login through the identity platform (/login/oidc) → the session.
 * Returns null on success, or an error { code, message } to show. */
export async function completeExternalLogin(ticket) {
  const data = await gql(
    `mutation Complete($t: String!) { completeExternalLogin(ticket: $t) {
      accessToken refreshToken expiresIn errors { code message } user { ${USER_FIELDS} } } }`,
    { t: ticket },
  );
  const p = data.completeExternalLogin;
  if (p.errors?.length) return p.errors[0];
  if (!p.accessToken) return new ApiError('UNKNOWN');
  await saveTokens(p);
  try {
    localStorage.setItem(VIA_PLATFORM, '1');
  } catch {
    /* no storage: logout stays local */
  }
  session.set({ status: 'in', me: p.user });
  return null;
}

/** The identity platform's facts for the login screen and logout (null when unreachable). */
export async function identityProvider() {
  try {
    return (await gql(`{ identityProvider { enabled displayName startUrl endSessionUrl } }`)).identityProvider;
  } catch {
    return null;
  }
}

function takeViaPlatform() {
  try {
    const via = localStorage.getItem(VIA_PLATFORM) === '1';
    localStorage.removeItem(VIA_PLATFORM);
    return via;
  } catch {
    return false;
  }
}

export async function logout() {
  // Forget the session locally first (so a reload right away is logged out), then revoke it.
  const refresh = currentTokens()?.refresh;
  const viaPlatform = takeViaPlatform();
  await clearTokens();
  session.set({ status: 'anon', me: null });
  if (refresh) {
    try {
      await gql(`mutation Logout($t: String!) { logout(refreshToken: $t) { ok errors { code } } }`, { t: refresh });
    } catch {
      /* offline or already invalid: the refresh token expires on its own */
    }
  }
  // Logged in through the platform: end its session too, where it offers that (a plain redirect).
  const endSessionUrl = viaPlatform && (await identityProvider())?.endSessionUrl;
  if (endSessionUrl) location.assign(endSessionUrl);
}
