// Idle logout of county and township accounts on shared computers (等级保护 2.0): no input for the
// time the server gave at login (AuthPayload.idleTimeoutSeconds, tokens.js `idle`) → log out, and
// the login screen says why. Secretaries and members are never logged out for being idle (phones,
// offline work): the server gives them no timeout. The server enforces the same window on refresh.
import { currentTokens } from './tokens.js';
import { sessionEndReason } from './transport.js';

const EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'];
const CHECK_MS = 15 * 1000;
let last = Date.now();
let timer = null;

const touch = () => {
  last = Date.now();
};

/** Start watching for the session's user (call on every session change); `onIdle` logs out. */
export function watchIdle(me, onIdle) {
  stopIdle();
  const seconds = currentTokens()?.idle;
  if (!me || !seconds || !['COUNTY', 'TOWNSHIP'].includes(me.role)) return;
  last = Date.now();
  for (const e of EVENTS) addEventListener(e, touch, { passive: true, capture: true });
  // a timestamp, not a countdown: a laptop that slept past the limit logs out as soon as it wakes
  timer = setInterval(() => {
    if (Date.now() - last < seconds * 1000) return;
    stopIdle();
    sessionEndReason.set('idle');
    onIdle();
  }, CHECK_MS);
}

export function stopIdle() {
  if (timer) clearInterval(timer);
  timer = null;
  for (const e of EVENTS) removeEventListener(e, touch, { capture: true });
}
