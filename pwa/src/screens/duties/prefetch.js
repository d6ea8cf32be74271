// What the secretary opens next, fetched while the phone is idle so that it opens at once on a slow
// link: the checklist page's data (kept by gql's cache, shown at once by its `peek`) and its code from
// the home; the filing form's code from the checklist page. Nothing is fetched offline or twice a
// visit. Also where an item is filed (fileHref) and the checklist's last known size.
import { gql } from '../../api.js';

export const DUTY_PROGRESS_Q = `{ dutyProgress { checklistName checklistVersion completedCount totalCount
  duties { key label kinds rule complete numerator denominator percent detail } } }`;

// Where each item is filed, by the contract's rule: the service card's screen for the SERVICE_CARD
// rule, the first filing kind's form, the problem ledger for `problem`. An answer cached before the
// checklist was data has no kinds: the eight duties' own places then.
const OLD_PLACES = {
  household_visits: '/duties/new/HOUSEHOLD_VISIT',
  work_diary: '/duties/new/WORK_DIARY',
  service_card: '/card',
  problem_ledger: '/problems',
  research_report: '/duties/new/RESEARCH_REPORT',
  party_lecture: '/duties/new/PARTY_LECTURE',
  tech_training: '/duties/new/TECH_TRAINING',
  startup_project: '/duties/new/STARTUP_PROJECT',
};
/** The screen that files evidence for one checklist item (a DutyStatus), or null. */
export function fileHref(d) {
  if (!d) return null;
  if (!d.kinds) return OLD_PLACES[d.key] || null;
  if (d.rule === 'SERVICE_CARD') return '/card';
  const filing = d.kinds.find((k) => k !== 'problem');
  if (filing) return `/duties/new/${filing.toUpperCase()}`;
  return d.kinds.includes('problem') ? '/problems' : null;
}

// How many items the secretary's checklist had the last time it was seen (the home's total or the
// checklist's answer): the skeleton's size before the answer arrives. Not personal data.
const COUNT_KEY = 'zct-duty-count';
export function rememberDutyCount(n) {
  try {
    if (n > 0) localStorage.setItem(COUNT_KEY, String(n));
  } catch {
    /* private mode: the default size */
  }
}
export function lastDutyCount() {
  try {
    const n = Number(localStorage.getItem(COUNT_KEY));
    return n > 0 && n <= 20 ? n : 8;
  } catch {
    return 8;
  }
}

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
