// Shared by the assessment and ranking screens (lazy chunks only): the period in the address,
// score / percentage formatting, part and grade labels, the period picker, points of an item.
import { t, useT } from '../../i18n.js';
import '../../i18n/assessment.js';
import { navigate } from '../../router.js';
import { params } from '../review/kit.jsx';
import './assessment.css';

export const PARTS = ['BASIC', 'DISCIPLINE', 'RESULTS', 'ORG_UPGRADE'];
export const KINDS = ['BASE', 'BONUS', 'DEDUCTION'];
export const GRADES = ['EXCELLENT', 'GOOD', 'COMPETENT', 'BASIC_COMPETENT', 'INCOMPETENT'];

export const thisYear = () => String(new Date().getFullYear());
const PERIOD_RE = /^\d{4}$/;

/** The assessment period of the current address (`?period=2026`), this year by default. */
export function periodOf(path) {
  const p = params(path).get('period') || '';
  return PERIOD_RE.test(p) ? p : thisYear();
}

/** Replace some search params of the current address (empty values are dropped). */
export function setParams(path, changes) {
  const [base, qs] = path.split('?');
  const q = new URLSearchParams(qs || '');
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(s ? `${base}?${s}` : base, { replace: true });
}

/** Points as shown: 95, 95.5, 87.4 (two decimals at most, no trailing zeros). */
export function pts(x) {
  if (x == null || Number.isNaN(Number(x))) return '—';
  const c = Math.round(Number(x) * 100);
  return String(c / 100);
}

/** 0.923 → "92.3%" (satisfaction is a fraction); null → "—". */
export function pct(frac) {
  if (frac == null) return '—';
  return `${(Math.round(Number(frac) * 1000) / 10).toFixed(1)}%`;
}

/** Hundredths of a point for an item's occurrences (docs/ASSESSMENT.md "The rubric as data"). */
export function pointsCenti(item, k) {
  const c = (x) => Math.round(Number(x || 0) * 100);
  const per = c(item.perOccurrence) * k;
  const cap = item.cap == null ? null : c(item.cap);
  if (item.kind === 'BASE') {
    const base = c(item.basePoints);
    return Math.max(base + per, base - (cap ?? base));
  }
  if (item.kind === 'BONUS') return cap == null ? per : Math.min(per, cap);
  return cap == null ? per : Math.max(per, -cap);
}

export const partLabel = (p) => t(`assessment.part.${p}`);
export const kindLabel = (k) => t(`assessment.itemKind.${k}`);
export const gradeLabel = (g) => (g ? t(`assessment.grade.${g}`) : '—');

export function GradeBadge({ grade }) {
  const tr = useT();
  if (!grade) return null;
  return (
    <span class={`a7-grade a7-${grade.toLowerCase()}`} data-testid="grade" data-grade={grade}>
      {tr(`assessment.grade.${grade}`)}
    </span>
  );
}

/** Years to choose from: this year and the four before it (and the current one if older). */
export function PeriodPicker({ id = 'period', period, onChange }) {
  const tr = useT();
  const y = Number(thisYear());
  const years = [0, 1, 2, 3, 4].map((d) => String(y - d));
  if (!years.includes(period)) years.push(period);
  return (
    <div class="input">
      <label for={id}>{tr('assessment.period')}</label>
      <select id={id} value={period} data-testid="period" onChange={(e) => onChange(e.currentTarget.value)}>
        {years.map((p) => (
          <option key={p} value={p}>
            {tr('assessment.year', { y: p })}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "乡镇·脱产·正股级" style label of a ranking group key "township:resident:section_chief". */
export function groupKeyLabel(key) {
  const [u, m, c] = String(key || '').split(':');
  const L = (k, v) => {
    const s = t(`${k}${String(v || '').toUpperCase()}`);
    return s.startsWith(k) ? v : s;
  };
  return [L('ranking.groupKey.unit.', u), L('ranking.groupKey.mode.', m), L('ranking.groupKey.cadre.', c)].filter(Boolean).join(' · ');
}
