// What the secretary opens next, fetched while the phone is idle so that it opens at once on a slow
// link: the 八个一 page's data (kept by gql's cache, shown at once by its `peek`) and its code from the
// home; the filing form's code from the 八个一 page. Nothing is fetched offline or twice a visit.
import { gql } from '../../api.js';

export const DUTY_PROGRESS_Q = `{ dutyProgress { completedCount totalCount duties { key label complete numerator denominator percent detail } } }`;

const idle = (fn) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn, 1000));
const done = new Set();

function once(key, fn) {
  if (done.has(key) || navigator.onLine === false) return;
  done.add(key);
  idle(() => fn().catch(() => done.delete(key)));
}

export function prefetchDuties() {
  once('duties', () => Promise.all([gql(DUTY_PROGRESS_Q), import('./Checklist.jsx')]));
}

export function prefetchFilingForm() {
  once('form', () => import('./FilingForm.jsx'));
}
