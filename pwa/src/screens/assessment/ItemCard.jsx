// One rubric item on the assessment sheet: its rule, the proposal with evidence and filings,
// the value it counts with, and (for an assessor) 采用建议 / 调整 with occurrences, points, note.
import { useState } from 'preact/hooks';
import { useT, lang } from '../../i18n.js';
import '../../i18n/assessment.js';
import { pts, kindLabel, pointsCenti } from './common.jsx';
import { fmtDate } from '../review/kit.jsx';

const MAX_FILINGS = 6;

export function ruleText(t, it) {
  const u = it.unit || t('assessment.sheet.times');
  if (it.kind === 'BASE') return t('assessment.sheet.ruleBase', { b: pts(it.basePoints), p: pts(it.perOccurrence), u });
  if (it.kind === 'BONUS')
    return t(it.cap == null ? 'assessment.sheet.ruleBonus' : 'assessment.sheet.ruleBonusCap', {
      p: pts(it.perOccurrence),
      u,
      c: pts(it.cap),
    });
  return t(it.cap == null ? 'assessment.sheet.ruleDeduct' : 'assessment.sheet.ruleDeductCap', {
    p: pts(it.perOccurrence),
    u,
    c: pts(it.cap),
  });
}

/** Differs from the proposal, or (without one) from the formula for its occurrences: needs a note. */
export function isOverride(it, v) {
  const reference = it.proposedPoints != null ? Math.round(it.proposedPoints * 100) : pointsCenti(it, v.occurrences ?? 0);
  return v.centi !== reference;
}

