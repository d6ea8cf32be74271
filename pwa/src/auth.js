// Session: login / logout / who am I. `session` holds { status, me }.
import { gql } from './api.js';
import { ApiError, sessionEnded } from './transport.js';
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

/** Returns null on success, or an ApiError-like { code, message } to show. */
export async function login(phone, password) {
  const data = await gql(
    `mutation Login($phone: String!, $password: String!) { login(phone: $phone, password: $password) {
      accessToken refreshToken expiresIn errors { code message field } user { ${USER_FIELDS} } } }`,
    { phone, password },
  );
  const p = data.login;
  if (p.errors?.length) return p.errors[0];
  if (!p.accessToken) return new ApiError('UNKNOWN');
  await saveTokens(p);
  session.set({ status: 'in', me: p.user });
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
