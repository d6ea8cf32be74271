// Duty chips and metrics shared by the progress screens.
import { useT } from '../../i18n.js';
import '../../i18n/progress.js';

export const DUTY_FIELDS = `key label kinds rule complete numerator denominator percent detail`;
export const PROGRESS_FIELDS = `secretary { id name village { id name } } checklistName checklistVersion completedCount totalCount
  duties { ${DUTY_FIELDS} }`;
/** One secretary's line on the township list (lists in the order of townshipProgress.dutyKeys: the
 * union of the checklists its secretaries use; `complete`/`figure` are null where an item is not in
 * that secretary's checklist). */
export const SUMMARY_FIELDS = `secretaryId secretaryName villageName completedCount totalCount complete figure`;

/** A summary line's duties as chip items: { key, label, complete, figure, absent }. */
export function summaryDuties({ dutyKeys, dutyLabels }, s) {
  return dutyKeys.map((key, i) => ({
    key,
    label: dutyLabels[i],
    complete: s.complete[i],
    figure: s.figure[i],
    absent: s.complete[i] == null,
  }));
}

/** The filing kind that lists an item's evidence (its first filing kind; the ledger has none). */
export function evidenceKind(d) {
  const k = (d.kinds || []).find((x) => x !== 'problem');
  return k ? k.toUpperCase() : null;
}

// percent is 0–100 (null when there is nothing to divide by)
const pct = (p) => (p == null ? null : Math.round(p * 10) / 10);

/** "85%" (coverage, diary months, resolution rate) or "1/1" (approved counts) — one duty's metric.
 * A summary line brings it ready-made as `figure` (the server formats it the same way). */
export function metric(d) {
  if (d.figure != null) return d.figure;
  const p = pct(d.percent);
  if (p != null) return `${p}%`;
  if (d.denominator) return `${d.numerator ?? 0}/${d.denominator}`;
  return '';
}

export function barWidth(d) {
  const p = pct(d.percent);
  if (p != null) return Math.max(0, Math.min(100, p));
  if (d.denominator) return Math.max(0, Math.min(100, (100 * (d.numerator || 0)) / d.denominator));
  return d.complete ? 100 : 0;
}

export function shortLabel(t, d) {
  const k = `progress.dutyShort.${d.key}`;
  const s = t(k);
  return s === k ? d.label : s;
}

export function DutyChips({ duties }) {
  const t = useT();
  return (
    <span class="chips">
      {duties.map((d) =>
        d.absent ? (
          <span key={d.key} class="chip na" data-testid="duty-chip" data-absent="1" title={t('progress.notInList')}>
            {shortLabel(t, d)} —
          </span>
        ) : (
          <span
            key={d.key}
            class={`chip ${d.complete ? 'ok' : 'no'}`}
            data-testid="duty-chip"
            data-complete={d.complete ? '1' : '0'}
            title={d.detail || d.label}
          >
            {d.complete ? '✓' : '○'} {shortLabel(t, d)}
            {metric(d) ? ` ${metric(d)}` : ''}
          </span>
        ),
      )}
    </span>
  );
}

export function shareText(s) {
  if (s == null) return '—';
  const p = s <= 1 ? s * 100 : s;
  return `${Math.round(p)}%`;
}