export function ItemCard({ it, canScore, secretaryId, own, value, edited, problem, onEdit, pointsFor }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const proposed = it.proposedPoints == null ? null : Math.round(it.proposedPoints * 100);
  const ev = it.evidence;
  const ids = ev?.filingIds || [];
  const filings = ev?.filings?.length ? ev.filings : ids.map((id, i) => ({ id, title: t('assessment.sheet.filingN', { n: i + 1 }) }));
  const override = value && isOverride(it, value);
  const startEdit = () => {
    setOpen(true);
    if (!edited)
      onEdit({
        occurrences: value?.occurrences ?? it.proposedOccurrences ?? 0,
        centi: value?.centi ?? proposed ?? pointsFor(0),
        note: value?.note || '',
      });
  };
  const setOcc = (k) => onEdit({ ...value, occurrences: k, centi: pointsFor(k) });
  return (
    <article
      id={`item-${it.key}`}
      class={`a7-item${edited ? ' edited' : ''}${problem ? ' bad' : ''}`}
      data-testid="rubric-item"
      data-key={it.key}
      data-state={edited ? 'edited' : value ? (value.saved ? 'saved' : 'set') : 'open'}
    >
      <div class="a7-item-head">
        <span class="a7-item-label">{it.label}</span>
        <span class="a7-val" data-testid="item-points">
          {value ? pts(value.centi / 100) : '—'}
        </span>
      </div>
      <p class="muted small">{lang.get() === 'zh' && it.formula ? it.formula : `${kindLabel(it.kind)} · ${ruleText(t, it)}`}</p>
      {(proposed != null || ev?.summary) && (
        <div class="a7-proposal" data-testid="proposal">
          {proposed != null && (
            <p>
              <strong>{t('assessment.sheet.proposal')}</strong>：
              {t('assessment.sheet.occurrencesN', { n: it.proposedOccurrences ?? 0, u: it.unit || t('assessment.sheet.times') })} →{' '}
              <strong>{pts(it.proposedPoints)}</strong> {t('assessment.sheet.pointsUnit')}
            </p>
          )}
          {ev?.summary && (
            <p class="small">
              {t('assessment.sheet.evidence')}：{ev.summary}
            </p>
          )}
          {it.evidenceChanged && (
            <p class="small a7-changed" data-testid="evidence-changed">
              {t('assessment.sheet.evidenceChanged')}
            </p>
          )}
          {filings.length > 0 && (
            <ul class="a7-filings">
              {filings.slice(0, MAX_FILINGS).map((f) => (
                <li key={f.id}>
                  {own ? (
                    <span data-testid="evidence-filing">
                      {f.title}
                      {f.occurredOn && <span class="muted"> · {fmtDate(f.occurredOn)}</span>}
                    </span>
                  ) : (
                    <a href={`/filings/${encodeURIComponent(f.id)}`} data-testid="evidence-filing">
                      {f.title}
                      {f.occurredOn && <span class="muted"> · {fmtDate(f.occurredOn)}</span>}
                    </a>
                  )}
                </li>
              ))}
              {filings.length > MAX_FILINGS &&
                (own ? (
                  <li class="muted">{t('assessment.sheet.moreFilings', { n: filings.length })}</li>
                ) : (
                  <li>
                    <a href={`/filings?secretaryId=${encodeURIComponent(secretaryId)}`}>
                      {t('assessment.sheet.moreFilings', { n: filings.length })}
                    </a>
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
      {value && !open && (
        <p class="small">
          {edited ? <span class="st wait">{t('assessment.sheet.unsaved')}</span> : <span class="st ok">{t('assessment.sheet.saved')}</span>}{' '}
          {t('assessment.sheet.occurrencesN', { n: value.occurrences ?? 0, u: it.unit || t('assessment.sheet.times') })}
          {(edited ? override : it.overridden) && (
            <>
              {' '}
              ·{' '}
              <span class="st no" data-testid="overridden">
                {t('assessment.sheet.overridden')}
              </span>
            </>
          )}
          {value.note && (
            <span class="a7-notetext">
              {t('common.note')}：{value.note}
            </span>
          )}
        </p>
      )}
      {canScore && !open && (
        <div class="actions">
          {proposed != null && !(value && value.centi === proposed && !override && (edited || value.saved)) && (
            <button
              type="button"
              class="btn approve"
              data-testid="confirm-proposal"
              onClick={() => onEdit({ occurrences: it.proposedOccurrences ?? 0, centi: proposed, note: '' })}
            >
              {t('assessment.sheet.useProposal')}
            </button>
          )}
          <button type="button" class="btn warn" data-testid="override" onClick={startEdit}>
            {t('assessment.sheet.adjust')}
          </button>
          {edited && (
            <button type="button" class="btn secondary small" onClick={() => onEdit(null)}>
              {t('assessment.sheet.undo')}
            </button>
          )}
        </div>
      )}
      {canScore && open && value && (
        <div class="a7-editor" data-testid="editor">
          <div class="a7-editrow">
            <div class="input">
              <label for={`occ-${it.key}`}>
                {t('assessment.sheet.occurrences')}
                {it.unit ? `（${it.unit}）` : ''}
              </label>
              <div class="a7-stepper">
                <button
                  type="button"
                  class="btn secondary"
                  aria-label={t('assessment.sheet.minus')}
                  onClick={() => setOcc(Math.max(0, (value.occurrences || 0) - 1))}
                >
                  −
                </button>
                <input
                  id={`occ-${it.key}`}
                  type="number"
                  inputMode="numeric"
                  min="0"
                  step="1"
                  value={value.occurrences ?? 0}
                  data-testid="occurrences"
                  onInput={(e) => {
                    const k = parseInt(e.currentTarget.value, 10);
                    if (Number.isFinite(k) && k >= 0) setOcc(k);
                  }}
                />
                <button
                  type="button"
                  class="btn secondary"
                  aria-label={t('assessment.sheet.plus')}
                  onClick={() => setOcc((value.occurrences || 0) + 1)}
                >
                  ＋
                </button>
              </div>
            </div>
            <div class="input">
              <label for={`pts-${it.key}`}>{t('assessment.sheet.points')}</label>
              <input
                id={`pts-${it.key}`}
                type="text"
                inputMode="decimal"
                data-testid="points"
                value={Number.isFinite(value.centi) ? pts(value.centi / 100) : ''}
                onChange={(e) => {
                  const x = e.currentTarget.value.trim();
                  const n = /^-?\d+(\.\d{1,2})?$/.test(x) ? Math.round(Number(x) * 100) : NaN;
                  onEdit({ ...value, centi: n });
                }}
              />
            </div>
          </div>
          <div class="input">
            <label for={`note-${it.key}`}>
              {t('common.note')}
              {override && (
                <span class="req" aria-hidden="true">
                  {' '}
                  *
                </span>
              )}
            </label>
            <textarea
              id={`note-${it.key}`}
              rows={2}
              maxLength={500}
              value={value.note || ''}
              data-testid="note"
              aria-invalid={problem === 'assessment.sheet.noteRequired' ? 'true' : undefined}
              placeholder={override ? t('assessment.sheet.notePlaceholder') : ''}
              onInput={(e) => onEdit({ ...value, note: e.currentTarget.value })}
            />
          </div>
          {problem && (
            <p class="field-err" role="alert">
              {t(problem)}
            </p>
          )}
          <div class="actions">
            <button type="button" class="btn" data-testid="editor-done" onClick={() => setOpen(false)}>
              {t('assessment.sheet.done')}
            </button>
            <button
              type="button"
              class="btn secondary"
              onClick={() => {
                onEdit(null);
                setOpen(false);
              }}
            >
              {t('assessment.sheet.undo')}
            </button>
          </div>
        </div>
      )}
    </article>
  );
}
